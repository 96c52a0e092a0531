#!/usr/bin/env bash
# Durable puts and read-modify-write multiplies with 50 concurrent clients: Roundabout's database
# (durable, in a temp dir) against redis-server with appendonly yes / appendfsync always, on
# loopback, in the same run. Prints both figures and their ratio, then stops what it started.
#   bench/store/run.sh     # BENCH_CLIENTS=50 BENCH_SECONDS=10 by default
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS="${BENCH_CLIENTS:-50}"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
# BENCH_ONLY=put,set runs a subset; BENCH_DATABASE_MODE=in-memory measures the gRPC path without the disk.
ONLY="${BENCH_ONLY:-}"
MODE="${BENCH_DATABASE_MODE:-durable}"

. bench/lib.sh
install_missing redis-server:redis-server

echo "bench: building (Release)"
dotnet build -c Release -v q --nologo src/Roundabout.Cli >/dev/null
dotnet build -c Release -v q --nologo bench/store >/dev/null

work="$(mktemp -d)"
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT INT TERM

if [ "$MODE" = "in-memory" ]; then storage=(--in-memory); else storage=(--data-dir "$work/database"); fi
dotnet src/Roundabout.Cli/bin/Release/net10.0/roundabout.dll database --port 0 "${storage[@]}" >"$work/database.log" 2>&1 &
pids+=($!)
db_port=""
for _ in $(seq 1 300); do
  db_port="$(sed -n 's/.*Shared Memory running on port :\([0-9]*\).*/\1/p' "$work/database.log" | head -n 1)"
  [ -n "$db_port" ] && break
  sleep 0.1
done
if [ -z "$db_port" ]; then echo "bench: the database did not start:" >&2; cat "$work/database.log" >&2; exit 1; fi

free_block 1
redis_port=$base
mkdir -p "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --appendfsync always --save '' \
  --dir "$work/redis" --daemonize no --logfile "$work/redis.log" &
pids+=($!)
wait_for_port "$redis_port"

echo "bench: database ($MODE) on :$db_port, redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on :$redis_port"
dotnet bench/store/bin/Release/net10.0/Roundabout.Bench.Store.dll \
  --database "127.0.0.1:$db_port" --redis "127.0.0.1:$redis_port" --clients "$CLIENTS" --seconds "$SECONDS_PER_RUN" \
  ${ONLY:+--only "$ONLY"}
