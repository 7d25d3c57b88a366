#!/usr/bin/env bash
# `tlslens scan` next to sslscan, nmap's ssl-enum-ciphers and testssl.sh on the same
# loopback peers: real `openssl s_server` processes from ../shared/peers (44303: the
# TLS 1.0/1.1 legacy server, 44301: TLS 1.3 only). Runs alternate between the tools;
# prints the median wall time per tool, the ratio to tlslens, and the TCP connections
# each tool opened (the kernel's TcpActiveOpens counter, read before and after).
# Then the fleet: 200 lab targets with --targets, targets per second and peak RSS.
#
#   benches/scan.sh [RUNS] [SLOW_RUNS]   e.g. benches/scan.sh 20 3
#
# RUNS for tlslens and sslscan (default 20), SLOW_RUNS for nmap and testssl.sh
# (default 3: testssl.sh takes tens of seconds per run). Tools that are not installed
# are skipped and said so. Loopback only; every tool is bounded by `timeout`.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
SLOW=${2:-3}
cargo build --release --quiet
BIN=$PWD/target/release/tlslens
OUT=$(mktemp -d)
PEERS="$OUT/peers"
cleanup() {
    ../shared/peers/stop-peers.sh "$PEERS" >/dev/null 2>&1 || true
    kill "${LAB_PID:-0}" 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT
if ! ss -ltn | grep -q ':44303 '; then
    PEER_TTL=900 ../shared/peers/start-peers.sh "$PEERS" >/dev/null
fi

opens() { awk '/^Tcp:/ { if (h) { print $6; exit } h = 1 }' /proc/net/snmp; }

# run NAME RUNS command... : appends "wall_ms connections" lines to $OUT/NAME
run() {
    local name=$1 n=$2
    shift 2
    for _ in $(seq "$n"); do
        local c0 c1 t0 t1
        c0=$(opens)
        t0=$(date +%s%N)
        timeout 300 "$@" </dev/null >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        c1=$(opens)
        echo "$(( (t1 - t0) / 1000000 )) $(( c1 - c0 ))" >> "$OUT/$name"
    done
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m }'; }

for port in 44303 44301; do
    rm -f "$OUT"/t-*
    TARGET=127.0.0.1:$port
    # Alternate: one round of every tool, then the next round.
    for i in $(seq "$RUNS"); do
        run t-tlslens 1 "$BIN" scan "$TARGET" --sni localhost
        command -v sslscan >/dev/null && run t-sslscan 1 sslscan --no-colour --sni-name=localhost "$TARGET"
        if [ "$i" -le "$SLOW" ]; then
            command -v nmap >/dev/null && run t-nmap 1 nmap -Pn -n -p "$port" --script ssl-enum-ciphers 127.0.0.1
            command -v testssl >/dev/null && run t-testssl 1 testssl --quiet --color 0 --warnings off --sneaky -p -e -f -S "$TARGET"
        fi
    done
    echo "peer $TARGET ($([ "$port" = 44303 ] && echo 'TLS 1.0/1.1, four suites' || echo 'TLS 1.3 only')):"
    base=$(cut -d' ' -f1 "$OUT/t-tlslens" | median)
    for tool in tlslens sslscan nmap testssl; do
        f="$OUT/t-$tool"
        if [ ! -s "$f" ]; then
            printf '  %-10s not installed\n' "$tool"
            continue
        fi
        ms=$(cut -d' ' -f1 "$f" | median)
        conns=$(cut -d' ' -f2 "$f" | median)
        runs=$(wc -l < "$f")
        printf '  %-10s %8s ms  %6sx tlslens  %4s connections  (%s runs)\n' \
            "$tool" "$ms" "$(awk -v a="$ms" -v b="$base" 'BEGIN { printf "%.1f", (b > 0) ? a / b : 0 }')" "$conns" "$runs"
    done
done

# The fleet: 200 targets cycling through the lab's well-behaved servers.
"$BIN" lab --duration 300 > "$OUT/lab.txt" &
LAB_PID=$!
for _ in $(seq 200); do grep -q "^127.0.0.1:" "$OUT/lab.txt" 2>/dev/null && break; sleep 0.05; done
sleep 0.5
awk '/^127\.0\.0\.1:/ && $2 !~ /^(silent|drip|flood|alert-flood|truncated|huge-cert|many-certs|no-reneg|garbage|huge-record|accept-close|close-hello|reset-cert|reset|plain-http|sni-required|client-cert)$/ { print $1 }' "$OUT/lab.txt" > "$OUT/servers"
n=$(wc -l < "$OUT/servers")
for i in $(seq 0 199); do sed -n "$(( i % n + 1 ))p" "$OUT/servers"; done > "$OUT/targets"
t0=$(date +%s%N)
/usr/bin/env python3 - "$BIN" "$OUT/targets" > "$OUT/fleet.txt" <<'PY'
import resource, subprocess, sys
out = subprocess.run([sys.argv[1], "scan", "--targets", sys.argv[2], "--json", "--sni", "localhost"],
                     capture_output=True, timeout=600)
lines = [l for l in out.stdout.splitlines() if l.strip()]
print(len(lines), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
t1=$(date +%s%N)
read -r done rss < "$OUT/fleet.txt"
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
echo "fleet: $done of 200 lab targets in ${secs} s ($(awk -v d="$done" -v s="$secs" 'BEGIN { printf "%.0f", d / s }') targets/s), peak RSS $(( rss / 1024 )) MB"
