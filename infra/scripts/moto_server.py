#!/usr/bin/env python3
"""Runs moto's server on a free loopback port for the test suite.

Prints the port on the first line of stdout once the server answers, then serves until its
standard input closes (the test process that started it has ended), so no server outlives
its tests.
"""
import socket
import sys
import time
import urllib.request

from moto.server import ThreadedMotoServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.05)
    print(port, flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
