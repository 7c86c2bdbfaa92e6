#!/usr/bin/python3
"""foreign_server.py - a msgpack-rpc service written the way other people
write theirs, not the way sockrpc does: for tests/interop/test_foreign.c,
which calls it through stubs idlc generates from foreign.idl.

    foreign_server.py SOCKET [LEGACY_SOCKET]

Serves SOCKET with today's msgpack (str is str, bytes is bin) and, when
given, LEGACY_SOCKET as an old peer does (use_bin_type=False: strings and
bytes both go out as raw str).  Prints "ready" once both listen; exits on
SIGTERM or when its stdin reaches end of file (so it never outlives the
test that started it), removing its socket files.

What sockrpc would not do, on purpose:
- method names without "iface." ("Echo", "Sum", "nvim_buf_get_lines");
- requests handled concurrently, so pipelined replies leave out of order;
- nil, or true, as the result of a procedure that returns nothing;
- ints where the IDL says double, bytes (bin) where it says string;
- maps with keys the IDL does not know, or bytes keys, mixed arrays, a
  100 000-item array;
- errors as a plain string, as [code, msg] (Neovim's way) and as a map;
- notifications [2, "event", ...], a request to the client and a
  notification whose params are no array, before the reply of the call
  they are for.
"""

import asyncio
import hashlib
import os
import signal
import sys

import msgpack


