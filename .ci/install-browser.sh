#!/usr/bin/env bash
# Installs the browser the dashboard's tests drive: Debian's chromium and chromium-driver
# (/usr/bin/chromium, /usr/bin/chromedriver), only when they are missing. Safe to run again; says what it did.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "browser: chromium and chromium-driver already installed ($(/usr/bin/chromedriver --version 2>/dev/null | awk '{print $2}'))"
  exit 0
fi

echo "browser: installing ${missing[*]}"
apt_install chromium chromium-driver

[ -x /usr/bin/chromium ] || { echo "browser: /usr/bin/chromium is still missing after the install"; exit 1; }
[ -x /usr/bin/chromedriver ] || { echo "browser: /usr/bin/chromedriver is still missing after the install"; exit 1; }
echo "browser: installed ${missing[*]}"
