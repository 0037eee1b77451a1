#!/usr/bin/env bash
# Installs the Debian packages the tests and fidelity checks need:
# the real openstack CLI (with its Octavia plugin) and qemu-img (to
# cross-check the simulator's qcow2), curl and jq for the real-OpenStack
# end-to-end test, chromium for the browser test of the HTML audit report
# (internal/browsertest; it skips without one). Idempotent.
set -euo pipefail
pkgs=(python3-openstackclient python3-octaviaclient qemu-utils tzdata curl jq chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all of ${pkgs[*]} installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo 'man-db man-db/auto-update boolean false' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed ${missing[*]}"
