#!/usr/bin/env bash
# Installs the real engines the scale-out tests start: redis-server and etcd (Debian packages
# redis-server and etcd-server), and script (bsdutils) for the terminal tests, only when they are
# missing. Safe to run again; says what it did.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v etcd >/dev/null 2>&1 || [ -x /usr/bin/etcd ] || missing+=(etcd-server)
# The terminal tests run the command in a pseudo-terminal through util-linux's script (package bsdutils, essential on Debian).
command -v script >/dev/null 2>&1 || missing+=(bsdutils)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "engines: redis-server, etcd and script already installed ($(redis-server --version | awk '{print $3}'), $(etcd --version 2>/dev/null | head -n 1))"
  exit 0
fi

echo "engines: installing ${missing[*]}"
apt_install "${missing[@]}"

command -v redis-server >/dev/null 2>&1 || { echo "engines: redis-server is still missing after the install"; exit 1; }
command -v etcd >/dev/null 2>&1 || { echo "engines: etcd is still missing after the install"; exit 1; }
echo "engines: installed ${missing[*]}"
