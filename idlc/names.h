/*
 * names.h - the C names idlc generates, in one place.
 *
 * The generators print these formats and sema_names.c builds the same
 * names to find clashes before anything is written, so the two can never
 * disagree about what a name will be.
 */
#ifndef IDLC_NAMES_H
#define IDLC_NAMES_H

#include <stdbool.h>

#include "ast.h"

#if defined(__GNUC__)
#define NAMES_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NAMES_PRINTF(f, a)
#endif

#define CNAME_STUB      "%s_%s"        /* interface, procedure: calc_add */
#define CNAME_ASYNC     "%s_%s_async"  /* sends, does not wait: calc_add_async */
#define CNAME_FINISH    "%s_%s_finish" /* waits for the reply: calc_add_finish */
#define CNAME_FAIL      "%s_%s_fail"   /* handler's typed srpc_call_fail():
                                          calc_div_fail (raises only) */
#define CNAME_ERROR     "%s_%s_error"  /* client's typed error code:
                                          calc_div_error (raises only) */
#define CNAME_OPS       "%s_ops"       /* struct tag: struct calc_ops */
#define CNAME_SERVE     "%s_serve"     /* interface: calc_serve */
#define CNAME_METHODS   "%s_methods"   /* static method table */
#define CNAME_INTERFACE "%s_interface" /* static srpc_interface */
#define CNAME_STRUCT    "%s_%s"        /* struct tag: struct calc_point */
#define CNAME_ENCODE    "encode_%s_%s" /* static struct encoder */
#define CNAME_DECODE    "decode_%s_%s" /* static struct decoder */
#define CNAME_ENUM      "%s_%s"        /* enum tag: enum calc_color */
#define CNAME_GET_ENUM  "get_%s_%s"    /* static enum decoder */
#define UNION_TAG       "tag"          /* a union's discriminant member */
/* The last constant of an open enum, CALC_LEVEL_INT32_ = INT32_MAX, which
 * makes the C type wide enough for any value a newer peer sends. */
#define OPEN_ENUM_WIDTH "int32_"

/* The malloc'd C name of enum value VALUE: CALC_COLOR_RED from "calc",
 * "color", "RED" (upper-cased); NULL when memory runs out. */
char *enum_value_cname(const char *iface, const char *en, const char *value);

/* The malloc'd macro name of constant NAME: CALC_MAX_NAME. */
char *const_cname(const char *iface, const char *name);
/* Static dispatch function: "dispatch_add", or "calc_dispatch_add" when a
 * file declares several interfaces; arguments: dispatch_prefix(), the
 * procedure's name. */
#define CNAME_DISPATCH  "%sdispatch_%s"

/* The malloc'd prefix of IFACE's dispatch functions, "" or "IFACE_";
 * NULL when memory runs out. */
char *dispatch_prefix(const struct idl_file *file,
                      const struct idl_iface *iface);

/* A malloc'd formatted string, NULL when memory runs out. */
char *str_printf(const char *fmt, ...) NAMES_PRINTF(1, 2);

/* PROC's method name as a C string literal, quotes included: its
 * @name, or the interface's @prefix or "IFACE." before the procedure's
 * name (escapes as the .idl wrote them); malloc'd, NULL when memory runs
 * out. */
char *wire_literal(const struct idl_iface *iface,
                   const struct idl_proc *proc);

/* True when S is a C identifier: a letter or '_', then letters, digits
 * and '_'. */
bool names_is_identifier(const char *s);

#endif /* IDLC_NAMES_H */
