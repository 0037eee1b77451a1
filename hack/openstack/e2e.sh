#!/usr/bin/env bash
# e2e.sh — the end-to-end migration against the real OpenStack fixture
# (hack/openstack/setup.sh up + seed must have run).
#
# Builds a small tenant in cloud `source` with the openstack CLI, then
# inventory → audit → plan → migrate → verify to cloud `target` with the
# scs-migrate binary; asserts the rebuilt tenant, the private image's
# checksum on both sides, and that a second `migrate` creates nothing;
# prints timings and bytes moved; finally `rollback` and deletes the
# source tenant. Idempotent: leftovers of an earlier run (everything named
# $PREFIX*, and an earlier plan's target resources) are removed first.
#
# Environment: SCS_OS_STATE (default /var/tmp/scs-openstack; clouds.yaml is
# read from there), SCS_E2E_PREFIX (default e2e-), SCS_E2E_KEEP=1 leaves
# the migrated tenant in place (no rollback, no source cleanup).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
S=${SCS_OS_STATE:-/var/tmp/scs-openstack}
P=${SCS_E2E_PREFIX:-e2e-}
W=$S/e2e
GO_PATH_EXTRA=/usr/local/go/bin:$PATH
# Debian's /usr/bin/python3 has the OpenStack client; a pyenv shim may come first.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8
unset OS_CLOUD OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME PYTHONHOME VIRTUAL_ENV
export OS_CLIENT_CONFIG_FILE=$S/clouds.yaml
BIN=$REPO/bin/scs-migrate

start=$(date +%s)
declare -A took
order=()
log() { printf '[e2e %s +%ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - start ))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
timed() { # timed NAME CMD...
  local name=$1 t0 rc=0; shift
  t0=$(date +%s)
  "$@" || rc=$?
  took[$name]=$(( $(date +%s) - t0 )); order+=("$name")
  return "$rc"
}
src() { openstack --os-cloud source "$@"; }
dst() { openstack --os-cloud target "$@"; }

[ -f "$OS_CLIENT_CONFIG_FILE" ] || die "$OS_CLIENT_CONFIG_FILE missing: run hack/openstack/setup.sh up && setup.sh seed"
command -v openstack >/dev/null || die "the openstack CLI (python3-openstackclient) is not installed"
command -v jq >/dev/null || die "jq is required"
mkdir -p "$W"; chmod 700 "$W"

# wait_status KIND NAME WANT [TIMEOUT]: polls `openstack KIND show NAME` in
# cloud source until status is WANT; fails on error/timeout.
wait_status() {
  local kind=$1 name=$2 want=$3 tmo=${4:-300} t0 st
  t0=$(date +%s)
  while :; do
    st=$(src "$kind" show "$name" -f value -c status 2>/dev/null || echo "?")
    [ "$st" = "$want" ] && return 0
    case $st in error|ERROR|error_*) die "$kind $name went to $st (want $want)";; esac
    [ $(( $(date +%s) - t0 )) -ge "$tmo" ] && die "$kind $name still $st after ${tmo}s (want $want)"
    sleep 2
  done
}

# names CLOUD KIND...: the names of the resources of KIND with our prefix.
names() { local c=$1; shift; openstack --os-cloud "$c" "$@" -f value -c Name | grep "^$P" || true; }

