# Shared by the bench scripts: installing what is missing, the ReadyToRun build that ./roundabout
# runs, free loopback ports below 32768, and stopping every process a script started.
# Source it from the repository root: . bench/lib.sh

# install_missing COMMAND:PACKAGE...: apt-get installs the packages whose command is missing.
install_missing() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "bench: installing ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# build_cli DIR: the ahead-of-time (ReadyToRun) build that ./roundabout runs without clang; sets $cli.
build_cli() {
  local rid
  case "$(uname -m)" in aarch64 | arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
  dotnet publish -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -v q --nologo -clp:ErrorsOnly \
    src/Roundabout.Cli -o "$1" >/dev/null
  cli="$1/roundabout.dll"
  cli_cmd=(dotnet "$cli")
}

rb() { "${cli_cmd[@]}" "$@"; }

# use_cli DIR: sets cli_cmd to the executable ./roundabout builds (native when clang is installed,
# as the issues' figures were taken), or with BENCH_NATIVE=0 to the ReadyToRun build in DIR.
use_cli() {
  if [ "${BENCH_NATIVE:-1}" = 1 ]; then
    ./roundabout --version >/dev/null
    cli_cmd=("$PWD/.build/cli/roundabout")
  else
    echo "bench: building (Release, ReadyToRun)"
    build_cli "$1"
  fi
}

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  for _ in $(seq 1 300); do
    if ! port_is_free "$1"; then return 0; fi
    sleep 0.1
  done
  echo "bench: nothing listens on port $1" >&2
  return 1
}

# free_block SIZE: sets $base to the first of SIZE consecutive free ports between 20000 and 32767.
free_block() {
  local candidate ok i
  base=""
  for _ in $(seq 1 100); do
    candidate=$((20000 + (RANDOM % (12000 / $1)) * $1))
    ok=1
    for i in $(seq 0 $(($1 - 1))); do port_is_free $((candidate + i)) || { ok=0; break; }; done
    if [ "$ok" -eq 1 ]; then base="$candidate"; return 0; fi
  done
  echo "bench: no block of $1 free ports found" >&2
  return 1
}

# wait_registered REGISTRY_PORT COUNT: until the registry lists COUNT servers.
wait_registered() {
  local listed
  for _ in $(seq 1 100); do
    listed=$(rb servers --registry "127.0.0.1:$1" --json 2>/dev/null | grep -o '"address"' | wc -l || true)
    [ "$listed" -ge "$2" ] && return 0
    sleep 0.2
  done
  echo "bench: the registry on port $1 did not list $2 servers" >&2
  return 1
}
