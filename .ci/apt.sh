# Sourced by the install scripts: apt_install PACKAGE... installs Debian packages without prompts,
# through sudo when not root, and without letting the packages start system services (the tests
# start their own engines, on their own ports).
apt_install() {
  local sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
  fi

  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  local policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  local status=0
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" || status=$?
  if [ "$policy_added" -eq 1 ]; then
    "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d
  fi
  return "$status"
}