# cleanup CLOUD: deletes everything named $P* in CLOUD (and our floating IPs).
cleanup() {
  local c=$1 n r sv vol img
  sv=$(names "$c" server list)
  if [ -n "$sv" ]; then
    log "$c: delete servers $(echo $sv)"
    # shellcheck disable=SC2086
    openstack --os-cloud "$c" server delete --wait $sv
  fi
  for r in $(openstack --os-cloud "$c" floating ip list --long -f json | jq -r --arg p "$P" '.[] | select((.Description // "") | startswith($p)) | .ID'); do
    openstack --os-cloud "$c" floating ip delete "$r"
  done
  vol=$(openstack --os-cloud "$c" volume list -f json | jq -r --arg p "$P" '.[] | select(.Name | startswith($p)) | .ID')
  if [ -n "$vol" ]; then
    log "$c: delete volumes $(echo $vol)"
    # (--force is an admin action on Cinder: HTTP 403 for a member)
    # shellcheck disable=SC2086
    openstack --os-cloud "$c" volume delete $vol || die "$c: volume delete failed"
    local t0; t0=$(date +%s)
    while [ -n "$(openstack --os-cloud "$c" volume list -f json | jq -r --arg p "$P" '.[] | select(.Name | startswith($p)) | .ID')" ]; do
      [ $(( $(date +%s) - t0 )) -ge 180 ] && die "$c: volumes named $P* still there after 180s"
      sleep 2
    done
  fi
  log "$c: delete routers, networks, security groups, keypairs, images named $P*"
  for r in $(names "$c" router list); do
    for n in $(openstack --os-cloud "$c" subnet list -f value -c Name | grep "^$P" || true); do
      openstack --os-cloud "$c" router remove subnet "$r" "$n" 2>/dev/null || true
    done
    openstack --os-cloud "$c" router delete "$r"
  done
  for n in $(names "$c" network list); do openstack --os-cloud "$c" network delete "$n"; done
  local sgs; sgs=$(names "$c" security group list)
  if [ -n "$sgs" ]; then
    # shellcheck disable=SC2086
    openstack --os-cloud "$c" security group delete $sgs
  fi
  for n in $(openstack --os-cloud "$c" keypair list -f value -c Name | grep "^$P" || true); do
    openstack --os-cloud "$c" keypair delete "$n"
  done
  img=$(openstack --os-cloud "$c" image list --private -f json | jq -r --arg p "$P" '.[] | select(.Name | startswith($p)) | .ID')
  for n in $img; do openstack --os-cloud "$c" image delete "$n"; done
  for n in $(openstack --os-cloud "$c" container list -f value -c Name | grep "^$P" || true); do
    openstack --os-cloud "$c" container delete --recursive "$n"
  done
}

# swift CLOUD METHOD PATH [CURL ARGS...]: a Swift API call as the
# project's user, with the token of `openstack token issue` (curl, for
# the headers the openstack CLI cannot set: Content-Type, SLO manifests).
swift_url() {
  local c=$1 pid
  pid=$(openstack --os-cloud "$c" token issue -f value -c project_id)
  echo "http://127.0.0.1:8080/v1/AUTH_$pid"
}
swift() {
  local c=$1 m=$2 path=$3 tok; shift 3
  tok=$(openstack --os-cloud "$c" token issue -f value -c id)
  curl -sS -f -X "$m" -H "X-Auth-Token: $tok" "$@" "$(swift_url "$c")/$path"
}

# ---------------------------------------------------------------- build
log "build $BIN"
(cd "$REPO" && PATH=$GO_PATH_EXTRA go build -o bin/scs-migrate ./cmd/scs-migrate) || die "go build failed"

