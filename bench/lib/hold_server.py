#!/usr/bin/env python3
"""A backend that accepts TCP connections on 127.0.0.1:PORT and holds them: it reads and discards
whatever arrives and never writes. Used as the export behind the idle-tunnel memory test.
Stops by itself after MAX_SECONDS (a safety bound) or on SIGTERM."""
import asyncio
import signal
import sys


async def main(port, max_seconds):
    held = set()

    async def on_conn(reader, writer):
        held.add(writer)
        try:
            while await reader.read(65536):
                pass
        except (ConnectionError, OSError):
            pass
        finally:
            held.discard(writer)
            writer.close()

    server = await asyncio.start_server(on_conn, "127.0.0.1", port, backlog=4096)
    stop = asyncio.get_running_loop().create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
    print("hold_server: listening on 127.0.0.1:%d" % port, flush=True)
    try:
        await asyncio.wait_for(stop, timeout=max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()
    for w in list(held):
        w.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: hold_server.py PORT MAX_SECONDS")
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
