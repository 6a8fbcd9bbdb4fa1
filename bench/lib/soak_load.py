#!/usr/bin/env python3
"""Mixed load for bench/soak.sh, bounded in time and count, 127.0.0.1 only.

usage: soak_load.py IMPORT_PORT SECONDS CONCURRENCY STRANGER_PORT[,PORT...] LOG

Workers loop until SECONDS have passed (and stop after 10 000 000 operations in any case):
  - 85 %: a short HTTP/1.0 GET of /small (1 KiB) through the import, read to EOF
  - 10 %: a GET of /large (1 MiB) read to EOF
  -  5 %: a half-closed GET: the request, then shutdown(SHUT_WR), then the answer to EOF
A stranger task keeps 50 idle TCP connections (no TLS) open to each STRANGER_PORT, opening new ones
as the gateway closes them at its handshake deadline. Once a minute, and at the end, one line:
  t=<s> ok=<n> err=<n> bytes=<n> strangers_closed=<n> [error kinds]
"""
import asyncio
import collections
import random
import sys
import time

SMALL, LARGE = 1024, 1 << 20
MAX_OPS = 10_000_000


async def get(port, path, half_close, expect):
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
    try:
        writer.write(f"GET {path} HTTP/1.0\r\nHost: soak\r\n\r\n".encode())
        await writer.drain()
        if half_close:
            writer.write_eof()
        data = await asyncio.wait_for(reader.read(-1), 30)
        head, _, body = data.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.0 200") or len(body) != expect:
            raise ValueError(f"short answer ({len(body)} of {expect} bytes)")
        return len(data)
    finally:
        writer.close()


async def worker(port, deadline, stats):
    while time.monotonic() < deadline and stats["ops"] < MAX_OPS:
        stats["ops"] += 1
        r = random.random()
        path, expect, half = ("/small", SMALL, False)
        if r > 0.95:
            path, expect, half = ("/small", SMALL, True)
        elif r > 0.85:
            path, expect, half = ("/large", LARGE, False)
        try:
            # read after the await: `stats["bytes"] += await ...` would add to a stale value
            n = await get(port, path, half, expect)
            stats["bytes"] += n
            stats["ok"] += 1
        except Exception as e:  # every failure is counted by kind, none stops the run
            stats["err"] += 1
            stats["kinds"][type(e).__name__] += 1
            await asyncio.sleep(0.05)


async def strangers(ports, deadline, stats):
    held = {p: [] for p in ports}
    while time.monotonic() < deadline:
        for p, conns in held.items():
            alive = []
            for r, w in conns:
                if r.at_eof() or w.is_closing():
                    stats["strangers_closed"] += 1
                    w.close()
                else:
                    alive.append((r, w))
            while len(alive) < 50:
                try:
                    r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", p), 5)
                    alive.append((r, w))
                except Exception:
                    break
            held[p] = alive
        # reading detects the gateway's close
        for conns in held.values():
            for r, _ in conns:
                try:
                    await asyncio.wait_for(r.read(1), 0.001)
                except (asyncio.TimeoutError, ConnectionError):
                    pass
        await asyncio.sleep(0.5)
    for conns in held.values():
        for _, w in conns:
            w.close()


async def reporter(start, deadline, stats, log):
    while True:
        now = time.monotonic()
        if now >= deadline:
            return
        await asyncio.sleep(min(60, deadline - now))
        if time.monotonic() < deadline:
            line(start, stats, log)


def line(start, stats, log):
    kinds = " ".join(f"{k}={v}" for k, v in sorted(stats["kinds"].items()))
    text = (f"t={int(time.monotonic() - start)} ok={stats['ok']} err={stats['err']} bytes={stats['bytes']}"
            f" strangers_closed={stats['strangers_closed']} {kinds}").rstrip()
    print(text, file=log, flush=True)


async def main():
    port, seconds, conc = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    stranger_ports = [int(p) for p in sys.argv[4].split(",") if p]
    log = open(sys.argv[5], "a")
    stats = {"ops": 0, "ok": 0, "err": 0, "bytes": 0, "strangers_closed": 0, "kinds": collections.Counter()}
    start = time.monotonic()
    deadline = start + seconds
    tasks = [worker(port, deadline, stats) for _ in range(conc)]
    tasks.append(strangers(stranger_ports, deadline, stats))
    tasks.append(reporter(start, deadline, stats, log))
    await asyncio.gather(*tasks)
    line(start, stats, log)


if __name__ == "__main__":
    asyncio.run(main())
