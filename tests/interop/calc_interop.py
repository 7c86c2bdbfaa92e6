"""calc_interop.py - a msgpack-rpc peer in another language calls calc_server.

Written against the protocol document alone (doc/protocol.md), with Python's
msgpack package: it calls the calculator over a Unix socket and over TCP,
pipelines hundreds of calls in one write, sends wrong arities and types,
attacks the server, and checks after each attack that well-formed calls are
still answered and that the server holds no more file descriptors than before.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import msgpack

TIMEOUT = 5.0
NO_METHOD = -32601
INVALID_ARGS = -32602


class Peer:
    """One connection speaking msgpack-rpc."""

    def __init__(self, address):
        scheme, rest = address.split(":", 1)
        if scheme == "unix":
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(rest)
        else:
            host, port = rest.rsplit(":", 1)
            self.sock = socket.create_connection((host, int(port)))
        self.sock.settimeout(TIMEOUT)
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.next_id = 1

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def request(self, method, params, msgid=None):
        if msgid is None:
            msgid = self.next_id
            self.next_id += 1
        return msgid, msgpack.packb([0, msgid, method, params])

    def receive(self):
        while True:
            for msg in self.unpacker:
                return msg
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("server closed the connection")
            self.unpacker.feed(data)

    def call(self, method, *params):
        msgid, data = self.request(method, list(params))
        self.send(data)
        reply = self.receive()
        check(reply[0] == 1 and reply[1] == msgid, "bad reply %r" % (reply,))
        return reply[2], reply[3]

    def expect_closed(self):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            try:
                if not self.sock.recv(65536):
                    return
            except ConnectionResetError:
                return
        raise AssertionError("server kept a hostile connection open")


failures = 0


def check(condition, message):
    global failures
    if not condition:
        failures += 1
        print("FAIL:", message)
        raise AssertionError(message)


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def test_calls(addr):
    p = Peer(addr)
    check(p.call("calc.add", 2, 3) == (None, 5), "add")
    check(p.call("calc.sub", 2, 3) == (None, -1), "sub")
    check(p.call("calc.mul", -4, 5) == (None, -20), "mul")
    check(p.call("calc.div", 9, 2) == (None, 4), "div")
    err, result = p.call("calc.div", 1, 0)
    check(err == [1, "division by zero"] and result is None, "div by zero: %r" % (err,))
    err, _ = p.call("calc.add", 2147483647, 1)
    check(isinstance(err, list) and err[0] == 2, "overflow: %r" % (err,))
    p.close()


def test_pipelining(addr):
    p = Peer(addr)
    n = 500
    batch = b"".join(p.request("calc.add", [i, i], msgid=i)[1] for i in range(n))
    p.send(batch)                                   # one write, 500 calls
    seen = {}
    for _ in range(n):
        reply = p.receive()
        check(reply[0] == 1 and reply[2] is None, "pipelined reply %r" % (reply,))
        seen[reply[1]] = reply[3]
    check(seen == {i: 2 * i for i in range(n)}, "pipelined results")
    p.close()


def test_bad_calls(addr):
    p = Peer(addr)
    err, _ = p.call("calc.add", 1)
    check(err[0] == INVALID_ARGS, "too few args: %r" % (err,))
    err, _ = p.call("calc.add", 1, 2, 3)
    check(err[0] == INVALID_ARGS, "too many args: %r" % (err,))
    err, _ = p.call("calc.add", "1", 2)
    check(err[0] == INVALID_ARGS, "string arg: %r" % (err,))
    err, _ = p.call("calc.add", 1.5, 2)
    check(err[0] == INVALID_ARGS, "float arg: %r" % (err,))
    err, _ = p.call("calc.add", None, 2)
    check(err[0] == INVALID_ARGS, "nil arg: %r" % (err,))
    err, _ = p.call("calc.add", 2 ** 31, 2)
    check(err[0] == INVALID_ARGS, "out of range arg: %r" % (err,))
    err, _ = p.call("calc.nosuch")
    check(err[0] == NO_METHOD, "unknown method: %r" % (err,))
    err, _ = p.call("", 1)
    check(err[0] == NO_METHOD, "empty method: %r" % (err,))
    # The largest msgid a peer may use is still answered.
    msgid, data = p.request("calc.add", [1, 1], msgid=2 ** 32 - 1)
    p.send(data)
    check(p.receive() == [1, msgid, None, 2], "uint32 max msgid")
    # A notification gets no reply: the next call's reply comes first.
    p.send(msgpack.packb([2, "calc.note", ["from python"]]))
    p.send(msgpack.packb([2, "calc.add", [1, 2]]))
    check(p.call("calc.mul", 3, 4) == (None, 12), "call after notifications")
    p.close()


ATTACKS = {
    "garbage": b"\xc1\xc1\xc1 this is not msgpack",
    "http": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "array bomb": b"\xdd\xff\xff\xff\xff",
    "map bomb": b"\x94\x00\x01\xa8calc.add\xdf\xff\xff\xff\xff",
    "str bomb": b"\x94\x00\x01\xdb\xff\xff\xff\xff",
    "deep nesting": b"\x94\x00\x01\xa8calc.add" + b"\x91" * 100 + b"\x00",
    "negative msgid": msgpack.packb([0, -1, "calc.add", [1, 2]]),
    "string msgid": msgpack.packb([0, "one", "calc.add", [1, 2]]),
    "bad type": msgpack.packb([7, 1, "calc.add", [1, 2]]),
    "not an array": msgpack.packb({"method": "calc.add"}),
}


def settled_fd_count(pid):
    """The server's fd count once it has stopped changing: connections that
    earlier tests closed are noticed by the server in its own time."""
    count = fd_count(pid)
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        time.sleep(0.1)
        now = fd_count(pid)
        if now == count:
            return count
        count = now
    return count


def test_attacks(addr, pid):
    baseline = settled_fd_count(pid)
    for name, data in ATTACKS.items():
        p = Peer(addr)
        p.send(data)
        p.expect_closed()
        p.close()
        check(Peer(addr).call("calc.add", 20, 22) == (None, 42), "after " + name)
    # Truncated messages and clients that vanish mid-message.
    whole = msgpack.packb([0, 1, "calc.add", [1, 2]])
    for cut in range(1, len(whole)):
        p = Peer(addr)
        p.send(whole[:cut])
        p.close()
    # A client that sends a flood of calls and never reads a reply.
    hog = Peer(addr)
    flood = b"".join(hog.request("calc.add", [i, 1], msgid=i)[1] for i in range(20000))
    hog.sock.setblocking(False)
    stream = memoryview(flood * 50)     # sent as one stream: a partial send
    try:                                # must not cut a message in two
        while stream:
            stream = stream[hog.sock.send(stream):]
    except BlockingIOError:
        pass                    # the server stopped reading: backpressure
    check(len(stream) > 0, "the server read 13 MB of calls nobody collects")
    check(Peer(addr).call("calc.add", 1, 1) == (None, 2), "during a hog")
    hog.close()
    # Hundreds of connect/drop cycles.
    for _ in range(300):
        Peer(addr).close()
    deadline = time.time() + TIMEOUT
    while fd_count(pid) != baseline and time.time() < deadline:
        time.sleep(0.02)
    check(fd_count(pid) == baseline, "fds grew from %d to %d" % (baseline, fd_count(pid)))
    check(Peer(addr).call("calc.add", 2, 2) == (None, 4), "after cycles")


def start_server(tmp):
    binary = os.path.join(os.environ.get("top_builddir", "."), "examples/calc/calc_server")
    server = subprocess.Popen(
        [binary, "unix:" + os.path.join(tmp, "calc.sock"), "tcp:127.0.0.1:0"],
        stdout=subprocess.PIPE, text=True)
    addrs = []
    while len(addrs) < 2:
        line = server.stdout.readline()
        if not line:
            raise RuntimeError("calc_server did not start")
        if line.startswith("listening on "):
            addrs.append(line[len("listening on "):].strip())
    return server, addrs


def main():
    tmp = tempfile.mkdtemp(prefix="sockrpc-interop.")
    server = None
    try:
        server, addrs = start_server(tmp)
        for addr in addrs:
            for test in (test_calls, test_pipelining, test_bad_calls):
                test(addr)
                print("ok", test.__name__, addr)
            test_attacks(addr, server.pid)
            print("ok test_attacks", addr)
        server.send_signal(signal.SIGTERM)
        check(server.wait(timeout=TIMEOUT) == 0, "server exit status")
        check(not os.path.exists(os.path.join(tmp, "calc.sock")), "socket file removed")
    except (AssertionError, OSError, RuntimeError) as e:
        print("FAIL:", e)
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
