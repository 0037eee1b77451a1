#!/usr/bin/env bash
# Drives the real openstack CLI (python-openstackclient, openstacksdk)
# against `scs-migrate sim serve` and checks results, not just exit codes:
# bytes saved equal bytes uploaded, statuses reached, properties kept.
# Usage: hack/cli-fidelity.sh [path/to/scs-migrate]
set -euo pipefail
bin=${1:-bin/scs-migrate}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH   # Debian's python3 with the openstack CLI
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" sim serve --tenant examples/tenant.yaml --write-clouds "$work/clouds.yaml" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q '^ready$' "$work/serve.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err"; echo "sim serve died"; exit 1; }
  sleep 0.1
done
grep -q '^ready$' "$work/serve.out" || { cat "$work/serve.err"; echo "sim serve never got ready"; exit 1; }

export OS_CLIENT_CONFIG_FILE="$work/clouds.yaml" OS_CLOUD=sim-source
unset OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME OS_TOKEN || true
checks=0 failed=0
os() { echo "$*" >>"$work/commands"; openstack "$@"; }
pass() { checks=$((checks+1)); printf 'ok   %s\n' "$1"; }
fail() { checks=$((checks+1)); failed=$((failed+1)); printf 'FAIL %s\n' "$1"; }
expect_eq() { # name got want
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}
expect_has() { # name haystack needle
  if grep -qF -- "$3" <<<"$2"; then pass "$1"; else fail "$1: '$3' not in: $(head -c 300 <<<"$2")"; fi
}
wait_field() { # resource-show-command… field want
  local want=${*: -1} field=${*: -2:1} got=""
  local cmd=("${@:1:$#-2}")
  for _ in $(seq 1 200); do
    got=$(os "${cmd[@]}" -f value -c "$field")
    [ "$got" = "$want" ] && { echo "$got"; return 0; }
    case "$got" in error|ERROR|killed) break;; esac
    sleep 0.1
  done
  echo "$got"
}

# --- Keystone: auth and catalog
expect_eq "token issue is scoped to a project" "$(os token issue -f value -c project_id | grep -cE '^[0-9a-f]{32}$')" "1"
catalog=$(os catalog list -f value -c Type)
for t in compute image network volumev3 block-storage load-balancer placement identity; do
  expect_has "catalog has $t" "$catalog" "$t"
done

# --- Nova: flavors with SCS extra specs
flavors=$(os flavor list -f value -c Name)
expect_eq "31 standard flavors or more" "$(grep -c '^SCS-' <<<"$flavors" | awk '{print ($1>=31)?"yes":"no"}')" "yes"
expect_has "flavor SCS-2V-4-20s has scs:name-v2" "$(os flavor show SCS-2V-4-20s -f json)" '"scs:name-v2": "SCS-2V-4-20s"'
expect_eq "SCS-2V-4-20s has a 20 GB disk" "$(os flavor show SCS-2V-4-20s -f value -c disk)" "20"

# --- Glance: standard images, upload, save, properties
expect_has "public standard image Ubuntu 24.04" "$(os image list --public -f value -c Name)" "Ubuntu 24.04"
expect_has "standard image carries scs-0102 os_distro" "$(os image show 'Ubuntu 24.04' -f json)" '"os_distro": "ubuntu"'
head -c 3145728 /dev/urandom >"$work/blob"
img=$(os image create --file "$work/blob" --disk-format raw --container-format bare --private cli-image -f value -c id)
expect_eq "uploaded image is active" "$(wait_field image show "$img" status active)" "active"
expect_eq "image checksum is the md5 of the bytes" "$(os image show "$img" -f value -c checksum)" "$(md5sum <"$work/blob" | cut -d' ' -f1)"
expect_eq "image size" "$(os image show "$img" -f value -c size)" "3145728"
os image save --file "$work/saved" "$img"
if cmp -s "$work/blob" "$work/saved"; then pass "image save returns the uploaded bytes"; else fail "image save returns different bytes"; fi
os image set --property hw_disk_bus=scsi --property os_distro=ubuntu "$img"
expect_has "image set --property is kept" "$(os image show "$img" -f json)" '"hw_disk_bus": "scsi"'
expect_has "private image listed" "$(os image list --private -f value -c Name)" "cli-image"

