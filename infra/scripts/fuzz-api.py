#!/usr/bin/env python3
"""Schemathesis over the portal's own OpenAPI document, with a customer's and a staff token.

Starts the local server (target/debug/portal-local, embedded backends, demo data) on a free
port on 127.0.0.1, signs in as Dana (customer) and Morgan (staff) the way a browser does
(request a link, read it from the local mailbox, exchange it), then runs `st run` twice:
the customer API with Dana's token and the office API with Morgan's. Bounded: a fixed
number of examples per operation and a time budget per run. Exits non-zero when
schemathesis reports a server error or a schema-valid request refused (see
infra/fuzz/schemathesis.toml).
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")
# Per run (customer, staff): the whole check stays within about five minutes.
SECONDS = os.environ.get("FUZZ_SECONDS", "150")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, body=None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def token_for(base: str, email: str, audience: str) -> str:
    call(base, "POST", "/api/auth/link", {"tenant": "bright-spark", "email": email, "audience": audience})
    for _ in range(100):
        mails = call(base, "GET", "/dev/mailbox.json")["messages"]
        for m in mails:
            if m.get("to") == email and "token=" in m.get("text", ""):
                link = m["text"].split("token=", 1)[1].split()[0]
                return call(base, "POST", "/api/auth/session", {"token": link})["access_token"]
        time.sleep(0.1)
    sys.exit(f"no sign-in link for {email}")


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "debug", "portal-local")
    env = dict(os.environ, PORT=str(port), DATA_DIR=tempfile.mkdtemp(prefix="switchboard-fuzz-"), RUST_LOG="warn",
               WEB_DIR=os.path.join(ROOT, "web", "dist"))
    server = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                call(base, "GET", "/api/auth/tenant/bright-spark")
                break
            except OSError:
                time.sleep(0.1)
        customer = token_for(base, "dana@example.com", "portal")
        staff = token_for(base, "morgan@brightspark.example", "admin")
        failed = 0
        # The webhook is Stripe's, signed with a secret no generator can know: its answers
        # are tested with real signatures elsewhere (tests/tests/webhook.rs).
        runs = [
            ("customer", customer, ["--exclude-path-regex", "^/api/(admin|stripe)/"]),
            ("staff", staff, ["--include-path-regex", "^/api/admin/"]),
        ]
        for who, token, select in runs:
            cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", os.path.join(ROOT, "infra", "fuzz", "schemathesis.toml"), "run", f"{base}/api/openapi.json",
                   "--url", base, "-H", f"Authorization: Bearer {token}", "--checks", "not_a_server_error,positive_data_acceptance",
                   "--mode", "positive", "--max-examples", EXAMPLES, "--max-time", SECONDS,
                   "--phases", "examples,fuzzing", "--generation-deterministic", "--no-color", *select]
            print(f"schemathesis as {who} ({EXAMPLES} examples per operation, at most {SECONDS} s)", flush=True)
            r = subprocess.run(cmd)
            failed += r.returncode != 0
        return 1 if failed else 0
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
