/*
 * test_loop.c - the event loop backend (loop_poll.c) and the method
 * registry, directly: the server tests reach them only through sockets.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "server/loop.h"
#include "server/registry.h"

START_TEST(loop_reports_ready_descriptors)
{
    struct srpc__loop *loop = srpc__loop_create();
    int p[2], q[2], tag1, tag2, fd;
    unsigned ev;

    ck_assert_ptr_nonnull(loop);
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(pipe(q), 0);
    ck_assert_int_eq(srpc__loop_set(loop, p[0], SRPC__EV_READ, &tag1), 0);
    ck_assert_int_eq(srpc__loop_set(loop, q[1], SRPC__EV_WRITE, &tag2), 0);
    ck_assert_ptr_eq(srpc__loop_data(loop, p[0]), &tag1);
    ck_assert_ptr_eq(srpc__loop_data(loop, q[1]), &tag2);
    ck_assert_ptr_null(srpc__loop_data(loop, q[0]));
    ck_assert_ptr_null(srpc__loop_data(loop, 100000));
    ck_assert_ptr_null(srpc__loop_data(loop, -1));
    /* Only the write end is ready. */
    ck_assert_int_eq(srpc__loop_wait(loop, 0), 1);
    srpc__loop_fired(loop, 0, &fd, &ev);
    ck_assert_int_eq(fd, q[1]);
    ck_assert_uint_eq(ev, SRPC__EV_WRITE);
    /* Muted: registered, but not reported. */
    ck_assert_int_eq(srpc__loop_set(loop, q[1], 0, &tag2), 0);
    ck_assert_int_eq(srpc__loop_wait(loop, 0), 0);
    ck_assert_int_eq(write(p[1], "x", 1), 1);
    ck_assert_int_eq(srpc__loop_wait(loop, 1000), 1);
    srpc__loop_fired(loop, 0, &fd, &ev);
    ck_assert_int_eq(fd, p[0]);
    ck_assert_uint_eq(ev, SRPC__EV_READ);
    /* A hang-up is reported as readable. */
    close(p[1]);
    srpc__loop_del(loop, p[0]);
    ck_assert_ptr_null(srpc__loop_data(loop, p[0]));
    ck_assert_ptr_eq(srpc__loop_data(loop, q[1]), &tag2); /* moved, found */
    srpc__loop_del(loop, p[0]); /* twice: ignored */
    ck_assert_int_eq(srpc__loop_set(loop, -1, SRPC__EV_READ, NULL), -1);
    ck_assert_int_eq(errno, EBADF);
    close(p[0]);
    close(q[0]);
    close(q[1]);
    srpc__loop_destroy(loop);
    srpc__loop_destroy(NULL);
}
END_TEST

/* Many descriptors, removed in an order that moves entries around: every
 * remaining one keeps its udata and is still reported. */
START_TEST(loop_many_and_removal)
{
    enum { N = 200 };
    struct srpc__loop *loop = srpc__loop_create();
    int fds[N][2];
    int seen[N];

    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(pipe(fds[i]), 0);
        ck_assert_int_eq(write(fds[i][1], "x", 1), 1);
        ck_assert_int_eq(srpc__loop_set(loop, fds[i][0], SRPC__EV_READ,
                                        &fds[i][0]), 0);
    }
    for (int i = 0; i < N; i += 3)
        srpc__loop_del(loop, fds[i][0]);
    memset(seen, 0, sizeof seen);
    ck_assert_int_eq(srpc__loop_wait(loop, 0), N - (N + 2) / 3);
    for (int k = 0; k < N - (N + 2) / 3; k++) {
        int fd, *tag;
        unsigned ev;

        srpc__loop_fired(loop, k, &fd, &ev);
        tag = srpc__loop_data(loop, fd);
        ck_assert_ptr_nonnull(tag);
        ck_assert_int_eq(*tag, fd);
        for (int i = 0; i < N; i++)
            if (fds[i][0] == fd)
                seen[i]++;
    }
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(seen[i], i % 3 ? 1 : 0);
        close(fds[i][0]);
        close(fds[i][1]);
    }
    srpc__loop_destroy(loop);
}
END_TEST

