#!/usr/bin/env bash
# The web half of `make bench`: gzipped JS per entry, and Lighthouse (mobile) on the dashboard
# and an estimate page, against the release local server on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/../.."
node web/scripts/size.mjs
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
data=$(mktemp -d)
PORT=$port DATA_DIR=$data WEB_DIR=web/dist RUST_LOG=warn target/release/portal-local > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q "Switchboard is running" "$data/server.log" 2>/dev/null && break; sleep 0.1; done
echo
(cd web && CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} node scripts/lighthouse.mjs "http://localhost:$port")
