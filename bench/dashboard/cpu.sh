#!/usr/bin/env bash
# The dashboard's own CPU with 10 servers listed (issue "The tail, seen and beaten": at most 2% of
# one core). Starts a registry, an in-memory database and 10 servers, each with its metrics
# endpoint, then the dashboard with one live event stream open (a page's), waits until it lists
# all 10, and reads the dashboard's utime+stime from /proc/PID/stat over 60 s (MEASURE_SECONDS).
# Idle servers: the dashboard's cost is its sampling (probes, scrapes, history, one stream), not
# the servers' traffic. Fixed ports below 32768, from a free block.
# Each process is started directly (not through a shell function) so that its pid is the one
# measured and the one stopped.
# Usage: bash bench/dashboard/cpu.sh   (the native build, as the figure is given; BENCH_NATIVE=0 runs
# the ReadyToRun build instead, which also pays for its JIT while it warms up)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. bench/lib.sh
trap stop_all EXIT INT TERM
install_missing curl:curl
use_cli "${BENCH_BUILD_DIR:-$(mktemp -d)}"
seconds="${MEASURE_SECONDS:-60}"
servers=10

free_block 32
registry=$base database=$((base + 1)) dashboard=$((base + 2))
"${cli_cmd[@]}" registry --port "$registry" --log-level warning >/dev/null 2>&1 & pids+=($!)
"${cli_cmd[@]}" database --port "$database" --in-memory --log-level warning >/dev/null 2>&1 & pids+=($!)
wait_for_port "$registry"; wait_for_port "$database"
for i in $(seq 0 $((servers - 1))); do
  "${cli_cmd[@]}" server --port $((base + 10 + i)) --metrics-port $((base + 20 + i)) --registry "127.0.0.1:$registry" \
    --database "127.0.0.1:$database" --log-level warning >/dev/null 2>&1 & pids+=($!)
done
wait_registered "$registry" "$servers"
"${cli_cmd[@]}" dashboard --port "$dashboard" --registry "127.0.0.1:$registry" --database "127.0.0.1:$database" --log-level warning >/dev/null 2>&1 &
dash=$!; pids+=($dash)
wait_for_port "$dashboard"
# EVENT_STREAMS=0 measures the sampling alone, with no page open.
if [ "${EVENT_STREAMS:-1}" = 1 ]; then
  curl -sN "http://127.0.0.1:$dashboard/events" >/dev/null 2>&1 & pids+=($!)
fi
for _ in $(seq 1 100); do
  listed=$(curl -s --max-time 2 "http://127.0.0.1:$dashboard/api/state" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["members"]))' 2>/dev/null || echo 0)
  [ "$listed" -ge "$servers" ] && break
  sleep 0.2
done
echo "dashboard lists $listed servers; warming up 10 s"
sleep 10

ticks() { awk '{print $14 + $15}' "/proc/$dash/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$seconds"
after=$(ticks)
awk -v t=$((after - before)) -v hz="$hz" -v s="$seconds" -v servers="$servers" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
  'BEGIN { printf "dashboard CPU with %d servers listed: %.2f%% of one core over %d s (%d ticks); load average %s\n", servers, t / hz / s * 100, s, t, load }'
