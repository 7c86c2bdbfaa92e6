# libsockrpc: the runtime that generated stubs and applications link.
# The folders are its layers, each using only those listed before it
# (runtime/README.md): base, transport, wire, then server and client.

# The objects are built once, into a convenience library that the white-box
# unit tests link whole; libsockrpc.la wraps it and exports only the API.
noinst_LTLIBRARIES += runtime/libsockrpc-internal.la
runtime_libsockrpc_internal_la_SOURCES = \
	runtime/base/error.c \
	runtime/base/clock.c runtime/base/clock.h \
	runtime/base/log.c runtime/base/log.h \
	runtime/base/fdlimit.c runtime/base/fdlimit.h \
	runtime/transport/transport.h \
	runtime/transport/address.c runtime/transport/address.h \
	runtime/transport/sockutil.c runtime/transport/sockutil.h \
	runtime/transport/unix.c \
	runtime/transport/tcp.c \
	runtime/wire/arena.c runtime/wire/arena.h \
	runtime/wire/wbuf.c runtime/wire/wbuf.h \
	runtime/wire/frame.c runtime/wire/frame.h \
	runtime/wire/codec.c \
	runtime/wire/derr.c runtime/wire/derr.h \
	runtime/wire/protocol.c runtime/wire/protocol.h \
	runtime/server/loop.h runtime/server/loop.c \
	runtime/server/registry.c runtime/server/registry.h \
	runtime/server/conn.c runtime/server/conn.h \
	runtime/server/conn_thread.c runtime/server/conn_thread.h \
	runtime/server/call.c runtime/server/report.c \
	runtime/server/server.c runtime/server/server.h \
	runtime/client/client.c runtime/client/client.h \
	runtime/client/slot.c \
	runtime/client/io.c runtime/client/send.c \
	runtime/client/async.c runtime/client/report.c
runtime_libsockrpc_internal_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime
runtime_libsockrpc_internal_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) \
	$(MSGPACK_CFLAGS)
runtime_libsockrpc_internal_la_LIBADD = $(MSGPACK_LIBS) $(PTHREAD_LIBS)

# The shared library exports the names sockrpc.h and sockrpc/codec.h
# declare (srpc_ and a letter) and nothing else.  The layers call each other
# through srpc__ names that must stay free to change; without the filter
# every one of them would be part of the ABI, and a program could bind to
# srpc__frame_scan and break on the next release.
# tests/integration/exports.sh compares the two lists both ways.
lib_LTLIBRARIES += runtime/libsockrpc.la
runtime_libsockrpc_la_SOURCES =
runtime_libsockrpc_la_LIBADD = runtime/libsockrpc-internal.la
# current:revision:age - bump per the libtool rules when the ABI changes.
runtime_libsockrpc_la_LDFLAGS = -version-info 0:0:0 -no-undefined \
	-export-symbols-regex '^srpc_[a-z]'

include_HEADERS = runtime/include/sockrpc.h
sockrpcincludedir = $(includedir)/sockrpc
sockrpcinclude_HEADERS = runtime/include/sockrpc/codec.h

pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = runtime/sockrpc.pc
EXTRA_DIST += runtime/sockrpc.pc.in
EXTRA_DIST += runtime/README.md runtime/base/README.md \
	runtime/transport/README.md runtime/wire/README.md \
	runtime/server/README.md runtime/client/README.md
# Event loop backends: loop.c includes the one this platform gets.
EXTRA_DIST += runtime/server/loop_poll.c runtime/server/loop_epoll.c
