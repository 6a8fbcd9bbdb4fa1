#!/usr/bin/env python3
"""Opens N idle TCP connections to 127.0.0.1:PORT (in paced batches), prints 'opened N', then
holds them until RELEASE_FILE exists or MAX_SECONDS pass, checks how many are still open
(a socket that became readable without us sending anything was closed or reset by the far end),
prints 'held H dropped D' and closes everything. Bounded in count and time."""
import os
import select
import socket
import sys
import time


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: idle_tunnels.py PORT N RELEASE_FILE MAX_SECONDS")
    port, n, release, max_seconds = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    deadline = time.monotonic() + max_seconds
    socks = []
    try:
        for i in range(n):
            if time.monotonic() > deadline:
                sys.exit("idle_tunnels: gave up after opening %d of %d (time bound)" % (i, n))
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            socks.append(s)
            if i % 250 == 249:
                time.sleep(0.02)  # pace: let the gateways set up the tunnels
        print("opened %d" % len(socks), flush=True)
        while not os.path.exists(release) and time.monotonic() < deadline:
            time.sleep(0.1)
        poller = select.poll()
        for s in socks:
            poller.register(s, select.POLLIN | select.POLLERR | select.POLLHUP)
        dropped = len(poller.poll(0))
        print("held %d dropped %d" % (len(socks) - dropped, dropped), flush=True)
    finally:
        for s in socks:
            s.close()


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        sys.exit("idle_tunnels: %s" % e)