# --- Cinder: types, volume from image, upload to image
expect_has "volume types with SCS aspects" "$(os volume type list --long -f value -c Name -c Description)" "[scs:encrypted, replicated]"
os volume create --size 1 --image "$img" cli-vol -f value -c id >/dev/null
expect_eq "volume from image is available" "$(wait_field volume show cli-vol status available)" "available"
expect_eq "volume from image is bootable" "$(os volume show cli-vol -f value -c bootable)" "true"
expect_has "volume carries volume_image_metadata" "$(os volume show cli-vol -f json)" '"hw_disk_bus": "scsi"'
os volume create --size 1 cli-data -f value -c id >/dev/null
expect_eq "empty volume is available" "$(wait_field volume show cli-data status available)" "available"
up=$(os image create --volume cli-vol --disk-format raw cli-vol-image -f value -c image_id)
expect_eq "volume upload-to-image becomes active" "$(wait_field image show "$up" status active)" "active"
os image save --file "$work/volimg" "$up"
if cmp -s -n 3145728 "$work/blob" "$work/volimg"; then pass "uploaded volume image starts with the image bytes"; else fail "volume image content differs"; fi
expect_eq "volume image is 1 GiB" "$(stat -c %s "$work/volimg")" "1073741824"
expect_eq "volume back to available after upload" "$(wait_field volume show cli-vol status available)" "available"

# --- Neutron: network, subnet, router, security groups, ports, floating IPs
os network create cli-net -f value -c id >/dev/null
os subnet create --network cli-net --subnet-range 10.99.0.0/24 --dns-nameserver 9.9.9.9 cli-subnet -f value -c id >/dev/null
expect_eq "subnet gateway defaults to .1" "$(os subnet show cli-subnet -f value -c gateway_ip)" "10.99.0.1"
os router create cli-router -f value -c id >/dev/null
os router set --external-gateway public cli-router
os router add subnet cli-router cli-subnet
expect_has "router has the subnet interface" "$(os router show cli-router -f json)" "10.99.0.1"
expect_has "router gateway on the external network" "$(os router show cli-router -f json)" "external_gateway_info"
os security group create cli-sg -f value -c id >/dev/null
os security group rule create --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 cli-sg -f value -c id >/dev/null
expect_has "rule listed" "$(os security group rule list cli-sg -f value -c 'Port Range')" "22:22"
if os security group rule create --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 cli-sg >/dev/null 2>"$work/err"; then
  fail "duplicate rule accepted"
else expect_has "duplicate rule refused as Neutron does" "$(cat "$work/err")" "already exists"; fi
expect_has "default security group exists" "$(os security group list -f value -c Name)" "default"
os port create --network cli-net --fixed-ip subnet=cli-subnet,ip-address=10.99.0.50 cli-port -f value -c id >/dev/null
expect_has "port keeps the requested fixed IP" "$(os port show cli-port -f value -c fixed_ips)" "10.99.0.50"
fip=$(os floating ip create public -f value -c floating_ip_address)
os floating ip set --port cli-port "$fip"
expect_eq "floating IP associated with the port" "$(os floating ip show "$fip" -f value -c port_id)" "$(os port show cli-port -f value -c id)"

# --- Nova: keypair, servers, attach, stop, snapshot, delete
python3 - "$work/key.pub" <<'PY'
import base64, os, struct, sys
k = os.urandom(32)
blob = struct.pack('>I', 11) + b'ssh-ed25519' + struct.pack('>I', 32) + k
open(sys.argv[1], 'w').write('ssh-ed25519 ' + base64.b64encode(blob).decode() + ' ci@example\n')
PY
os keypair create --public-key "$work/key.pub" cli-key -f value -c name >/dev/null
want_fp=$(python3 -c "import base64,hashlib,sys; b=base64.b64decode(open(sys.argv[1]).read().split()[1]); h=hashlib.md5(b).hexdigest(); print(':'.join(h[i:i+2] for i in range(0,32,2)))" "$work/key.pub")
expect_eq "keypair fingerprint is the md5 of the key" "$(os keypair show cli-key -f value -c fingerprint)" "$want_fp"
os server create --flavor SCS-2V-4-20s --image "Ubuntu 24.04" --network cli-net --key-name cli-key --security-group cli-sg --wait cli-vm -f value -c id >/dev/null
expect_eq "server ACTIVE" "$(os server show cli-vm -f value -c status)" "ACTIVE"
expect_has "server addresses on cli-net" "$(os server show cli-vm -f value -c addresses)" "cli-net"
if os server create --flavor SCS-2V-4 --image "Ubuntu 24.04" --network cli-net cli-nodisk >/dev/null 2>"$work/err"; then
  fail "image boot on a zero-disk flavor accepted"
