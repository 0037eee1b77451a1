#!/usr/bin/env bash
# Times `scs-migrate inventory` against listing the same kinds with the
# real openstack CLI (python-openstackclient), on one cloud, in one run,
# and prints the ratio. Point it at a running `scs-migrate sim serve`
# that holds a big tenant (or at any cloud):
#
#   OS_CLIENT_CONFIG_FILE=clouds.yaml hack/bench-inventory-vs-cli.sh [bin/scs-migrate] [CLOUD]
#
# CLOUD defaults to $OS_CLOUD, else sim-source. The issue's target is a
# ratio of at least 5.
set -euo pipefail
bin=${1:-bin/scs-migrate}
cloud=${2:-${OS_CLOUD:-sim-source}}
: "${OS_CLIENT_CONFIG_FILE:?set OS_CLIENT_CONFIG_FILE to the clouds.yaml (sim serve --write-clouds)}"
export OS_CLIENT_CONFIG_FILE OS_CLOUD="$cloud"
command -v openstack >/dev/null || { echo "the openstack CLI is not installed (apt-get install python3-openstackclient)"; exit 2; }
[ -x "$bin" ] || { echo "$bin not found: go build -o bin/scs-migrate ./cmd/scs-migrate"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

# The CLI equivalent of one inventory: every kind it reads, in long form.
cli_lists=(
  "server list --long"
  "flavor list --long --all"
  "image list --long"
  "volume list --long"
  "volume snapshot list --long"
  "volume backup list --long"
  "volume type list --long"
  "network list --long"
  "subnet list --long"
  "router list --long"
  "security group list"
  "security group rule list --long"
  "port list --long"
  "floating ip list --long"
  "keypair list"
  "server group list --long"
  "loadbalancer list"
  "loadbalancer listener list"
  "loadbalancer pool list"
  "loadbalancer healthmonitor list"
  "limits show --absolute"
  "quota show"
)

t0=$(now)
"$bin" inventory --source "$cloud" -o json --output "$work/inventory.json" 2>"$work/inventory.err"
t1=$(now)
inv=$(elapsed "$t0" "$t1")
"$bin" inventory --source "$cloud" -o table 2>/dev/null | head -25

t0=$(now)
for cmd in "${cli_lists[@]}"; do
  # shellcheck disable=SC2086
  if ! openstack $cmd -f json >"$work/cli.json" 2>"$work/cli.err"; then
    echo "  (openstack $cmd failed: $(head -c 200 "$work/cli.err"))"
  fi
done
t1=$(now)
cli=$(elapsed "$t0" "$t1")

printf '\nscs-migrate inventory  %8.2fs\n' "$inv"
printf 'openstack CLI lists    %8.2fs  (%d commands)\n' "$cli" "${#cli_lists[@]}"
printf 'ratio (CLI / inventory) %7.1fx\n' "$(echo "$cli / $inv" | bc -l)"
