/*
 * alltypes_impl.h - the handlers of alltypes.idl's interface (see
 * alltypes_impl.c).
 */
#ifndef ALLTYPES_IMPL_H
#define ALLTYPES_IMPL_H

#include <stdatomic.h>

#include "alltypes.h"

/* Every procedure implemented. */
extern const struct types_ops alltypes_ops;

/* Calls of twice, echo_wide and eval that reached the server: a call its
 * client refused never does. */
extern atomic_int alltypes_union_calls;

#endif