static int nop(srpc_call *call, const void *impl, const msgpack_object *args,
               msgpack_packer *reply)
{
    (void)call; (void)impl; (void)args; (void)reply;
    return SRPC_OK;
}

START_TEST(registry_grows_and_finds)
{
    enum { N = 300 };
    static char names[N][32];
    static struct srpc_method methods[N];
    struct srpc_interface a = { "a", methods, N / 2 };
    struct srpc_interface b = { "b", methods + N / 2, N - N / 2 };
    struct srpc__registry r;
    char why[128];
    int impl_a, impl_b;

    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "%s.m%d", i < N / 2 ? "a" : "b", i);
        methods[i] = (struct srpc_method){ names[i], (uint32_t)(i % 4), nop };
    }
    srpc__registry_init(&r);
    ck_assert_ptr_null(srpc__registry_find(&r, "a.m1", 4));
    ck_assert_int_eq(srpc__registry_add(&r, &a, &impl_a, NULL, why, sizeof why), SRPC_OK);
    ck_assert_int_eq(srpc__registry_add(&r, &b, &impl_b, &impl_a, why, sizeof why), SRPC_OK);
    for (int i = 0; i < N; i++) {
        const struct srpc__entry *e =
            srpc__registry_find(&r, names[i], strlen(names[i]));

        ck_assert_ptr_nonnull(e);
        ck_assert_ptr_eq(e->method, &methods[i]);
        ck_assert_ptr_eq(e->impl, i < N / 2 ? (void *)&impl_a : (void *)&impl_b);
    }
    /* Lookups use the wire bytes, which are not NUL-terminated. */
    ck_assert_ptr_nonnull(srpc__registry_find(&r, "a.m10xyz", 5));
    ck_assert_ptr_null(srpc__registry_find(&r, "a.m1", 3));
    ck_assert_ptr_null(srpc__registry_find(&r, "", 0));
    /* Registering again adds nothing and says which name clashed. */
    ck_assert_int_eq(srpc__registry_add(&r, &a, &impl_a, NULL, why, sizeof why),
                     SRPC_EINVAL);
    ck_assert_str_eq(why, "method 'a.m0' is already registered");
    ck_assert_uint_eq(r.count, N);
    srpc__registry_fini(&r);
}
END_TEST

START_TEST(registry_rejects_bad_interfaces)
{
    static const struct srpc_method dup[] = { { "x.a", 0, nop }, { "x.a", 1, nop } };
    static const struct srpc_method noname[] = { { NULL, 0, nop } };
    const struct srpc_interface d = { "x", dup, 2 }, n = { "x", noname, 1 };
    const struct srpc_interface empty = { "e", NULL, 0 };
    struct srpc__registry r;
    char why[128];

    srpc__registry_init(&r);
    ck_assert_int_eq(srpc__registry_add(&r, &d, NULL, NULL, why, sizeof why), SRPC_EINVAL);
    ck_assert_str_eq(why, "method 'x.a' is already registered");
    ck_assert_ptr_null(srpc__registry_find(&r, "x.a", 3)); /* all or nothing */
    ck_assert_int_eq(srpc__registry_add(&r, &n, NULL, NULL, why, sizeof why), SRPC_EINVAL);
    ck_assert_str_eq(why, "method 0 of interface 'x' has no name");
    ck_assert_int_eq(srpc__registry_add(&r, &empty, NULL, NULL, why, sizeof why), SRPC_OK);
    ck_assert_int_eq(srpc__registry_add(&r, NULL, NULL, NULL, why, sizeof why), SRPC_EINVAL);
    srpc__registry_fini(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("loop");
    TCase *tc = tcase_create("loop");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, loop_reports_ready_descriptors);
    tcase_add_test(tc, loop_many_and_removal);
    suite_add_tcase(s, tc);
    tc = tcase_create("registry");
    tcase_add_test(tc, registry_grows_and_finds);
    tcase_add_test(tc, registry_rejects_bad_interfaces);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
