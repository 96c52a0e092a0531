#!/usr/bin/env bash
# Exactly-once at a constant cost: what sessions keep, and what retries cost.
#   memory  BENCH_MINUTES (10) of `bench --op multiply -c 50` with 2 servers on each store, sampled
#           every minute: database RSS and data directory size (embedded), used_memory (Redis),
#           db size in use (etcd, auto-compacted every minute); then kill -9 of the embedded
#           database and the time until the restarted one answers on its port. etcd's size is
#           read after compacting to the current revision.
#   pause   the database SIGSTOPped for 3 s in the middle of a 15 s multiply bench: failed calls.
#   dead    the database killed for good, then a multiply bench: server calls per client call,
#           counted from the servers' own metrics (each call is one request there).
# Each store's figure is printed with the load average; `memory` takes 3 × BENCH_MINUTES.
#   bench/sessions/run.sh                       # all three parts, all three stores
#   BENCH_PARTS="pause dead" bench/sessions/run.sh
#   BENCH_MINUTES=4 BENCH_STORES="embedded redis" bench/sessions/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES="${BENCH_MINUTES:-10}"
PARTS="${BENCH_PARTS:-memory pause dead}"
STORES="${BENCH_STORES:-embedded redis etcd}"
CLIENTS=50

. bench/lib.sh
install_missing redis-server:redis-server redis-cli:redis-tools etcd:etcd-server curl:curl

work="$(mktemp -d)"
use_cli "$work/cli"
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT INT TERM

# Ports: registry, database, Redis, etcd client and peer, two servers, two server metrics ports.
free_block 10
registry_port=$base; database_port=$((base + 1)); redis_port=$((base + 2)); etcd_port=$((base + 3)); etcd_peer=$((base + 4))
server_ports=($((base + 5)) $((base + 6))); metrics_ports=($((base + 7)) $((base + 8)))

load() { cut -d' ' -f1 /proc/loadavg; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
dir_mb() { du -sm "$1" | cut -f1; }
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2" | head -n 1; }

start_registry() {
  "${cli_cmd[@]}" registry --port "$registry_port" >"$work/registry.log" 2>&1 &
  pids+=($!)
  wait_for_port "$registry_port"
}

start_database() {
  "${cli_cmd[@]}" database --port "$database_port" --data-dir "$work/database" >>"$work/database.log" 2>&1 &
  database_pid=$!
  pids+=($!)
  wait_for_port "$database_port"
}

# start_servers STORE_ARGS...: two servers, each with a metrics port.
start_servers() {
  for i in 0 1; do
    "${cli_cmd[@]}" server --port "${server_ports[$i]}" --metrics-port "${metrics_ports[$i]}" --registry "127.0.0.1:$registry_port" \
      "$@" >"$work/server$i.log" 2>&1 &
    pids+=($!)
  done
  wait_registered "$registry_port" 2
}

start_store() {
  case "$1" in
    embedded)
      rm -rf "$work/database"; start_database
      store_args=(--database "127.0.0.1:$database_port") ;;
    redis)
      rm -rf "$work/redis"; mkdir -p "$work/redis"
      redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --appendfsync always --save '' \
        --dir "$work/redis" --daemonize no --logfile "$work/redis.log" &
      pids+=($!)
      wait_for_port "$redis_port"
      store_args=(--store "redis://127.0.0.1:$redis_port") ;;
    etcd)
      rm -rf "$work/etcd"
      etcd --name bench --data-dir "$work/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
        --initial-cluster "bench=http://127.0.0.1:$etcd_peer" \
        --auto-compaction-mode periodic --auto-compaction-retention 1m >"$work/etcd.log" 2>&1 &
      pids+=($!)
      wait_for_port "$etcd_port"
      store_args=(--store "etcd://127.0.0.1:$etcd_port") ;;
  esac
}

