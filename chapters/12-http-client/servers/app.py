"""Chapter 12's test server: a small aiohttp application with the routes the client's tests need.

Run by the course's fixture (examples/local_servers.cpp) with Debian's /usr/bin/python3, which
hands it listening sockets it bound itself (on 127.0.0.1, 127.0.0.2, 127.0.0.3, one port):
nothing here binds, so nothing races for a port, and a client may connect before this starts.

    python3 app.py FD [FD ...]

Routes (every one answers GET, and most any method):
    /delay/{seconds}           waits, then answers "slept {seconds}"
    /status/{code}             answers with that status
    /redirect/{n}              302 to /redirect/{n-1} (a relative Location); /redirect/0 is 200
    /redirect-to?url=&status=  a redirect to url with that status (302 by default)
    /loop                      302 to itself, for ever
    /echo                      the method, path, headers and body, as JSON
    /bytes/{n}                 n bytes ("0123456789" repeated), with a Content-Length
    /chunked/{n}?chunk=        the same n bytes chunked, chunk bytes per write
    /slow?chunks=&delay=       a chunked body, one chunk every delay seconds
    /drop?after=               promises 100000 bytes, sends `after` of them, then closes
    /close-after               a keep-alive response, then the connection closed by the server
    /hold/{seconds}            waits, counting how many requests are in flight per host
    /flaky/{key}/{failures}    the first `failures` requests for key answer 503 (or, with
                               ?slow=1, sleep 5 s first), the next "ok after N attempts"
    /stats                     per host, one line: "HOST opened=N open=N peak_open=N peak_in_flight=N",
                               and the same for "all" hosts together
    /reset                     zeroes the counters

The fourth address, 127.0.0.9, is for the tests' own questions (/stats, /reset): its connections
are not counted, so asking does not change the answer.
"""

import asyncio
import json
import signal
import socket
import sys

from aiohttp import web


class Counters:
    """Connections and requests per local address (127.0.0.N: one "host" each)."""

    def __init__(self):
        self.open = {}
        self.in_flight = {}
        self.reset()

    def reset(self):
        """Counts from now on; what is open or in flight now stays so."""
        self.opened = {}
        self.peak_open = dict(self.open)
        self.peak_in_flight = dict(self.in_flight)

    @staticmethod
    def bump(table, peak, host, by):
        table[host] = table.get(host, 0) + by
        if peak is not None:
            peak[host] = max(peak.get(host, 0), table[host])

    def snapshot(self):
        return "".join(
            f"{host} opened={self.opened.get(host, 0)} open={self.open.get(host, 0)} "
            f"peak_open={self.peak_open.get(host, 0)} peak_in_flight={self.peak_in_flight.get(host, 0)}\n"
            for host in sorted(set(self.opened) | set(self.open)))


counters = Counters()


CONTROL = "127.0.0.9"


def host_of(transport):
    name = transport.get_extra_info("sockname") if transport is not None else None
    return name[0] if name else "?"


def count_connections(server):
    """Wraps the aiohttp server's own connection hooks: called once per accepted connection
    and once when it ends, whoever closed it."""
    made, lost = server.connection_made, server.connection_lost
    hosts = {}  # handler -> the host it counts for (handlers have __slots__: no attribute of ours)

    def connection_made(handler, transport):
        host = host_of(transport)
        if host != CONTROL:
            hosts[handler] = host
            for key in (host, "all"):
                Counters.bump(counters.opened, None, key, 1)
                Counters.bump(counters.open, counters.peak_open, key, 1)
        made(handler, transport)

    def connection_lost(handler, exc):
        host = hosts.pop(handler, None)
        if host is not None:
            for key in (host, "all"):
                Counters.bump(counters.open, None, key, -1)
        lost(handler, exc)

    server.connection_made, server.connection_lost = connection_made, connection_lost


PATTERN = b"0123456789"