class Failure(Exception):
    """Ends a call with ERROR as the response's error object, as is."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


USERS = {
    1: {"id": 1, "name": "ada", "email": "ada@example.org",
        "tags": ["admin", "ops"], "score": 97,          # int for a double
        "created": 1700000000, "flags": {"beta": True},  # unknown keys
        "home": {"city": "London", "zip": None, "geo": [51.5, -0.1]}},
    2: {"id": 2, "name": "bob", "email": None,           # nil: absent
        "home": {"city": "Paris"}},
    # Written in Python 2's days: bytes keys and values (bin, or raw str
    # from the old peer).
    3: {b"id": 3, b"name": b"cy", b"tags": [b"py2"],
        b"home": {b"city": b"Oslo", b"zip": b"0150"}},
}


class Service:
    """The procedures, by wire name.  Each connection has its own."""

    def __init__(self, conn):
        self.conn = conn
        self.vars = {}
        self.lines = ["first", "second", "third"]

    # -- a plain service ---------------------------------------------
    def Echo(self, text):
        return text

    def Sum(self, xs):
        return sum(xs)

    def ping(self):
        return "pong"

    def Average(self, xs):
        total = sum(xs)
        if total % len(xs) == 0:
            return total // len(xs)         # an int: 2, not 2.0
        return total / len(xs)

    def Reset(self):
        self.vars.clear()                   # result None: nil

    def Clear(self):
        return True                         # "void", but says true

    def Digest(self, data):
        return hashlib.sha256(data).digest()  # 32 bytes, NULs likely

    def Banner(self):
        return b"welcome to foreign"        # bytes for a string

    def WordCount(self, text):
        counts = {}
        for word in text.split():
            counts[word] = counts.get(word, 0) + 1
        return counts

    def GetUser(self, uid):
        if uid not in USERS:
            raise Failure([404, "no user %d" % uid])
        return USERS[uid]

    def FindUser(self, name):
        for user in USERS.values():
            if user.get("name") == name:
                return user
        return None

    def Mixed(self):
        return [1, "two", 3.5, None, True, [4, "four"], {"five": 5}, b"\x06\x00"]

    def Describe(self, value):
        return {"type": type(value).__name__, "value": value}

    def Fail(self, how):
        if how == "string":
            raise Failure("something broke")
        if how == "array":
            raise Failure([404, "not found here"])
        if how == "map":
            raise Failure({"code": 403, "message": "go away"})
        if how == "int":
            raise Failure(7)
        if how == "bytes":
            raise Failure([403, b"denied in bytes"])
        return None

    async def Subscribe(self, topic):
        self.conn.notify("event", [topic, 1, {"by": "Subscribe"}])
        # A request to the client, as Neovim's rpcrequest() sends: nobody
        # waits for its answer here.
        self.conn.send([0, 1000, "on_subscribe", [topic]])
        # A sloppy one: params not in an array, which the spec wants.
        self.conn.send([2, "progress", 50])
        self.conn.notify("event", [topic, 2, {"by": "Subscribe"}])
        return 2

    async def Delay(self, ms, value):
        await asyncio.sleep(ms / 1000.0)
        return value

    def Range(self, n):
        return list(range(n))

    # -- the shape of Neovim's API ---------------------------------------
    def nvim_get_api_info(self):
        return [self.conn.channel, {
            "version": {"major": 0, "minor": 9, "patch": 5, "api_level": 11},
            "functions": [{"name": "nvim_buf_get_lines", "since": 1}],
            "ui_events": []}]

    def nvim_buf_line_count(self, buf):
        self.check_buffer(buf)
        return len(self.lines)

    def nvim_buf_get_lines(self, buf, start, end, strict):
        self.check_buffer(buf)
        n = len(self.lines)
        start = start + n + 1 if start < 0 else start
        end = end + n + 1 if end < 0 else end
        if strict and (start > n or end > n):
            raise Failure([1, "Index out of bounds"])   # Validation
        return self.lines[start:end]

    def nvim_buf_set_lines(self, buf, start, end, strict, replacement):
        self.check_buffer(buf)
        n = len(self.lines)
        start = start + n + 1 if start < 0 else start
        end = end + n + 1 if end < 0 else end
        if strict and (start > n or end > n):
            raise Failure([1, "Index out of bounds"])
        self.lines[start:end] = replacement

    def nvim_set_var(self, name, value):
        self.vars[name] = value

    def nvim_get_var(self, name):
        if name not in self.vars:
            raise Failure([0, "Key not found: %s" % name])  # Exception
        return self.vars[name]

    @staticmethod
    def check_buffer(buf):
        if buf not in (0, 1):
            raise Failure([0, "Invalid buffer id: %d" % buf])


class Connection:
    """One client: reads requests and notifications, runs each request as
    a task of its own, and writes replies when they are ready."""

    count = 0

    def __init__(self, reader, writer, legacy):
        Connection.count += 1
        self.channel = Connection.count
        self.reader = reader
        self.writer = writer
        self.packer = msgpack.Packer(use_bin_type=not legacy)
        self.service = Service(self)
        self.tasks = set()

    def send(self, message):
        self.writer.write(self.packer.pack(message))

    def notify(self, method, params):
        self.send([2, method, params])

    async def serve(self):
        unpacker = msgpack.Unpacker(raw=False, max_buffer_size=64 << 20)
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                unpacker.feed(data)
                for message in unpacker:
                    self.dispatch(message)
        except (ConnectionError, ValueError, msgpack.UnpackException):
            pass
        for task in self.tasks:
            task.cancel()
        self.writer.close()

    def dispatch(self, message):
        if message[0] == 0:
            _, msgid, method, params = message
            task = asyncio.ensure_future(self.answer(msgid, method, params))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        elif message[0] == 2:
            _, method, params = message
            try:
                self.run(method, params)
            except Exception:
                pass

    def run(self, method, params):
        fn = getattr(self.service, method, None)
        if fn is None or method.startswith("_") or method == "check_buffer":
            raise Failure("method not found: %s" % method)
        return fn(*params)

    async def answer(self, msgid, method, params):
        try:
            result = self.run(method, params)
            if asyncio.iscoroutine(result):
                result = await result
            self.send([1, msgid, None, result])
        except Failure as e:
            self.send([1, msgid, e.error, None])
        except TypeError as e:
            self.send([1, msgid, "TypeError: %s" % e, None])
        await self.writer.drain()


async def main(paths):
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def finish():
        if not done.done():
            done.set_result(None)

    loop.add_signal_handler(signal.SIGTERM, finish)
    loop.add_signal_handler(signal.SIGINT, finish)
    loop.add_reader(sys.stdin.fileno(), lambda: os.read(
        sys.stdin.fileno(), 4096) or finish())
    servers = []
    for i, path in enumerate(paths):
        legacy = i == 1

        async def accept(reader, writer, legacy=legacy):
            await Connection(reader, writer, legacy).serve()

        servers.append(await asyncio.start_unix_server(accept, path=path))
    print("ready", flush=True)
    await done
    for server in servers:
        server.close()
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: foreign_server.py SOCKET [LEGACY_SOCKET]")
    asyncio.run(main(sys.argv[1:]))
