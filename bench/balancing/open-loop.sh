#!/usr/bin/env bash
# The open loop against the closed loop, on one server:
#   1. below capacity: the server delays half of its calls by 100 ms (--inject-latency 100ms@0.5), so
#      its own p99 is 100 ms plus its sub-millisecond work; `bench --rps` should report about that,
#      and the server's request-duration histogram (its /metrics) shows where its calls fell;
#   2. above capacity: a closed loop of 16 workers finds the throughput the server sustains; an open
#      loop at twice that rate then shows the queue a closed loop hides.
# BENCH_NATIVE as in lib.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. bench/lib.sh
work="$(mktemp -d)"
trap 'stop_all; rm -rf "$work"' EXIT INT TERM
use_cli "$work/cli"
free_block 5
registry="127.0.0.1:$base"
"${cli_cmd[@]}" registry --port "$base" >/dev/null 2>&1 & pids+=($!)
"${cli_cmd[@]}" database --port $((base + 1)) --in-memory >/dev/null 2>&1 & pids+=($!)
wait_for_port "$base"; wait_for_port $((base + 1))

summary() {
  python3 -c '
import json, sys
r = json.load(sys.stdin); l = r["latency_ms"]
extra = " p99.9 %.1f, within 1 s %.2f%%" % (l["p99.9"], 100 * r["success_share"]) if "p99.9" in l else ""
print("%s: %d calls, %.0f calls/s, p50 %.1f ms, p99 %.1f ms,%s max %.1f ms" % (sys.argv[1], r["requests"], r["rps"], l["p50"], l["p99"], extra, l["max"]))' "$1"
}

"${cli_cmd[@]}" server --port $((base + 2)) --metrics-port $((base + 3)) --registry "$registry" --database "127.0.0.1:$((base + 1))" \
  --log-level warning --inject-latency 100ms@0.5 >/dev/null 2>&1 & slow_pid=$!; pids+=($!)
wait_registered "$base" 1
echo "load average $(cut -d' ' -f1 /proc/loadavg)"
rb bench --op sum --rps 100 --duration 20s --registry "$registry" --json 2>/dev/null | summary "1. open loop at 100/s, half the calls delayed 100 ms by the server"
echo "   the server's own histogram (http_server_request_duration_seconds, Calculator calls, cumulative):"
curl -s "http://127.0.0.1:$((base + 3))/metrics" | grep '^http_server_request_duration_seconds_bucket' | grep -i 'calculator' \
  | grep -E 'le="(0.005|0.01|0.1|0.25|\+Inf)"' | sed -E 's/.*le="([^"]*)".* ([0-9]+)( [0-9]+)?$/     le \1 s: \2/'
kill "$slow_pid"; wait "$slow_pid" 2>/dev/null || true

"${cli_cmd[@]}" server --port $((base + 4)) --registry "$registry" --database "127.0.0.1:$((base + 1))" --log-level warning >/dev/null 2>&1 & pids+=($!)
wait_for_port $((base + 4))
sleep 1
closed=$(rb bench --op sum -c 16 --duration 10s --registry "$registry" --json 2>/dev/null)
summary "2. closed loop, 16 workers" <<<"$closed"
rate=$(python3 -c 'import json,sys; print(int(2 * json.load(sys.stdin)["rps"]))' <<<"$closed")
rb bench --op sum --rps "$rate" --duration 10s --registry "$registry" --json 2>/dev/null | summary "   open loop at twice that, $rate/s"
echo "load average $(cut -d' ' -f1 /proc/loadavg)"