def pattern(n):
    return (PATTERN * (n // len(PATTERN) + 1))[:n]


async def delay(request):
    seconds = float(request.match_info["seconds"])
    await asyncio.sleep(seconds)
    return web.Response(text=f"slept {request.match_info['seconds']}")


async def status(request):
    code = int(request.match_info["code"])
    return web.Response(status=code, text=None if code in (204, 304) else f"status {code}")


async def redirect(request):
    n = int(request.match_info["n"])
    if n <= 0:
        return web.Response(text="redirected")
    return web.Response(status=302, headers={"Location": str(n - 1)})


async def redirect_to(request):
    code = int(request.query.get("status", "302"))
    return web.Response(status=code, headers={"Location": request.query["url"]})


async def loop(request):
    return web.Response(status=302, headers={"Location": "/loop"})


async def echo(request):
    body = await request.read()
    return web.json_response({
        "method": request.method,
        "path": request.path_qs,
        "headers": dict(request.headers),
        "body": body.decode("latin-1"),
    })


async def some_bytes(request):
    return web.Response(body=pattern(int(request.match_info["n"])), content_type="application/octet-stream")


async def chunked(request):
    n = int(request.match_info["n"])
    size = int(request.query.get("chunk", "1000"))
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    body = pattern(n)
    for start in range(0, n, size):
        await response.write(body[start:start + size])
    await response.write_eof()
    return response


async def slow(request):
    chunks = int(request.query.get("chunks", "5"))
    pause = float(request.query.get("delay", "0.2"))
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for i in range(chunks):
        await response.write(f"chunk {i}\n".encode())
        await asyncio.sleep(pause)
    await response.write_eof()
    return response


async def drop(request):
    after = int(request.query.get("after", "1000"))
    response = web.StreamResponse(headers={"Content-Length": "100000"})
    await response.prepare(request)
    await response.write(pattern(after))
    await asyncio.sleep(0.05)  # let the bytes leave before the connection goes
    request.transport.close()
    return response


async def close_after(request):
    # Answers as if the connection could be kept, then closes it once the answer is out: what a
    # server whose keep-alive timeout just ran out does to a client that still holds it.
    response = web.Response(text="bye", headers={"Connection": "keep-alive"})
    await response.prepare(request)
    await response.write_eof()
    request.transport.close()
    return response


async def hold(request):
    host = host_of(request.transport)
    for key in (host, "all"):
        Counters.bump(counters.in_flight, counters.peak_in_flight, key, 1)
    try:
        await asyncio.sleep(float(request.match_info["seconds"]))
    finally:
        for key in (host, "all"):
            Counters.bump(counters.in_flight, None, key, -1)
    return web.Response(text="held")


attempts = {}


async def flaky(request):
    key, failures = request.match_info["key"], int(request.match_info["failures"])
    attempts[key] = attempts.get(key, 0) + 1
    if attempts[key] <= failures:
        if request.query.get("slow") == "1":
            await asyncio.sleep(5)
        return web.Response(status=503, text=f"attempt {attempts[key]} failed")
    return web.Response(text=f"ok after {attempts[key]} attempts")


async def stats(request):
    return web.Response(text=counters.snapshot())


async def reset(request):
    counters.reset()
    return web.Response(text="reset")


async def main(fds):
    app = web.Application()
    app.add_routes([
        web.route("*", "/delay/{seconds}", delay),
        web.route("*", "/status/{code}", status),
        web.route("*", "/redirect/{n}", redirect),
        web.route("*", "/redirect-to", redirect_to),
        web.route("*", "/loop", loop),
        web.route("*", "/echo", echo),
        web.get("/bytes/{n}", some_bytes),
        web.get("/chunked/{n}", chunked),
        web.get("/slow", slow),
        web.get("/drop", drop),
        web.get("/close-after", close_after),
        web.get("/hold/{seconds}", hold),
        web.get("/flaky/{key}/{failures}", flaky),
        web.get("/stats", stats),
        web.get("/reset", reset),
    ])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    count_connections(runner.server)
    for fd in fds:
        sock = socket.socket(fileno=fd)
        await web.SockSite(runner, sock).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main([int(fd) for fd in sys.argv[1:]]))
