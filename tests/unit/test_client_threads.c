/*
 * test_client_threads.c - one client shared by 16 threads, each making
 * 1000 calls, over Unix and TCP: every result checked, strings included
 * (each thread's results and messages are its own), blocking and async
 * calls mixed.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "clientfake.h"
#include "testcalc.h"
#include "testutil.h"

enum { THREADS = 16, CALLS = 1000 };

static char dir[256];
static char unix_addr[300];
static struct calc_state state;
static struct tu_server ts;

static void setup(void)
{
    tu_mkdtemp(dir, sizeof dir);
    snprintf(unix_addr, sizeof unix_addr, "unix:%s/calc.sock", dir);
    calc_state_init(&state);
    memset(&ts, 0, sizeof ts);
    ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(ts.srv, &calc_default_ops, &state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, unix_addr), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, "tcp:127.0.0.1:0"), SRPC_OK);
    tu_server_start(&ts);
}

static void teardown(void)
{
    tu_server_stop(&ts);
    srpc_server_destroy(ts.srv);
    calc_state_fini(&state);
    tu_rmdir(dir);
}

struct worker {
    pthread_t thread;
    srpc_client *c;
    int id;
    int errors;          /* checked by the main thread: ck_assert in a */
    char first_error[200]; /* thread would not stop the test cleanly */
};

static void note_error(struct worker *w, const char *what, int i, int rc)
{
    if (w->errors++ == 0)
        snprintf(w->first_error, sizeof w->first_error,
                 "thread %d call %d: %s: %s (%s)", w->id, i, what,
                 srpc_strerror(rc), srpc_client_errmsg(w->c));
}

/* Each thread: blocking adds, async adds, and strings of its own. */
static void *work(void *arg)
{
    struct worker *w = arg;
    char mine[64];

    for (int i = 0; i < CALLS; i++) {
        int32_t r = 0;
        int rc;

        if (i % 10 == 9) {
            const char *s = NULL;

            snprintf(mine, sizeof mine, "thread %d call %d", w->id, i);
            rc = calc_echo(w->c, mine, &s);
            if (rc != SRPC_OK || strcmp(s, mine) != 0)
                note_error(w, "echo", i, rc);
            srpc_client_free_results(w->c);
        } else if (i % 10 == 5) {
            srpc_pending *p;

            rc = calc_add_async(w->c, i, w->id * 100000, &p);
            if (rc == SRPC_OK)
                rc = calc_add_finish(w->c, p, &r);
            if (rc != SRPC_OK || r != i + w->id * 100000)
                note_error(w, "add_async", i, rc);
        } else {
            rc = calc_add(w->c, i, w->id * 100000, &r);
            if (rc != SRPC_OK || r != i + w->id * 100000)
                note_error(w, "add", i, rc);
        }
    }
    /* An error stays with the thread that got it. */
    if (calc_div(w->c, w->id, 0, &(int32_t){ 0 }) != SRPC_EREMOTE ||
        strcmp(srpc_client_errmsg(w->c), "calc.div: division by zero") != 0)
        note_error(w, "div", -1, SRPC_EREMOTE);
    return NULL;
}

static void hammer(const char *address)
{
    static struct worker w[THREADS];
    srpc_client *c = NULL;
    char err[256] = "";

    ck_assert_msg(srpc_client_connect(&c, address, NULL, err, sizeof err) ==
                      SRPC_OK, "connect %s: %s", address, err);
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].c = c;
        w[i].id = i;
        ck_assert_int_eq(pthread_create(&w[i].thread, NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(w[i].thread, NULL), 0);
    srpc_client_close(c);
    for (int i = 0; i < THREADS; i++)
        ck_assert_msg(w[i].errors == 0, "%d errors, first: %s", w[i].errors,
                      w[i].first_error);
}

START_TEST(threads_over_unix)
{
    hammer(unix_addr);
}
END_TEST

START_TEST(threads_over_tcp)
{
    const char *tcp = srpc_server_address(ts.srv, 1);

    ck_assert_ptr_nonnull(tcp);
    ck_assert_str_eq(strncmp(tcp, "tcp:", 4) == 0 ? "tcp" : tcp, "tcp");
    hammer(tcp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_threads");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL);
    tc = tcase_create("client_threads");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, threads_over_unix);
    tcase_add_test(tc, threads_over_tcp);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
