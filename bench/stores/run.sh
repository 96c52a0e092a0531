#!/usr/bin/env bash
# Multiply on each store, back to back in one run: the embedded database (durable), Redis with
# appendfsync always, etcd with one member and etcd with three members. For each: a registry, two
# servers with --store on it, `roundabout bench --op multiply` at 50 concurrent calls, and the
# ratio to the embedded database.
#   bench/stores/run.sh            # BENCH_DURATION=10s BENCH_CLIENTS=50 BENCH_STORES="embedded redis etcd1 etcd3"
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS="${BENCH_CLIENTS:-50}"
DURATION="${BENCH_DURATION:-10s}"
STORES="${BENCH_STORES:-embedded redis etcd1 etcd3}"

. bench/lib.sh
install_missing redis-server:redis-server etcd:etcd-server

echo "bench: building (Release, ReadyToRun)"
work="$(mktemp -d)"
build_cli "$work/cli"
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT INT TERM

free_block 16
registry_port=$base; database_port=$((base + 1)); redis_port=$((base + 2))

start_etcd() { # members
  local members=$1 cluster="" i
  for i in $(seq 0 $((members - 1))); do cluster+="${cluster:+,}m$i=http://127.0.0.1:$((base + 11 + i))"; done
  for i in $(seq 0 $((members - 1))); do
    etcd --name "m$i" --data-dir "$work/etcd$members-m$i" \
      --listen-client-urls "http://127.0.0.1:$((base + 8 + i))" --advertise-client-urls "http://127.0.0.1:$((base + 8 + i))" \
      --listen-peer-urls "http://127.0.0.1:$((base + 11 + i))" --initial-advertise-peer-urls "http://127.0.0.1:$((base + 11 + i))" \
      --initial-cluster "$cluster" --initial-cluster-state new --log-level error >"$work/etcd-m$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 0 $((members - 1))); do wait_for_port $((base + 8 + i)); done
  etcd_endpoints=""
  for i in $(seq 0 $((members - 1))); do etcd_endpoints+="${etcd_endpoints:+,}127.0.0.1:$((base + 8 + i))"; done
}

echo "bench: concurrency $CLIENTS, $DURATION per run, 2 servers; load average beside each figure"
printf '%-10s %12s %10s %8s %6s\n' store multiply/s p99_ms ratio load
embedded_rps=""
for store in $STORES; do
  rm -rf "$work"/database "$work"/redis "$work"/etcd*
  case "$store" in
    embedded)
      dotnet "$cli" database --port "$database_port" --data-dir "$work/database" >"$work/database.log" 2>&1 &
      pids+=($!); wait_for_port "$database_port"; address="roundabout://127.0.0.1:$database_port" ;;
    redis)
      mkdir -p "$work/redis"
      redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --appendfsync always --save '' \
        --dir "$work/redis" --daemonize no --logfile "$work/redis.log" &
      pids+=($!); wait_for_port "$redis_port"; address="redis://127.0.0.1:$redis_port" ;;
    etcd1) start_etcd 1; address="etcd://$etcd_endpoints" ;;
    etcd3) start_etcd 3; address="etcd://$etcd_endpoints" ;;
    *) echo "bench: unknown store '$store' (embedded, redis, etcd1, etcd3)" >&2; exit 2 ;;
  esac
  dotnet "$cli" registry --port "$registry_port" >"$work/registry.log" 2>&1 &
  pids+=($!); wait_for_port "$registry_port"
  for i in 1 2; do
    dotnet "$cli" server --port $((base + 2 + i)) --registry "127.0.0.1:$registry_port" --store "$address" >"$work/server$i.log" 2>&1 &
    pids+=($!); wait_for_port $((base + 2 + i))
  done
  wait_registered "$registry_port" 2
  rb bench --registry "127.0.0.1:$registry_port" --op multiply -c "$CLIENTS" -d "${BENCH_WARMUP:-20s}" >/dev/null 2>&1 || true   # warm-up
  out=$(rb bench --registry "127.0.0.1:$registry_port" --op multiply -c "$CLIENTS" -d "$DURATION" --json 2>/dev/null || true)
  rps=$(sed -n 's/.*"rps":\([0-9.]*\).*/\1/p' <<<"$out" | head -n 1)
  p99=$(sed -n 's/.*"p99":\([0-9.]*\).*/\1/p' <<<"$out" | head -n 1)
  errors=$(sed -n 's/.*"errors":\([0-9]*\).*/\1/p' <<<"$out" | head -n 1)
  [ -n "$embedded_rps" ] || embedded_rps="$rps"
  printf '%-10s %12s %10s %8.2f %6s\n' "$store" "$rps" "$p99" "$(awk -v a="$rps" -v b="$embedded_rps" 'BEGIN { print a / b }')" "$(cut -d' ' -f1 /proc/loadavg)"
  [ "${errors:-0}" = "0" ] || echo "bench: $errors multiplies failed on $store" >&2
  stop_all
done
