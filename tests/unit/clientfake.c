/*
 * clientfake.c - see clientfake.h.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <check.h>

#include "clientfake.h"
#include "sockrpc/codec.h"
#include "testutil.h"

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    int fd = accept(f->lfd, NULL, NULL);

    if (fd >= 0) {
        struct timeval tv = { 5, 0 };

        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        f->script(f, fd);
        close(fd);
    }
    return NULL;
}

void fake_start(struct fake *f, const char *path, fake_script script,
                void *arg)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(f->lfd, 0);
    ck_assert_uint_lt(strlen(path), sizeof sun.sun_path);
    memcpy(sun.sun_path, path, strlen(path) + 1);
    ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sun, sizeof sun), 0);
    ck_assert_int_eq(listen(f->lfd, 8), 0);
    f->script = script;
    f->arg = arg;
    ck_assert(msgpack_unpacker_init(&f->unp, 4096));
    ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

void fake_stop(struct fake *f)
{
    ck_assert_int_eq(pthread_join(f->thread, NULL), 0);
    close(f->lfd);
    msgpack_unpacker_destroy(&f->unp);
}

int64_t fake_read_request(struct fake *f, int fd, int64_t *arg0)
{
    msgpack_unpacked u;
    int64_t id = -1;

    msgpack_unpacked_init(&u);
    if (tu_read_message(fd, &f->unp, &u)) {
        const msgpack_object *e = u.data.via.array.ptr;

        id = (int64_t)e[1].via.u64;
        if (arg0 && e[3].via.array.size > 0)
            *arg0 = e[3].via.array.ptr[0].via.i64;
    }
    msgpack_unpacked_destroy(&u);
    return id;
}

static void send_sbuf(int fd, msgpack_sbuffer *sb)
{
    /* The peer may be gone already in tests that drop connections. */
    (void)tu_write_all(fd, sb->data, sb->size);
    msgpack_sbuffer_destroy(sb);
}

void fake_reply_int(int fd, int64_t id, int64_t result)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, 1);
    msgpack_pack_int64(&pk, id);
    msgpack_pack_nil(&pk);
    msgpack_pack_int64(&pk, result);
    send_sbuf(fd, &sb);
}

void fake_notify(int fd, const char *method, int64_t arg, const char *text)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_int(&pk, 2);
    srpc_pack_str(&pk, method);
    msgpack_pack_array(&pk, text ? 2 : 1);
    msgpack_pack_int64(&pk, arg);
    if (text)
        srpc_pack_str(&pk, text);
    send_sbuf(fd, &sb);
}

int calc_add_async(srpc_client *client, int32_t a, int32_t b,
                   srpc_pending **call)
{
    msgpack_packer *pk = srpc_client_begin(client, "calc.add", 2);

    msgpack_pack_int32(pk, a);
    msgpack_pack_int32(pk, b);
    return srpc_client_send(client, call);
}

int calc_add_finish(srpc_client *client, srpc_pending *call, int32_t *result)
{
    const msgpack_object *reply;
    int rc;

    rc = srpc_client_wait(client, call, &reply);
    if (rc != SRPC_OK)
        return rc;
    rc = srpc_get_int32(reply, result);
    if (rc != SRPC_OK)
        return srpc_client_bad_result(client, rc, "int32");
    return SRPC_OK;
}

int calc_sleep_async(srpc_client *client, int32_t ms, srpc_pending **call)
{
    msgpack_packer *pk = srpc_client_begin(client, "calc.sleep", 1);

    msgpack_pack_int32(pk, ms);
    return srpc_client_send(client, call);
}
