#!/usr/bin/env python3
"""Runs moto's server on a free loopback port for the test suite.

Prints the port on the first line of stdout once the server answers, then serves until its
standard input closes (the test process that started it has ended), so no server outlives
its tests.

Connections are served on threads, but each request runs alone (one lock around moto's app):
moto's DynamoDB transactions check their conditions and then write, with a rollback, and two
of them interleaving on threads can leave half of one applied, which DynamoDB itself never
does (its transactions are serializable). Serving one request at a time gives the tests
DynamoDB's semantics while 50 clients still race each other.
"""
import socket
import sys
import threading
import time
import urllib.request

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OneAtATime:
    """A WSGI app that runs the wrapped app for one request at a time."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # Read the whole response inside the lock: moto builds it eagerly, but be sure.
            return list(self.app(environ, start_response))


def main() -> None:
    port = free_port()
    server = make_server("127.0.0.1", port, OneAtATime(DomainDispatcherApplication(create_backend_app)), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.05)
    print(port, flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
