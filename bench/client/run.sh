#!/usr/bin/env bash
# The client's cost against its floors, in one run, back to back:
#   1. `roundabout bench --op sum` against a bare grpc-dotnet client (bench/bare), same server, c=50;
#   2. CPU per call of the client and the server (from /proc/PID/stat);
#   3. RSS, PSS and USS of the registry, the database and the server, idle and after the load;
#   4. hyperfine of a one-shot `roundabout sum 2 3` against `redis-cli GET x`;
#   5. `roundabout up` until "All components are up".
# Everything listens on 127.0.0.1, on fixed ports below 32768 (BENCH_PORT_BASE, default 18100).
# BENCH_SECONDS (10), BENCH_CONCURRENCY (50), BENCH_ROUNDS (5) change the load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${BENCH_SECONDS:-10}"
concurrency="${BENCH_CONCURRENCY:-50}"
rounds="${BENCH_ROUNDS:-5}"
base="${BENCH_PORT_BASE:-18100}"
registry_port=$base database_port=$((base + 1)) server_port=$((base + 2)) redis_port=$((base + 3))
up_base=$((base + 10))
rb="$root/roundabout"
bare_dir="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$bare_dir"
}
trap cleanup EXIT INT TERM

load() { cut -d' ' -f1 /proc/loadavg; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# RSS / PSS / USS in MB. RSS counts the shared clean pages of the runtime and the framework in full
# in every process; PSS shares them out; USS (private pages) is what one more process costs.
rss() { awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} /^Private_(Clean|Dirty):/ {u+=$2} END {printf "%d/%d/%d", r/1024, p/1024, u/1024}' "/proc/$1/smaps_rollup"; }

echo "building (Release)..." >&2
"$rb" --version >/dev/null
dotnet build "$root/bench/bare" -c Release -o "$bare_dir" --nologo -v quiet -clp:ErrorsOnly >&2
bare="$bare_dir/Roundabout.Bench.Bare"

"$rb" registry --port "$registry_port" >/dev/null 2>&1 & pids+=($!); registry_pid=$!
"$rb" database --port "$database_port" --in-memory >/dev/null 2>&1 & pids+=($!); database_pid=$!
"$rb" server --port "$server_port" --registry "localhost:$registry_port" --database "localhost:$database_port" >/dev/null 2>&1 & pids+=($!); server_pid=$!
deadline=$((SECONDS + 60))
until "$rb" sum 2 3 --registry "localhost:$registry_port" >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || { echo "the cluster did not come up" >&2; exit 1; }
  sleep 0.2
done
settle=$((SECONDS + 3)); while [ $SECONDS -lt $settle ]; do sleep 0.5; done
echo "idle RSS/PSS/USS (MB): registry $(rss $registry_pid)  database $(rss $database_pid)  server $(rss $server_pid)   load $(load)"

echo "warming up..." >&2
"$rb" bench --op sum -c "$concurrency" --duration 3s --registry "localhost:$registry_port" >/dev/null
"$bare" "127.0.0.1:$server_port" "$concurrency" 3 >/dev/null

# One measured client run: prints "RPS CLIENT_CPU_US_PER_CALL SERVER_CPU_US_PER_CALL".
measure() {
  local kind=$1 before after out calls client_ticks
  before=$(ticks $server_pid)
  if [ "$kind" = ours ]; then
    out=$( { /usr/bin/time -f 'CPU %U %S' "$rb" bench --op sum -c "$concurrency" --duration "${seconds}s" --json --registry "localhost:$registry_port"; } 2>&1 )
    calls=$(grep -o '"requests":[0-9]*' <<<"$out" | cut -d: -f2)
    rps=$(grep -o '"rps":[0-9.]*' <<<"$out" | cut -d: -f2)
  else
    # "bare-deadline": the same bare client with a 2 s deadline on every call, to show what a deadline costs.
    local deadline_ms=(); [ "$kind" = bare-deadline ] && deadline_ms=(2000)
    out=$( { /usr/bin/time -f 'CPU %U %S' "$bare" "127.0.0.1:$server_port" "$concurrency" "$seconds" "${deadline_ms[@]}"; } 2>&1 )
    calls=$(sed -n 's/^bare sum: \([0-9]*\) calls.*/\1/p' <<<"$out")
    rps=$(sed -n 's/.*: \([0-9]*\) calls\/s$/\1/p' <<<"$out")
  fi
  after=$(ticks $server_pid)
  client_ticks=$(awk '/^CPU/ {printf "%.0f", ($2 + $3) * 100}' <<<"$out")
  local hz; hz=$(getconf CLK_TCK)
  awk -v r="$rps" -v c="$calls" -v ct="$client_ticks" -v st=$((after - before)) -v hz="$hz" \
    'BEGIN { printf "%.0f %.1f %.1f\n", r, ct / hz * 1e6 / c, st / hz * 1e6 / c }'
}

# The machine is shared and noisy: rounds alternate which client goes first, and the summary
# gives the median of the rounds' ratios.
ratios=()
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then
    read -r ours_rps ours_client ours_server < <(measure ours); l1=$(load)
    read -r bare_rps bare_client bare_server < <(measure bare); l2=$(load)
  else
    read -r bare_rps bare_client bare_server < <(measure bare); l2=$(load)
    read -r ours_rps ours_client ours_server < <(measure ours); l1=$(load)
  fi
  read -r bd_rps bd_client bd_server < <(measure bare-deadline); l3=$(load)
  ratio=$(awk -v a="$ours_rps" -v b="$bare_rps" 'BEGIN{printf "%.2f", a/b}'); ratios+=("$ratio")
  echo "round $round: bench sum c=$concurrency ${ours_rps}/s (load $l1), bare ${bare_rps}/s (load $l2), ratio $ratio"
  echo "         bare with a deadline per call ${bd_rps}/s (load $l3)"
  echo "         CPU µs/call: client ours $ours_client, bare $bare_client, bare+deadline $bd_client; server $ours_server (ours), $bare_server (bare), $bd_server (bare+deadline)"
done
echo "bench/bare ratio over $rounds rounds: median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'), all: ${ratios[*]}"
echo "RSS/PSS/USS after load (MB): registry $(rss $registry_pid)  database $(rss $database_pid)  server $(rss $server_pid)   load $(load)"

if command -v redis-server >/dev/null && command -v hyperfine >/dev/null; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null & pids+=($!)
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
  echo "load before hyperfine $(load)"
  hyperfine -N --warmup 3 --runs 20 --style basic \
    "$rb sum 2 3 --registry localhost:$registry_port" "redis-cli -p $redis_port GET x" 2>&1 | grep -E 'Time|±|faster|Benchmark'
fi

# `up` until ready, on its own ports; stdin stays open until the ready line, then closes (the menu exits).
fifo="$bare_dir/up.in"; mkfifo "$fifo"
exec 7<>"$fifo"
start=$(date +%s%N)
"$rb" up --in-memory --servers 2 --registry-port "$up_base" --database-port $((up_base + 1)) --first-server-port $((up_base + 2)) --first-metrics-port $((up_base + 4)) --dashboard-port $((up_base + 8)) <"$fifo" >"$bare_dir/up.out" 2>&1 7>&- & up_pid=$!
until grep -q "All components are up" "$bare_dir/up.out" 2>/dev/null; do
  kill -0 $up_pid 2>/dev/null || { cat "$bare_dir/up.out" >&2; exit 1; }
  sleep 0.01
done
ready=$(date +%s%N)
echo "up until ready: $(( (ready - start) / 1000000 )) ms   load $(load)"
exec 7>&-
wait $up_pid || true
