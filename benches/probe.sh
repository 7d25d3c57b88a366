#!/usr/bin/env bash
# Whole-process wall time of one `tlslens probe` per backend against a lab server,
# next to `openssl s_client` on the same server. Median of N runs (default 30).
#
#   benches/probe.sh [SERVER] [RUNS]      e.g. benches/probe.sh modern 30
#
# Loopback only; the lab runs for at most 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=${1:-modern}
RUNS=${2:-30}
cargo build --release --quiet
BIN=target/release/tlslens
OUT=$(mktemp -d)
trap 'kill $LAB_PID 2>/dev/null || true; rm -rf "$OUT"' EXIT
"$BIN" lab --duration 300 > "$OUT/lab.txt" &
LAB_PID=$!
for _ in $(seq 100); do grep -q "^try:" "$OUT/lab.txt" 2>/dev/null && break; sleep 0.05; done
ADDR=$(awk -v s="$SERVER" '$2 == s { print $1 }' "$OUT/lab.txt")
CA=$(awk '/^trust anchor:/ { print $3 }' "$OUT/lab.txt")
[ -n "$ADDR" ] || { echo "no lab server $SERVER" >&2; exit 2; }

median_ms() { # command... ; prints the median wall time in ms over $RUNS runs
    local times=()
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s%N)
        "$@" </dev/null >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}

echo "server: lab $SERVER at $ADDR, $RUNS runs each, median wall time per process"
S=$(median_ms openssl s_client -connect "$ADDR" -servername localhost -CAfile "$CA" -verify_return_error)
printf '%-34s %8s ms\n' "openssl s_client" "$S"
for b in openssl native-tls rustls all; do
    T=$(median_ms "$BIN" probe "$ADDR" --sni localhost --cacert "$CA" --backend "$b")
    R=$(awk -v t="$T" -v s="$S" 'BEGIN { printf "%.2f", t / s }')
    printf '%-34s %8s ms  (%sx s_client)\n' "tlslens probe --backend $b" "$T" "$R"
done