prepare() {
  if [ -f "$W/plan.json" ] && [ -f "$W/plan.json.journal" ]; then
    log "rollback of the previous run's plan"
    "$BIN" rollback --plan "$W/plan.json" || die "rollback of the previous plan $W/plan.json failed"
  fi
  rm -f "$W"/plan.json* "$W"/inventory.json "$W"/*.out "$W"/*.err "$W"/*.jsonl
  log "delete leftovers named $P* in source and target"
  cleanup source
  cleanup target
}
timed cleanup-before prepare

# ------------------------------------------------------------ the tenant
# build_buckets: a container with objects of 0 B, 1 KiB (with metadata
# and a content type), 70 MiB in one piece and a 72 MiB static large
# object made of two segments (another container): the copy moves the
# large ones in parts, and must tell the SLO's ETag (not an MD5) from a
# damaged read.
build_buckets() {
  log "create the source buckets"
  swift source PUT "${P}assets" -H "X-Container-Meta-Owner: shop-team" -o /dev/null
  swift source PUT "${P}assets_segments" -o /dev/null
  : > "$W/empty"
  head -c 1024 /dev/urandom > "$W/notes.json"
  head -c $((70 << 20)) /dev/urandom > "$W/big.bin"
  head -c $((36 << 20)) /dev/urandom > "$W/seg1"
  head -c $((36 << 20)) /dev/urandom > "$W/seg2"
  cat "$W/seg1" "$W/seg2" > "$W/movie.bin"
  swift source PUT "${P}assets/empty" -H "Content-Type: text/plain" --data-binary @"$W/empty" -o /dev/null
  swift source PUT "${P}assets/notes.json" -H "Content-Type: application/json" -H "X-Object-Meta-Owner: alice" \
    --data-binary @"$W/notes.json" -o /dev/null
  swift source PUT "${P}assets/big.bin" -H "Content-Type: application/octet-stream" -T "$W/big.bin" -o /dev/null
  swift source PUT "${P}assets_segments/movie/1" -T "$W/seg1" -o /dev/null
  swift source PUT "${P}assets_segments/movie/2" -T "$W/seg2" -o /dev/null
  local e1 e2
  e1=$(md5sum < "$W/seg1" | cut -d' ' -f1); e2=$(md5sum < "$W/seg2" | cut -d' ' -f1)
  printf '[{"path":"/%s/movie/1","etag":"%s","size_bytes":%d},{"path":"/%s/movie/2","etag":"%s","size_bytes":%d}]' \
    "${P}assets_segments" "$e1" $((36 << 20)) "${P}assets_segments" "$e2" $((36 << 20)) > "$W/manifest.json"
  swift source PUT "${P}assets/movie.bin?multipart-manifest=put" -H "Content-Type: video/mp4" \
    --data-binary @"$W/manifest.json" -o /dev/null
}

build_tenant() {
  log "create the source tenant"
  src network create "${P}net" -f value -c id >/dev/null
  src subnet create "${P}subnet" --network "${P}net" --subnet-range 10.77.0.0/24 -f value -c id >/dev/null
  src router create "${P}router" -f value -c id >/dev/null
  src router set --external-gateway public "${P}router"
  src router add subnet "${P}router" "${P}subnet"
  src security group create "${P}web" --description "e2e web" -f value -c id >/dev/null
  src security group create "${P}db" --description "e2e db" -f value -c id >/dev/null
  src security group rule create --ingress --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 "${P}web" -f value -c id >/dev/null
  src security group rule create --ingress --protocol tcp --dst-port 5432 --remote-group "${P}web" "${P}db" -f value -c id >/dev/null
  rm -f "$W/key" "$W/key.pub"
  ssh-keygen -q -t ed25519 -N '' -C "${P}key" -f "$W/key"
  src keypair create --public-key "$W/key.pub" "${P}key" -f value -c fingerprint >/dev/null
  head -c $((4 << 20)) /dev/urandom > "$W/image.raw"
  src image create "${P}image" --private --disk-format raw --container-format bare \
    --file "$W/image.raw" -f value -c id >/dev/null
  wait_status image "${P}image" active
  src volume create "${P}bootvol" --image "Ubuntu 24.04" --size 2 -f value -c id >/dev/null
  src volume create "${P}data" --size 1 -f value -c id >/dev/null
  src server create "${P}vm1" --image "Ubuntu 24.04" --flavor SCS-2V-4-20s --network "${P}net" \
    --security-group "${P}web" --key-name "${P}key" --wait -f value -c id >/dev/null
  wait_status volume "${P}bootvol" available
  wait_status volume "${P}data" available
  src server create "${P}vm2" --volume "${P}bootvol" --flavor SCS-2V-4 --network "${P}net" \
    --security-group "${P}db" --key-name "${P}key" --wait -f value -c id >/dev/null
  src server add volume "${P}vm1" "${P}data" >/dev/null
  wait_status volume "${P}data" in-use
  build_buckets
  FIP=$(src floating ip create public --description "${P}fip" -f value -c floating_ip_address)
  src server add floating ip "${P}vm1" "$FIP"
  [ "$(src server show "${P}vm1" -f value -c status)" = ACTIVE ] || die "${P}vm1 not ACTIVE"
  [ "$(src server show "${P}vm2" -f value -c status)" = ACTIVE ] || die "${P}vm2 not ACTIVE"
  log "source tenant ready (floating IP $FIP on ${P}vm1)"
}
timed tenant build_tenant

# ------------------------------------------------------------ migration
# counts CLOUD: "servers volumes images networks" named $P* in CLOUD.
counts() {
  local c=$1
  echo "$(names "$c" server list | wc -l) $(names "$c" volume list | wc -l)" \
       "$(openstack --os-cloud "$c" image list --private -f value -c Name | grep -c "^$P" || true)" \
       "$(names "$c" network list | wc -l)"
}
# all_counts CLOUD: every server/volume/image/network of the project (any name).
all_counts() {
  local c=$1
  echo "$(openstack --os-cloud "$c" server list -f value -c ID | wc -l)" \
       "$(openstack --os-cloud "$c" volume list -f value -c ID | wc -l)" \
       "$(openstack --os-cloud "$c" image list --private -f value -c ID | wc -l)" \
       "$(openstack --os-cloud "$c" network list -f value -c ID | wc -l)"
}

run() { # run NAME ALLOWED_RCS CMD...: runs CMD, output in $W/NAME.out
  local name=$1 ok=$2 rc=0; shift 2
  log "scs-migrate ${*:2}"
  timed "$name" "$@" > "$W/$name.out" 2> "$W/$name.err" || rc=$?
  if ! [[ " $ok " == *" $rc "* ]]; then
    tail -n 40 "$W/$name.err" >&2; tail -n 40 "$W/$name.out" >&2
    die "$name exited $rc (allowed: $ok); output in $W/$name.out, $W/$name.err"
  fi
  return 0
}

run inventory 0 "$BIN" inventory --source source -o json --output "$W/inventory.json"
jq -e '.' "$W/inventory.json" >/dev/null || die "inventory.json is not JSON"
run audit "0 3" "$BIN" audit --source source --target target
run plan "0 3" "$BIN" plan --inventory "$W/inventory.json" --target target --output "$W/plan.json"
log "plan: $(jq '.steps | length' "$W/plan.json") steps"
before_all=$(all_counts target)
ec2() { echo "$(openstack --os-cloud source ec2 credentials list -f value -c Access | wc -l) $(openstack --os-cloud target ec2 credentials list -f value -c Access | wc -l)"; }
ec2_before=$(ec2)
run migrate 0 "$BIN" migrate --plan "$W/plan.json" -o json --events "$W/events.jsonl" --debug=2 --timings
jq -e '.counts.failed // 0 | . == 0' "$W/migrate.out" >/dev/null || die "migrate reports failed steps"
bytes=$(jq -r '.bytes' "$W/migrate.out")
run verify 0 "$BIN" verify --plan "$W/plan.json"

# The whole migration ran with --debug=2 (every call and JSON body):
# no password of clouds.yaml may be in anything it wrote.
grep -c '^debug: ' "$W/migrate.err" >/dev/null || die "migrate --debug=2 printed no call"
leaks=0
while read -r pw; do
  [ -n "$pw" ] && grep -rqF -- "$pw" "$W"/*.out "$W"/*.err "$W"/*.jsonl "$W"/plan.json* "$W"/inventory.json && leaks=$((leaks + 1))
done < <(sed -n 's/^ *password: *//p' "$OS_CLIENT_CONFIG_FILE" | tr -d "'\"")
[ "$leaks" = 0 ] || die "$leaks passwords of clouds.yaml appear in what scs-migrate wrote"
log "secrets: no password of clouds.yaml in $(grep -c '^debug: ' "$W/migrate.err") debug lines or any file written"

