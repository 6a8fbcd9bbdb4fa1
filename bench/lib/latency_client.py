#!/usr/bin/env python3
"""Fixed-rate latency probe over ONE persistent HTTP/1.1 keep-alive connection.

Sends `GET /` every INTERVAL_MS for SECONDS (so at most SECONDS*1000/INTERVAL_MS requests, plus a
short warm-up), waits for each full response, and records the time from sending the request to
receiving the last byte of the response (time.perf_counter). If a response arrives after the next
slot, the next request goes out at once (the slot is not skipped, the count stays bounded).
Prints one JSON line: n, p50_us, p99_us, p999_us, max_us, late (requests sent behind schedule).
With SLOW_LOG and SLOW_US it also writes a line "SEND_TIME LATENCY_US" to SLOW_LOG for every
request slower than SLOW_US, SEND_TIME in seconds of time.perf_counter, which on Linux is
CLOCK_MONOTONIC: the clock of `perf sched record -k CLOCK_MONOTONIC`, so that a slow request can be
found among the scheduler's events (docs/performance.md, "Latency: where the p99 goes").
Only talks to 127.0.0.1.
"""
import json
import math
import socket
import sys
import time


def percentile(sorted_vals, p):
    if not sorted_vals:
        return float("nan")
    # nearest-rank: the smallest value with at least p% of the samples at or below it
    k = max(0, min(len(sorted_vals) - 1, math.ceil(p / 100.0 * len(sorted_vals)) - 1))
    return sorted_vals[k]


def read_response(sock, buf):
    """Reads one HTTP/1.1 response with Content-Length; returns the leftover bytes."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed while reading headers")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines[0].startswith(b"HTTP/1.1 200"):
        raise ConnectionError("unexpected status line: %r" % lines[0][:80])
    length = None
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    if length is None:
        raise ConnectionError("response without Content-Length")
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed while reading body")
        rest += chunk
    return rest[length:]


def main():
    if len(sys.argv) not in (4, 6):
        sys.exit("usage: latency_client.py PORT INTERVAL_MS SECONDS [SLOW_LOG SLOW_US]")
    port, interval, seconds = int(sys.argv[1]), float(sys.argv[2]) / 1000.0, float(sys.argv[3])
    slow_log, slow_s = (sys.argv[4], float(sys.argv[5]) / 1e6) if len(sys.argv) == 6 else (None, None)
    slow = []
    max_requests = int(seconds / interval)
    warmup = 100
    req = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    for _ in range(warmup):
        sock.sendall(req)
        buf = read_response(sock, buf)
    lat = []
    late = 0
    start = time.perf_counter()
    deadline = start + seconds + 10  # hard stop even if the path is very slow
    for i in range(max_requests):
        slot = start + i * interval
        now = time.perf_counter()
        if now < slot:
            time.sleep(slot - now)
        elif now - slot > interval:
            late += 1
        if now > deadline:
            break
        t0 = time.perf_counter()
        sock.sendall(req)
        buf = read_response(sock, buf)
        lat.append(time.perf_counter() - t0)
        if slow_log is not None and lat[-1] > slow_s:
            slow.append((t0, lat[-1]))
    sock.close()
    if slow_log is not None:
        with open(slow_log, "w") as f:
            for sent, l in slow:
                f.write("%.6f %.1f\n" % (sent, l * 1e6))
    lat.sort()
    us = lambda s: round(s * 1e6, 1)
    print(json.dumps({
        "n": len(lat),
        "p50_us": us(percentile(lat, 50)),
        "p99_us": us(percentile(lat, 99)),
        "p999_us": us(percentile(lat, 99.9)),
        "max_us": us(lat[-1]) if lat else None,
        "late": late,
    }))


if __name__ == "__main__":
    try:
        main()
    except (OSError, ConnectionError) as e:
        sys.exit("latency_client: %s" % e)
