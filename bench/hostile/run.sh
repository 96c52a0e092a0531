#!/usr/bin/env bash
# What a client without credentials can do to a running system, measured (issue "Hostile clients
# cannot blind, steer or reset anything"):
#   1. 1,000 instances with unresolvable names (flood{i}.invalid) renewed for 60 s: the
#      dashboard's slowest /healthz, its most threads (/proc), and how long after the registry
#      lists the real server alone (the eviction guard holds a mass expiry a while) the dashboard does;
#   2. 20,000 event-stream connection attempts: accepted and refused, the slowest /healthz, and
#      the dashboard's RSS before and after;
#   3. one client opening 1,100 registry watches while another client (from 127.0.0.2) opens one;
#   4. `roundabout sum 2 3` (median of 9) quiet, then during a flood of 20,000 registrations from one client:
#      of another service (the registry's own cost), then of the calculator service itself (whose
#      fake instances the client also tries).
# Everything listens on 127.0.0.1, on fixed ports below 32768 (BENCH_PORT_BASE, default 18400).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${BENCH_PORT_BASE:-18400}"
registry_port=$base database_port=$((base + 1)) server_port=$((base + 2)) dashboard_port=$((base + 3))
flood_registry_port=$((base + 4))
rb="$root/roundabout"
tool_dir="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tool_dir"
}
trap cleanup EXIT INT TERM

load() { cut -d' ' -f1 /proc/loadavg; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
url="http://127.0.0.1:$dashboard_port/"
# The members the dashboard shows, as "address:health" lines.
members() { curl -s --max-time 2 "${url}api/state" | python3 -c 'import json,sys; [print(m["address"] + ":" + m["health"]["status"]) for m in json.load(sys.stdin)["members"]]' 2>/dev/null || true; }
now() { date +%s.%N; }
listed() { "$rb" servers --json --registry "127.0.0.1:$1" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); l=d if isinstance(d,list) else next(v for v in d.values() if isinstance(v,list)); print(len(l))' 2>/dev/null || echo "?"; }

"$rb" --version >/dev/null
dotnet build -c Release -v q --nologo -clp:ErrorsOnly "$root/bench/hostile" -o "$tool_dir" >/dev/null
tool() { dotnet "$tool_dir/Roundabout.Bench.Hostile.dll" "$@"; }

# The dashboard's flood needs all 1,000 registrations at once: that registry allows the burst.
"$rb" registry --port "$registry_port" --registration-burst 1000 >/dev/null 2>&1 & pids+=($!)
"$rb" database --port "$database_port" --in-memory >/dev/null 2>&1 & pids+=($!)
"$rb" server --port "$server_port" --registry "127.0.0.1:$registry_port" --database "127.0.0.1:$database_port" >/dev/null 2>&1 & pids+=($!)
"$rb" dashboard --port "$dashboard_port" --registry "127.0.0.1:$registry_port" --database "127.0.0.1:$database_port" >/dev/null 2>&1 & pids+=($!); dashboard_pid=$!
until [ "$(members)" = "localhost:$server_port:serving" ]; do sleep 0.2; done
echo "ready: dashboard threads $(threads $dashboard_pid), RSS $(rss_mb $dashboard_pid) MB, load $(load)"

echo "== 1. 1,000 unresolvable instances for 60 s"
max_threads=$(threads $dashboard_pid)
( while sleep 0.5; do t=$(threads $dashboard_pid); echo "$t"; done ) >"$tool_dir/threads" & sampler=$!
tool healthz "$url" 60 >"$tool_dir/healthz1" & healthz=$!
tool register-flood "127.0.0.1:$registry_port" 1000 60 .invalid calculator
flood_end=$(now)
wait $healthz
until [ "$(listed $registry_port)" = 1 ]; do sleep 0.1; done
evicted=$(now)
until [ "$(members)" = "localhost:$server_port:serving" ]; do sleep 0.1; done
alone=$(now)
kill $sampler; wait $sampler 2>/dev/null || true
max_threads=$(sort -n "$tool_dir/threads" | tail -1)
echo "$(cat "$tool_dir/healthz1") max_threads=$max_threads registry_alone_after_last_renewal_s=$(echo "$evicted - $flood_end" | bc) dashboard_alone_after_registry_s=$(echo "$alone - $evicted" | bc) load $(load)"

echo "== 2. 20,000 event-stream connection attempts"
sleep 5
rss_before=$(rss_mb $dashboard_pid)
tool healthz "$url" 40 >"$tool_dir/healthz2" & healthz=$!
tool sse-flood "$url" 20000
wait $healthz
sleep 10
echo "$(cat "$tool_dir/healthz2") rss_before_mb=$rss_before rss_after_mb=$(rss_mb $dashboard_pid) threads=$(threads $dashboard_pid) load $(load)"

echo "== 3. one client opens 1,100 watches; another (127.0.0.2) opens one"
tool watch-hog "127.0.0.1:$registry_port" 1100 15 127.0.0.1 & hog=$!
sleep 5
tool watch-hog "127.0.0.1:$registry_port" 1 0 127.0.0.2
wait $hog
echo "load $(load)"

echo "== 4. sum 2 3, quiet and during a flood of 20,000 registrations (default per-client limits)"
# A registry of its own with the default limits, so that the first scenario's leftovers do not count.
"$rb" registry --port "$flood_registry_port" >/dev/null 2>&1 & pids+=($!)
"$rb" server --port $((server_port + 10)) --registry "127.0.0.1:$flood_registry_port" --database "127.0.0.1:$database_port" >/dev/null 2>&1 & pids+=($!)
until "$rb" sum 2 3 --registry "127.0.0.1:$flood_registry_port" >/dev/null 2>&1; do sleep 0.2; done
sum_times() {
  local i s
  for i in 1 2 3 4 5 6 7 8 9; do
    s=$(now); "$rb" sum 2 3 --registry "127.0.0.1:$flood_registry_port" >/dev/null; echo "$(now) - $s" | bc
  done | sort -n | sed -n 5p
}
echo "quiet: sum median $(sum_times) s, load $(load)"
for service in other calculator; do
  tool register-flood "127.0.0.1:$flood_registry_port" 20000 8 .invalid $service >"$tool_dir/flood4" & flood=$!
  sleep 1
  echo "flood of service $service: sum median $(sum_times) s, load $(load)"
  wait $flood
  echo "  $(cat "$tool_dir/flood4")"
  sleep 8 # the flood's instances are evicted before the next
done