# ------------------------------------------------------------ assertions
log "check the target tenant"
# 2 servers, 2 volumes, 2 images (the private one and the root disk of
# ${P}vm1, which the plan carries over as an image), 1 network.
want="2 2 2 1"
got=$(counts target)
[ "$got" = "$want" ] || die "target holds servers/volumes/images/networks named $P* = $got, want $want"
for s in "${P}vm1" "${P}vm2"; do
  st=$(dst server show "$s" -f value -c status) || die "target server $s missing"
  [ "$st" = ACTIVE ] || die "target server $s is $st, want ACTIVE"
done
for v in "${P}bootvol" "${P}data"; do
  st=$(dst volume show "$v" -f value -c status) || die "target volume $v missing"
  [ "$st" = in-use ] || die "target volume $v is $st, want in-use"
done
cs_src=$(src image show "${P}image" -f value -c checksum)
cs_dst=$(dst image show "${P}image" -f value -c checksum) || die "target image ${P}image missing"
[ -n "$cs_src" ] && [ "$cs_src" = "$cs_dst" ] || die "image checksum: source $cs_src, target $cs_dst"
log "image ${P}image checksum $cs_dst on both sides"
dst image show "${P}vm1 (root disk, migrated)" -f value -c status >/dev/null ||
  die "target image '${P}vm1 (root disk, migrated)' missing"
[ "$(dst server show "${P}vm1" -f value -c flavor | cut -d' ' -f1)" = SCS-2V-4-20s ] || die "target ${P}vm1 has the wrong flavor"
[ -n "$(dst floating ip list -f value -c 'Floating IP Address' -c Port | awk '$2!="None"')" ] ||
  die "no floating IP attached on the target"