# store_size STORE: what the store holds now, in MB, as the issue measures it.
store_size() {
  case "$1" in
    embedded) echo "rss $(rss_mb "$database_pid") MB, data dir $(dir_mb "$work/database") MB" ;;
    redis) echo "used_memory $(redis-cli -p "$redis_port" INFO memory | tr -d '\r' | awk -F: '/^used_memory:/ { printf "%.2f", $2 / 1048576 }') MB" ;;
    etcd)
      # Compacted to the current revision first (through etcd's JSON gateway), so the size in use
      # is what the live keys hold, not the history since the last periodic compaction.
      local revision
      revision=$(curl -s -X POST "http://127.0.0.1:$etcd_port/v3/kv/range" -d '{"key":"AA=="}' | sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')
      curl -s -X POST "http://127.0.0.1:$etcd_port/v3/kv/compaction" -d "{\"revision\":\"$revision\",\"physical\":true}" >/dev/null
      echo "db in use $(curl -s "http://127.0.0.1:$etcd_port/metrics" | awk '/^etcd_mvcc_db_total_size_in_use_in_bytes/ { printf "%.2f", $2 / 1048576 }') MB after compacting to revision $revision" ;;
  esac
}

# server_calls: Multiply requests the two servers answered, from their metrics.
server_calls() {
  local total=0 n
  for port in "${metrics_ports[@]}"; do
    n=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^http_server_request_duration_seconds_count/ && /Multiply/ { s += $NF } END { printf "%d", s }')
    total=$((total + n))
  done
  echo "$total"
}

bench_multiply() { "${cli_cmd[@]}" bench --registry "127.0.0.1:$registry_port" --op multiply --name "$1" -c "$CLIENTS" -d "$2" --json 2>>"$work/bench.err"; }

if [[ " $PARTS " == *" memory "* ]]; then
  for store in $STORES; do
    echo "== memory: $store, $MINUTES minutes of multiply at c=$CLIENTS, 2 servers"
    start_registry; start_store "$store"; start_servers "${store_args[@]}"
    echo "minute 0: $(store_size "$store")  load $(load)"
    bench_multiply memory "${MINUTES}m" >"$work/memory.json" &
    bench_pid=$!
    for minute in $(seq 1 "$MINUTES"); do
      sleep 60
      echo "minute $minute: $(store_size "$store")  load $(load)"
    done
    wait "$bench_pid" || true
    json=$(cat "$work/memory.json")
    echo "bench: $(field requests "$json") multiplies, $(field rps "$json")/s, $(field errors "$json") errors"
    if [ "$store" = embedded ]; then
      kill -9 "$database_pid"; wait "$database_pid" 2>/dev/null || true
      started=$(date +%s%N)
      start_database
      echo "kill -9 then restart: the port answers after $(( ($(date +%s%N) - started) / 1000000 )) ms; data dir $(dir_mb "$work/database") MB"
    fi
    stop_all
  done
fi

if [[ " $PARTS " == *" pause "* ]]; then
  echo "== pause: the database SIGSTOPped for 3 s during 15 s of multiply at c=$CLIENTS, 2 servers"
  start_registry; start_store embedded; start_servers "${store_args[@]}"
  bench_multiply warm 5s >/dev/null
  bench_multiply pause 15s >"$work/pause.json" &
  bench_pid=$!
  sleep 6
  kill -STOP "$database_pid"; sleep 3; kill -CONT "$database_pid"
  wait "$bench_pid" || true
  json=$(cat "$work/pause.json")
  echo "pause: $(field requests "$json") multiplies, $(field errors "$json") failed, p99 $(field p99 "$json") ms, max $(field max "$json") ms  load $(load)"
  stop_all
fi

if [[ " $PARTS " == *" dead "* ]]; then
  echo "== dead: the database killed for good, then 10 s of multiply at c=$CLIENTS, 2 servers"
  start_registry; start_store embedded; start_servers "${store_args[@]}"
  bench_multiply warm 3s >/dev/null
  kill -9 "$database_pid"; wait "$database_pid" 2>/dev/null || true
  before=$(server_calls)
  json=$(bench_multiply dead 10s || true)
  calls=$(( $(field requests "$json") ))
  sent=$(( $(server_calls) - before ))
  echo "dead: $calls client calls ($(field errors "$json") failed), $sent server calls: $(awk -v s="$sent" -v c="$calls" 'BEGIN { printf "%.3f", s / c }') per call (the budget allows 1 + 0.2, plus a reserve of 100 and 10 per second)  load $(load)"
  stop_all
fi
