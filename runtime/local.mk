# libsockrpc: the runtime that generated stubs and applications link.

lib_LTLIBRARIES += runtime/libsockrpc.la
runtime_libsockrpc_la_SOURCES = \
	runtime/error.c \
	runtime/log.c runtime/log.h \
	runtime/arena.c runtime/arena.h \
	runtime/wbuf.c runtime/wbuf.h \
	runtime/frame.c runtime/frame.h \
	runtime/codec.c \
	runtime/protocol.c runtime/protocol.h \
	runtime/address.c runtime/address.h \
	runtime/transport.h \
	runtime/sockutil.c runtime/sockutil.h \
	runtime/transport_unix.c \
	runtime/transport_tcp.c \
	runtime/loop.h runtime/loop.c \
	runtime/registry.c runtime/registry.h \
	runtime/conn.c runtime/conn.h \
	runtime/conn_thread.c runtime/conn_thread.h \
	runtime/call.c \
	runtime/server.c runtime/server.h \
	runtime/client.c runtime/client.h \
	runtime/client_io.c runtime/client_send.c \
	runtime/client_async.c
runtime_libsockrpc_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(MSGPACK_CFLAGS)
runtime_libsockrpc_la_LIBADD = $(MSGPACK_LIBS) $(PTHREAD_LIBS)
# current:revision:age - bump per the libtool rules when the ABI changes.
runtime_libsockrpc_la_LDFLAGS = -version-info 0:0:0 -no-undefined

include_HEADERS = runtime/include/sockrpc.h
sockrpcincludedir = $(includedir)/sockrpc
sockrpcinclude_HEADERS = runtime/include/sockrpc/codec.h

pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = runtime/sockrpc.pc
EXTRA_DIST += runtime/sockrpc.pc.in
# Event loop backends: loop.c includes the one this platform gets.
EXTRA_DIST += runtime/loop_poll.c runtime/loop_epoll.c