else expect_has "zero-disk flavor needs a volume" "$(cat "$work/err")" "volume-backed"; fi
os server add volume cli-vm cli-data
expect_eq "attached volume in-use" "$(wait_field volume show cli-data status in-use)" "in-use"
os server stop cli-vm
expect_eq "server stops" "$(wait_field server show cli-vm status SHUTOFF)" "SHUTOFF"
snap=$(os server image create --name cli-snap --wait cli-vm -f value -c id | tail -n1)
expect_eq "server snapshot active" "$(os image show "$snap" -f value -c status)" "active"
os server remove volume cli-vm cli-data
expect_eq "detached volume available" "$(wait_field volume show cli-data status available)" "available"
os server delete --wait cli-vm
if os server show cli-vm >/dev/null 2>&1; then fail "deleted server still shown"; else pass "deleted server is gone"; fi

# --- The seeded tenant
expect_eq "seeded tenant has 5 servers" "$(os server list -f value -c Name | sort | tr '\n' ' ')" "bastion db-1 reporting web-1 web-2 "
expect_has "seeded load balancer" "$(os loadbalancer list -f value -c name 2>&1)" "shop-lb"

# --- Quotas and limits
expect_has "quota show has instances" "$(os quota show -f value -c instances 2>&1)" "20"
expect_has "absolute limits" "$(os limits show --absolute -f value)" "maxTotalInstances"

# --- Clean up what the script made
os port delete cli-port
os floating ip delete "$fip"
os router remove subnet cli-router cli-subnet
os router delete cli-router
os subnet delete cli-subnet
os network delete cli-net
os security group delete cli-sg
os keypair delete cli-key
os volume delete cli-vol cli-data
os image delete "$img" "$up" "$snap" || fail "image delete"
expect_eq "nothing of the script is left" "$(os image list --private -f value -c Name | grep -c '^cli-' || true)" "0"

# --- scs-migrate moves the seeded tenant; the openstack CLI sees it on the target
set +e
"$bin" plan --source sim-source --target sim-target --output "$work/plan.json" --detailed-exitcode >"$work/plan.out" 2>&1
plan_rc=$?
"$bin" migrate --plan "$work/plan.json" >"$work/migrate.out" 2>&1
migrate_rc=$?
"$bin" verify --plan "$work/plan.json" >"$work/verify.out" 2>&1
verify_rc=$?
set -e
expect_eq "plan: portable with changes (exit 3)" "$plan_rc" "3"
expect_eq "migrate succeeds" "$migrate_rc" "0"
expect_eq "verify passes" "$verify_rc" "0"
export OS_CLOUD=sim-target
expect_eq "target has the 5 servers" "$(os server list -f value -c Name | sort | tr '\n' ' ')" "bastion db-1 reporting web-1 web-2 "
expect_eq "target servers are ACTIVE or as stopped as before" "$(os server list -f value -c Status | sort | uniq -c | awk '{print $2"="$1}' | tr '\n' ' ')" "ACTIVE=4 SHUTOFF=1 "
expect_eq "web-1 kept its fixed IP" "$(os port list --server web-1 -f value -c 'Fixed IP Addresses' | grep -o "10.10.1.11" | head -1)" "10.10.1.11"
expect_has "db-1 boots from a volume of the mapped type" "$(os volume list --long -f value -c Type -c 'Attached to')" "standard"
expect_has "db-data became a LUKS volume (encrypted aspect kept)" "$(os volume show db-data -f value -c type)" "LUKS"
expect_eq "the private image arrived with the same checksum" \
  "$(os image show webshop-app-2026.11 -f value -c checksum)" "$(OS_CLOUD=sim-source os image show webshop-app-2026.11 -f value -c checksum)"
expect_has "security groups rebuilt" "$(os security group list -f value -c Name | sort | tr '\n' ' ')" "bastion db default web"
expect_has "router rebuilt on the target's external network" "$(os router show edge -f json)" "external_gateway_info"
expect_eq "one floating IP, from the target's pool" "$(os floating ip list -f value -c 'Floating IP Address' | grep -c '^198\.51\.100\.')" "1"
expect_has "load balancer rebuilt" "$(os loadbalancer list -f value -c name)" "shop-lb"
expect_eq "flavor of reporting mapped by spec" "$(os server show reporting -f value -c flavor | grep -o 'SCS-4V-12' | head -1)" "SCS-4V-12"
export OS_CLOUD=sim-source

echo
echo "openstack CLI fidelity: $(wc -l <"$work/commands") openstack commands, $checks checks"
echo "$((checks-failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