log "check the target buckets"
for o in empty notes.json big.bin movie.bin; do
  swift target GET "${P}assets/$o" -o "$W/got-$o" || die "target object ${P}assets/$o missing"
  cmp -s "$W/got-$o" "$W/$o" || die "target object ${P}assets/$o differs from the source's bytes"
done
h=$(swift target HEAD "${P}assets/notes.json" -I)
grep -qi '^content-type: application/json' <<<"$h" || die "notes.json lost its content type: $h"
grep -qi '^x-object-meta-owner: alice' <<<"$h" || die "notes.json lost its metadata: $h"
grep -qi '^x-container-meta-owner: shop-team' <<<"$(swift target HEAD "${P}assets" -I)" || die "${P}assets lost its container metadata"
# The SLO arrived whole; its segment container is not copied a second time.
! swift target HEAD "${P}assets_segments" -o /dev/null 2>/dev/null || die "the segment container was copied: the segments are on the target twice"
log "buckets: 0 B, 1 KiB, 70 MiB and a 72 MiB SLO arrived byte for byte, with content type and metadata"

# ------------------------------------------------------------ re-run
log "re-run migrate: must create nothing"
before=$(all_counts target)
run rerun 0 "$BIN" migrate --plan "$W/plan.json" -o json --events "$W/rerun-events.jsonl"
after=$(all_counts target)
[ "$before" = "$after" ] || die "re-run changed the target: servers/volumes/images/networks $before → $after"
# The report's bytes are the journal's total (the first run's), so the
# proof that nothing ran is the event log: no step may have started.
# Bucket copies run on every migrate (each is an incremental sync) and
# must copy nothing now.
ran=$(jq -r 'select(.to == "running") | .step | select(startswith("copy-bucket/") | not)' "$W/rerun-events.jsonl" 2>/dev/null | paste -sd, -)
[ -z "$ran" ] || die "re-run started steps again: $ran"
synced=$(jq -r '[.steps[] | select(.kind == "copy-bucket") | (.values.copied // "?")] | join(",")' "$W/rerun.out")
[ -z "$(tr -d '0,' <<<"$synced")" ] || die "re-run's bucket syncs copied objects again: $synced"
log "re-run: no step but the bucket syncs ran (objects copied: $synced); API calls source $(jq -r '.sourceCalls' "$W/rerun.out"), target $(jq -r '.targetCalls' "$W/rerun.out")"
run status 0 "$BIN" status --plan "$W/plan.json" -o json
notok=$(jq -r '[.steps[] | select(.state != "succeeded" and .state != "skipped")] | map(.id + "=" + .state) | join(", ")' "$W/status.out")
[ -z "$notok" ] || die "status: steps not succeeded: $notok"
log "status: $(jq -c '.counts' "$W/status.out")"

# ------------------------------------------------------------ teardown
if [ "${SCS_E2E_KEEP:-0}" = 1 ]; then
  log "SCS_E2E_KEEP=1: the migrated tenant stays (plan $W/plan.json)"
else
  run rollback 0 "$BIN" rollback --plan "$W/plan.json"
  got=$(counts target)
  [ "$got" = "0 0 0 0" ] || die "after rollback the target still holds $got servers/volumes/images/networks named $P*"
  after_rb=$(all_counts target)
  [ "$after_rb" = "$before_all" ] || die "after rollback the target holds $after_rb (servers/volumes/images/networks), before migrate $before_all"
  [ -z "$(dst container list -f value -c Name | grep "^$P" || true)" ] || die "after rollback the target still holds buckets named $P*"
  [ "$(ec2)" = "$ec2_before" ] || die "EC2 credentials (source target) $ec2_before before, $(ec2) after: the runs did not delete theirs"
  rm -f "$W"/plan.json*
  log "delete the source tenant"
  timed cleanup-after cleanup source
fi

echo
for k in "${order[@]}"; do echo "e2e timing: $k ${took[$k]}s"; done
echo "e2e bytes moved: $bytes ($(jq -r '[.steps[] | select(.state=="succeeded")] | length' "$W/migrate.out") steps succeeded, API calls source $(jq -r '.sourceCalls' "$W/migrate.out"), target $(jq -r '.targetCalls' "$W/migrate.out"))"
echo "e2e buckets: $(jq -r '[.steps[] | select(.kind=="copy-bucket") | "\(.name) \(.values.objects) objects \(.values.bytes) B in \((.duration // 0) / 1e9 | floor)s"] | join("; ")' "$W/migrate.out")"
echo "e2e: passed in $(( $(date +%s) - start ))s"
