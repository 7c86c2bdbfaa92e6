/*
 * evoserver.h - the inventory server of tests/evolution, in whichever
 * version the program links: server_v1.c (built from v1/inventory.idl) or
 * server_v2.c (from v2/inventory.idl).  Both define the same functions;
 * a program links exactly one of them, and the client code that drives
 * it includes the other version's header.  Nothing here names a generated
 * type, so the test file never sees the server's struct layouts.
 *
 * The server runs in a thread (tests/unit/testutil.h) on a Unix socket in
 * a fresh temporary directory, and starts with two items stored:
 *
 *   v1: "drill"  3 TOOL  note "cordless"
 *       "bolt"   500 PART
 *   v2: "drill"  3 TOOL  note "cordless"  reorder_at 1
 *                supplier "Acme Tools"  where A3/4
 *       "acid"   2 HAZMAT (7)  supplier "ChemCo"  where Z9/1
 *
 * describe(NAME) renders the stored item as the server sees it, every
 * field it knows and "-" for an absent optional one:
 *
 *   v1: "name=drill count=3 cat=1 note=cordless"
 *   v2: "name=drill count=3 cat=1 note=cordless reorder_at=1
 *        supplier=Acme Tools where=A3/4"              (on one line)
 *
 * The v2 server's put() stores an item that came without "where" in the
 * receiving bin IN/0, and returns the item as stored, so even its reply
 * to an old client carries a field of version 2.
 */
#ifndef TESTS_EVOSERVER_H
#define TESTS_EVOSERVER_H

#include "testutil.h"

struct evo_store;

struct evo_server {
    char dir[256];            /* the temporary directory */
    char addr[300];           /* "unix:DIR/inventory.sock" */
    struct tu_server ts;      /* the server and its thread */
    struct evo_store *store;  /* the items, owned by the server's handlers */
};

/* INVENTORY_VERSION of the server this program links. */
extern const unsigned evo_server_version;

/* Creates the directory, the server and its store, listens on ADDR and
 * starts the thread; a failure fails the test. */
void evo_server_start(struct evo_server *es);

/* Stops and joins the thread, frees everything, removes the directory.
 * Harmless on a server that was not started. */
void evo_server_stop(struct evo_server *es);

#endif
