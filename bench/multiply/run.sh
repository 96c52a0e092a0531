#!/usr/bin/env bash
# Multiply that scales: for 1, 2 and 4 servers on one durable database, `roundabout bench` runs
# Multiply and then Sum at 50 concurrent calls, and redis-benchmark runs INCR against a Redis with
# appendfsync always, back to back in the same run. Prints multiplies/s, Multiply/Sum and
# Multiply/INCR, and the CPU microseconds each process spent per multiply (from /proc/PID/stat).
#   bench/multiply/run.sh
#   BENCH_SERVERS="1 2" BENCH_DURATION=5s BENCH_CLIENTS=50 BENCH_MULTIPLY_BATCH=1 bench/multiply/run.sh
#   BENCH_NATIVE=0 bench/multiply/run.sh   # the ReadyToRun build instead of the native one
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS="${BENCH_CLIENTS:-50}"
DURATION="${BENCH_DURATION:-10s}"
SERVER_COUNTS="${BENCH_SERVERS:-1 2 4}"
BATCH="${BENCH_MULTIPLY_BATCH:-}"
INCR_REQUESTS="${BENCH_INCR_REQUESTS:-300000}"

. bench/lib.sh
install_missing redis-server:redis-server redis-benchmark:redis-tools

work="$(mktemp -d)"
use_cli "$work/cli"
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT INT TERM

# A block of 8 free ports below 32768: registry, database, Redis, then the servers.
free_block 8
registry_port=$base; database_port=$((base + 1)); redis_port=$((base + 2))

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2" | head -n 1; }
load() { cut -d' ' -f1 /proc/loadavg; }
ticks_per_second=$(getconf CLK_TCK)

mkdir -p "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --appendfsync always --save '' \
  --dir "$work/redis" --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
wait_for_port "$redis_port"

incr() {
  redis-benchmark -p "$redis_port" -t incr -c "$CLIENTS" -n "$INCR_REQUESTS" -q 2>/dev/null \
    | tr '\r' '\n' | sed -n 's/^INCR: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1
}

echo "bench: concurrency $CLIENTS, $DURATION per run, durable database${BATCH:+, --multiply-batch $BATCH}, Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') appendfsync always"
printf '%-8s %12s %12s %12s %8s %8s %6s  %s\n' servers multiply/s sum/s incr/s mul/sum mul/incr load "CPU us per multiply: client, database, registry, each server"
results=()
for n in $SERVER_COUNTS; do
  rm -rf "$work/database"
  # Started directly (not through rb) so that $! is the component's own process.
  "${cli_cmd[@]}" registry --port "$registry_port" >"$work/registry.log" 2>&1 &
  pids+=($!); registry_pid=$!
  "${cli_cmd[@]}" database --port "$database_port" --data-dir "$work/database" >"$work/database.log" 2>&1 &
  pids+=($!); database_pid=$!
  wait_for_port "$registry_port"; wait_for_port "$database_port"
  server_pids=()
  for i in $(seq 1 "$n"); do
    "${cli_cmd[@]}" server --port $((base + 2 + i)) --registry "127.0.0.1:$registry_port" --database "127.0.0.1:$database_port" \
      ${BATCH:+--multiply-batch "$BATCH"} >"$work/server$i.log" 2>&1 &
    pids+=($!); server_pids+=($!)
  done
  wait_registered "$registry_port" "$n"

  bench() { rb bench --registry "127.0.0.1:$registry_port" --op "$1" -c "$CLIENTS" -d "$2" --json 2>/dev/null; }
  # Warm-up: the servers' hot paths are compiled again (tier 1) in the first seconds of load, and
  # each server process does that on its own, so more servers need a longer warm-up.
  bench multiply "$((${BENCH_WARMUP_SECONDS:-10} + 5 * n))s" >/dev/null; bench sum 5s >/dev/null

  processes=("$database_pid" "$registry_pid" "${server_pids[@]}")
  before=(); for pid in "${processes[@]}"; do before+=("$(cpu_ticks "$pid")"); done
  TIMEFORMAT='%U %S'
  { time bench multiply "$DURATION" >"$work/multiply.json"; } 2>"$work/client.time"
  after=(); for pid in "${processes[@]}"; do after+=("$(cpu_ticks "$pid")"); done
  multiply_json=$(cat "$work/multiply.json")
  multiplies=$(field requests "$multiply_json")
  multiply_rps=$(field rps "$multiply_json")
  multiply_errors=$(field errors "$multiply_json")
  load_now=$(load)
  incr_rps=$(incr)
  sum_rps=$(field rps "$(bench sum "$DURATION")")

  client_us=$(awk -v t="$(cat "$work/client.time")" -v n="$multiplies" 'BEGIN { split(t, a, " "); printf "%.0f", (a[1] + a[2]) * 1e6 / n }')
  per_process=("$client_us")
  for i in "${!processes[@]}"; do
    per_process+=("$(awk -v d=$((after[i] - before[i])) -v n="$multiplies" -v hz="$ticks_per_second" 'BEGIN { printf "%.0f", d / hz * 1e6 / n }')")
  done
  line=$(printf '%-8s %12s %12s %12s %8.2f %8.2f %6s  %s' "$n" "$multiply_rps" "$sum_rps" "$incr_rps" \
    "$(awk -v a="$multiply_rps" -v b="$sum_rps" 'BEGIN { print a / b }')" \
    "$(awk -v a="$multiply_rps" -v b="$incr_rps" 'BEGIN { print a / b }')" "$load_now" "${per_process[*]}")
  echo "$line"
  results+=("$line")
  [ "${multiply_errors:-0}" = "0" ] || echo "bench: $multiply_errors multiplies failed with $n server(s); see $work/server*.log" >&2
  stop_all
done
kill "$redis_pid" 2>/dev/null || true
wait "$redis_pid" 2>/dev/null || true
