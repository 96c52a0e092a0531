#!/usr/bin/env bash
# Issue 24's experiment, after Linkerd's "Beyond Round Robin": 5 servers under an open-loop load
# (`bench --rps`), once with every server healthy and once with one server slowed to 2 s for 30 s in
# the middle of the run, for each policy (round-robin, p2c, ewma). For each run: p50, p99 and p99.9
# from each call's planned start, and the share of calls that succeeded within 1 s.
# The slow server is made by restarting it on its own port with `--inject-latency 2s`, then again
# without it: a restart is what an operator does, and the client keeps it in its cached list.
# 5 servers, not Linkerd's 11: the machine has 2 cores shared with the load tool.
# BENCH_RPS (200), BENCH_SECONDS (60; the slow window is its middle 30 s), BENCH_POLICIES (all three)
# and BENCH_NATIVE as in lib.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. bench/lib.sh
rps="${BENCH_RPS:-200}"
seconds="${BENCH_SECONDS:-60}"
slow_for=30
slow_from=$(((seconds - slow_for) / 2))
servers=5
work="$(mktemp -d)"
trap 'stop_all; rm -rf "$work"' EXIT INT TERM

use_cli "$work/cli"
free_block $((servers + 2))
registry_port=$base database_port=$((base + 1))
registry="127.0.0.1:$registry_port"

"${cli_cmd[@]}" registry --port "$registry_port" >/dev/null 2>&1 & pids+=($!)
"${cli_cmd[@]}" database --port "$database_port" --in-memory >/dev/null 2>&1 & pids+=($!)
wait_for_port "$registry_port"; wait_for_port "$database_port"

declare -A server_pid
# start_server I [ARGS...]: server I on port base+1+I (no per-request log lines: they would load the cores).
start_server() {
  local i=$1 port=$((base + 1 + $1)); shift
  "${cli_cmd[@]}" server --port "$port" --registry "$registry" --database "127.0.0.1:$database_port" --log-level warning "$@" \
    >>"$work/server-$i.log" 2>&1 &
  server_pid[$i]=$!; pids+=($!)
  wait_for_port "$port"
}
stop_server() { kill "${server_pid[$1]}" 2>/dev/null || true; wait "${server_pid[$1]}" 2>/dev/null || true; }

for i in $(seq 1 $servers); do start_server "$i"; done
wait_registered "$registry_port" "$servers"
rb bench --op sum --rps "$rps" --duration 5s --registry "$registry" >/dev/null 2>&1 || true # warm-up

# run POLICY SCENARIO: one open-loop run; SCENARIO slow restarts server 3 slowed for the middle 30 s.
run() {
  local policy=$1 scenario=$2 out="$work/$1-$2.json" bench_pid
  "${cli_cmd[@]}" bench --op sum --rps "$rps" --duration "${seconds}s" --timeout 1s --policy "$policy" --registry "$registry" --json \
    >"$out" 2>"$work/$1-$2.err" & bench_pid=$!
  if [ "$scenario" = slow ]; then
    sleep "$slow_from"
    stop_server 3; start_server 3 --inject-latency 2s
    sleep "$slow_for"
    stop_server 3; start_server 3
  fi
  wait "$bench_pid" || true
  python3 - "$out" "$policy" "$scenario" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["latency_ms"]
print("| %-11s | %-7s | %6d | %8.1f | %8.1f | %8.1f | %8.3f%% | %s | %s |" % (
    sys.argv[2], sys.argv[3], r["requests"], l["p50"], l["p99"], l["p99.9"], 100 * r["success_share"],
    " ".join("%s" % v for k, v in sorted(r["servers"].items())), sys.argv[4]))
PY
}

echo "open loop at $rps calls/s for $seconds s; slow: server 3 (port $((base + 4))) at 2 s from ${slow_from} s to $((slow_from + slow_for)) s"
echo "| policy      | servers | calls  | p50 (ms) | p99 (ms) | p99.9    | within 1 s | calls per server (1..5) | load |"
echo "|---|---|---|---|---|---|---|---|---|"
for policy in ${BENCH_POLICIES:-round-robin p2c ewma}; do
  run "$policy" healthy
  run "$policy" slow
done
