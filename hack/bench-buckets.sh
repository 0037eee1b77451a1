#!/usr/bin/env bash
# Benchmarks `scs-migrate transfer bucket` against `rclone copy` (rclone's
# defaults) between the two simulated clouds of `scs-migrate sim serve`,
# with loopback shaped per port so that the link, not the CPU, is the
# intended limit (see /work/shared/reference/shaped-links.md): the source
# cloud's egress and the target cloud's ingress each at RATE.
#
#   sudo hack/bench-buckets.sh          (or as root; tc needs it)
#
# Settings (environment):
#   RATES="400mbit 1gbit"   one full round per rate (tc units: mbit = 10^6 bit/s)
#   REPS=2                  repetitions of every measurement
#   SMALL_COUNT=10000 SMALL_SIZE=4096     bucket "small"
#   LARGE_COUNT=4 LARGE_SIZE=1073741824   bucket "large" (random data)
#   DATASETS="small large"
#   SP=18401 TP=18402       ports of the source and target cloud
#   SCS_FLAGS=""            extra flags for `transfer bucket` (e.g. "--transfers 64")
#   SCS_BIN=""              measure this scs-migrate binary instead of building the checkout
#   SCS_ENV=""              extra environment for transfer bucket (e.g. "GOMEMLIMIT=96MiB")
#   SEED_FLAGS=""           extra flags for rclone's seeding copy: "--s3-upload-cutoff 5G"
#                           stores the large objects in one PUT each (ETag = their MD5)
#                           instead of in parts (ETag "…-N", MD5 in X-Amz-Meta-Md5chksum)
#   OUT=/tmp/bench-buckets-<time>.tsv   raw figures, one line per run
#
# Every copy is verified before its figures count: `transfer bucket
# --verify-only` for scs-migrate's (and `rclone check` as a second,
# independent opinion), `rclone check` for rclone's. Seeding stages the
# datasets on local disk; the copies under test never touch the disk.
# Nothing with a secret outlives the script: the clouds.yaml, the
# credentials (env only, no rclone config) and the simulator's data live in
# a 0700 temp dir that the exit trap removes, with the qdisc.
set -euo pipefail

RATES=${RATES:-400mbit}
REPS=${REPS:-2}
SMALL_COUNT=${SMALL_COUNT:-10000}
SMALL_SIZE=${SMALL_SIZE:-4096}
LARGE_COUNT=${LARGE_COUNT:-4}
LARGE_SIZE=${LARGE_SIZE:-1073741824}
DATASETS=${DATASETS:-small large}
SP=${SP:-18401}
TP=${TP:-18402}
SCS_FLAGS=${SCS_FLAGS:-}
SCS_BIN=${SCS_BIN:-}
SCS_ENV=${SCS_ENV:-}
SEED_FLAGS=${SEED_FLAGS:-}
OUT=${OUT:-/tmp/bench-buckets-$(date +%Y%m%d-%H%M%S).tsv}
repo=$(cd "$(dirname "$0")/.." && pwd)

[ "$(id -u)" = 0 ] || { echo "run as root (tc on lo needs it): sudo $0" >&2; exit 2; }
for t in tc openstack /usr/bin/time bc; do
  command -v "$t" >/dev/null || { echo "$t is missing" >&2; exit 2; }
done
if ! tc qdisc show dev lo | grep -q '^qdisc noqueue 0: root'; then
  echo "lo already has a root qdisc (someone else is shaping it): $(tc qdisc show dev lo | head -1)" >&2
  exit 2
fi

work=$(mktemp -d /tmp/bench-buckets.XXXXXX)
chmod 0700 "$work"
sim_pid=""
shaped=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$shaped" ]; then tc qdisc del dev lo root 2>/dev/null || true; fi
  if [ -n "$sim_pid" ]; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# --- rclone ---------------------------------------------------------------
if ! command -v rclone >/dev/null; then
  log "installing rclone from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rclone >/dev/null
fi
rclone_version=$(rclone version | sed -n 1p)

# --- build and start the simulated clouds ---------------------------------
if [ -n "$SCS_BIN" ]; then
  cp "$SCS_BIN" "$work/scs-migrate"
  bin_desc="$SCS_BIN"
else
  log "building scs-migrate"
  (cd "$repo" && /usr/local/go/bin/go build -o "$work/scs-migrate" ./cmd/scs-migrate)
  bin_desc="$(cd "$repo" && git rev-parse --short HEAD)"
fi
bin=$work/scs-migrate
"$bin" sim serve --write-clouds "$work/clouds.yaml" --data-dir "$work/data" \
  --source-listen "127.0.0.1:$SP" --target-listen "127.0.0.1:$TP" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 600); do
  grep -qx ready "$work/sim.out" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.1
done
grep -qx ready "$work/sim.out" || { echo "sim serve did not start:" >&2; cat "$work/sim.err" >&2; exit 1; }
export OS_CLIENT_CONFIG_FILE=$work/clouds.yaml

# --- credentials: EC2 credentials of each cloud, for both tools ------------
mint() { openstack --os-cloud "$1" ec2 credentials create -f value -c access -c secret; }
{ read -r src_access; read -r src_secret; } < <(mint sim-source)
{ read -r dst_access; read -r dst_secret; } < <(mint sim-target)
export SCS_MIGRATE_SOURCE_S3_ACCESS_KEY=$src_access SCS_MIGRATE_SOURCE_S3_SECRET_KEY=$src_secret
export SCS_MIGRATE_TARGET_S3_ACCESS_KEY=$dst_access SCS_MIGRATE_TARGET_S3_SECRET_KEY=$dst_secret
# rclone remotes from the environment only; RCLONE_CONFIG points at a file
# that never exists. AWS_CA_BUNDLE (set on some machines for HTTPS proxies)
# makes rclone 1.60 fail with "LoadCustomCABundleError ... unsupported
# transport, *fshttp.Transport"; the endpoints are plain HTTP.
unset AWS_CA_BUNDLE
export RCLONE_CONFIG=$work/rclone.conf.absent
# The SigV4 region must be the cloud's (Swift's s3api, and the simulator
# since it answers as s3api, refuse another one: "the region 'us-east-1'
# is wrong; expecting 'RegionOne'"); scs-migrate takes it from the
# clouds.yaml, so rclone gets the same.
region_of() {
  awk -v c="$1:" '/^  [^ ]/ { here = ($1 == c) } here && $1 == "region_name:" { print $2; exit }' "$work/clouds.yaml"
}
for side in SRC DST; do
  if [ $side = SRC ]; then port=$SP a=$src_access s=$src_secret r=$(region_of sim-source); else
    port=$TP a=$dst_access s=$dst_secret r=$(region_of sim-target); fi
  [ -n "$r" ] || { echo "no region_name for $side in $work/clouds.yaml" >&2; exit 1; }
  export "RCLONE_CONFIG_${side}_TYPE=s3" "RCLONE_CONFIG_${side}_PROVIDER=Other" \
    "RCLONE_CONFIG_${side}_ENDPOINT=http://127.0.0.1:$port" "RCLONE_CONFIG_${side}_ACCESS_KEY_ID=$a" \
    "RCLONE_CONFIG_${side}_SECRET_ACCESS_KEY=$s" "RCLONE_CONFIG_${side}_FORCE_PATH_STYLE=true" \
    "RCLONE_CONFIG_${side}_REGION=$r"
done
unset a s r

# --- seed the source (staged on disk; only seeding does that) -------------
declare -A ds_bytes ds_count
ds_count[small]=$SMALL_COUNT ds_bytes[small]=$((SMALL_COUNT * SMALL_SIZE))
ds_count[large]=$LARGE_COUNT ds_bytes[large]=$((LARGE_COUNT * LARGE_SIZE))
stage=$work/stage
for ds in $DATASETS; do
  log "seeding bucket $ds: ${ds_count[$ds]} objects, ${ds_bytes[$ds]} bytes"
  rm -rf "$stage" && mkdir -p "$stage"
  if [ "$ds" = small ]; then
    head -c "${ds_bytes[small]}" /dev/urandom | (cd "$stage" && split -b "$SMALL_SIZE" -a 6 -d - obj-)
  else
    for i in $(seq 1 "$LARGE_COUNT"); do head -c "$LARGE_SIZE" /dev/urandom >"$stage/blob-$i"; done
  fi
  # shellcheck disable=SC2086
  rclone copy "$stage" "src:$ds" --transfers 32 --checkers 32 -q $SEED_FLAGS
  n=$(rclone size "src:$ds" --json)
  log "  source $ds: $n"
done
rm -rf "$stage"

# --- measurement helpers ---------------------------------------------------
rate_bps() { # tc rate → bit/s (tc's k/m/g are powers of 10)
  local r=$1
  case $r in
    *gbit) echo "${r%gbit} * 1000000000" | bc ;;
    *mbit) echo "${r%mbit} * 1000000" | bc ;;
    *kbit) echo "${r%kbit} * 1000" | bc ;;
    *) echo "unknown rate unit in $r" >&2; exit 2 ;;
  esac
}
shape() {
  tc qdisc add dev lo root handle 1: htb default 99
  shaped=1
  tc class add dev lo parent 1: classid 1:99 htb rate 100gbit 2>/dev/null
  tc class add dev lo parent 1: classid 1:10 htb rate "$1" ceil "$1" 2>/dev/null
  tc class add dev lo parent 1: classid 1:20 htb rate "$1" ceil "$1" 2>/dev/null
  tc filter add dev lo parent 1: protocol ip u32 match ip sport "$SP" 0xffff flowid 1:10
  tc filter add dev lo parent 1: protocol ip u32 match ip dport "$TP" 0xffff flowid 1:20
}
unshape() { tc qdisc del dev lo root; shaped=""; }
class_bytes() { # bytes class 1:$1 has sent so far
  tc -s class show dev lo classid "1:$1" | awk '/Sent/ && !n++ {print $2}'
}
sim_cpu() { # the simulator's user+system CPU time so far, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$sim_pid/stat"
}
now() { date +%s.%N; }
tcp_opens() { # TCP connections opened by this machine so far (all of it: an estimate)
  awk '/^Tcp:/ { if (h) { print $6; exit } h = 1 }' /proc/net/snmp
}

printf 'dataset\trate\tkind\ttool\trep\tseconds\tbytes\tlink_s\trss_kib\ttool_cpu_s\tsim_cpu_s\tsrc_class_bytes\tdst_class_bytes\tcheck\ttcp_opens\n' >"$OUT"

# measure LABEL... -- CMD: runs CMD under /usr/bin/time -v, sets m_* globals.
measure() {
  local log=$work/run.log tv=$work/time.txt s0 s1 d0 d1 c0 c1 t0 t1 o0 o1
  o0=$(tcp_opens) s0=$(class_bytes 10) d0=$(class_bytes 20) c0=$(sim_cpu) t0=$(now)
  if ! /usr/bin/time -v -o "$tv" "$@" >"$log" 2>&1; then
    echo "FAILED: $*" >&2; tail -20 "$log" >&2; exit 1
  fi
  t1=$(now) c1=$(sim_cpu) s1=$(class_bytes 10) d1=$(class_bytes 20) o1=$(tcp_opens)
  m_opens=$((o1 - o0))
  m_secs=$(echo "$t1 - $t0" | bc -l)
  m_rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
  m_cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$tv")
  m_sim=$(echo "$c1 - $c0" | bc -l)
  m_src=$((s1 - s0)) m_dst=$((d1 - d0))
}

verify_scs() { # bucket target
  "$bin" transfer bucket --source sim-source --target sim-target --verify-only "$1=$2" >"$work/verify.log" 2>&1 ||
    { echo "VERIFY FAILED for $2:" >&2; cat "$work/verify.log" >&2; exit 1; }
  grep -q verified "$work/verify.log" || { cat "$work/verify.log" >&2; exit 1; }
}
verify_rclone() { # bucket target: every object, same size and hash
  rclone check "src:$1" "dst:$2" --one-way >"$work/check.log" 2>&1 ||
    { echo "RCLONE CHECK FAILED for $2:" >&2; tail -20 "$work/check.log" >&2; exit 1; }
  local matching unchecked
  matching=$(sed -n 's/.*: \([0-9]*\) matching files.*/\1/p' "$work/check.log" | tail -1)
  unchecked=$(sed -n 's/.*: \([0-9]*\) hashes could not be checked.*/\1/p' "$work/check.log" | tail -1)
  echo "rclone-check:${matching:-?}match,${unchecked:-0}unhashed"
}

record() { # dataset rate kind tool rep check
  local link
  link=$(echo "${ds_bytes[$1]} * 8 / $(rate_bps "$2")" | bc -l)
  [ "$3" = copy ] || link=0
  printf '%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%.3f\t%s\t%.2f\t%.2f\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$m_secs" \
    "${ds_bytes[$1]}" "$link" "$m_rss" "$m_cpu" "$m_sim" "$m_src" "$m_dst" "$6" "$m_opens" | tee -a "$OUT" >&2
}

# --- the runs --------------------------------------------------------------
log "load before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
for rate in $RATES; do
  shape "$rate"
  for ds in $DATASETS; do
    for rep in $(seq 1 "$REPS"); do
      tag=$(echo "$rate" | tr -dc 'a-z0-9')
      ours=$ds-scs-$tag-$rep theirs=$ds-rclone-$tag-$rep
      log "$ds @ $rate rep $rep: scs-migrate transfer bucket $SCS_FLAGS"
      # shellcheck disable=SC2086
      measure env $SCS_ENV "$bin" transfer bucket --source sim-source --target sim-target $SCS_FLAGS "$ds=$ours"
      verify_scs "$ds" "$ours"
      m_check="verify-only:ok,$(verify_rclone "$ds" "$ours")"
      record "$ds" "$rate" copy scs-migrate "$rep" "$m_check"
      # shellcheck disable=SC2086
      measure env $SCS_ENV "$bin" transfer bucket --source sim-source --target sim-target $SCS_FLAGS "$ds=$ours"
      grep -q "up to date" "$work/run.log" || { echo "re-run copied something:" >&2; cat "$work/run.log" >&2; exit 1; }
      record "$ds" "$rate" rerun scs-migrate "$rep" "up-to-date"

      log "$ds @ $rate rep $rep: rclone copy"
      measure rclone copy "src:$ds" "dst:$theirs"
      m_check=$(verify_rclone "$ds" "$theirs")
      record "$ds" "$rate" copy rclone "$rep" "$m_check"
      measure rclone copy "src:$ds" "dst:$theirs" -v
      if grep -q "There was nothing to transfer" "$work/run.log"; then m_check=nothing-to-transfer; else
        m_check=$(grep -c ': Copied' "$work/run.log" || true)-copied; fi
      record "$ds" "$rate" rerun rclone "$rep" "$m_check"

      # Free the simulator's disk for the next round (unshaped ports aside,
      # this is a delete on the target only).
      rclone purge "dst:$ours" -q
      rclone purge "dst:$theirs" -q
    done
  done
  unshape
done

# --- the table -------------------------------------------------------------
echo
echo "scs-migrate $bin_desc vs $rclone_version; $(nproc) cores; SCS_FLAGS='$SCS_FLAGS' SCS_ENV='$SCS_ENV'"
echo "raw figures: $OUT"
awk -F'\t' '
  NR == 1 { next }
  { key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $5; t[key, $4] = $6 }
  { row[NR] = $0 }
  END {
    printf "%-7s %-8s %-6s %-12s %3s %9s %9s %7s %8s %8s %8s %8s %10s %10s %9s\n", "dataset", "rate", "kind", "tool", "rep", "time s", "MB/s", "×link", "×rclone", "RSS MiB", "cpu s", "sim cpu", "src MB", "dst MB", "tcp opens"
    for (i = 2; i <= NR; i++) {
      split(row[i], f, "\t")
      key = f[1] SUBSEP f[2] SUBSEP f[3] SUBSEP f[5]
      mbs = (f[3] == "copy") ? sprintf("%.1f", f[7] / f[6] / 1e6) : "-"
      lnk = (f[3] == "copy") ? sprintf("%.3f", f[8] / f[6]) : "-"
      rc = t[key, "rclone"] / f[6]
      printf "%-7s %-8s %-6s %-12s %3s %9.2f %9s %7s %8.2f %8.1f %8.2f %8.2f %10.1f %10.1f %9s\n", f[1], f[2], f[3], f[4], f[5], f[6], mbs, lnk, rc, f[9] / 1024, f[10], f[11], f[12] / 1e6, f[13] / 1e6, f[15]
      if (f[3] == "copy" && f[4] == "scs-migrate") {
        g = f[1] " @ " f[2]; ours[g] += f[6]; if (f[9] / 1024 > rss[g]) rss[g] = f[9] / 1024
        theirs[g] += t[key, "rclone"]; reps[g] = reps[g] " " sprintf("%.2f", t[key, "rclone"] / f[6])
        # whether rclone check could verify our copies by hash, not only by size
        if (match(f[14], /rclone-check:[0-9]+match,[0-9]+unhashed/)) {
          split(substr(f[14], RSTART + 13, RLENGTH - 13), c, /match,|unhashed/)
          chk[g] += c[1]; unh[g] += c[2]
        }
      }
    }
    print ""
    for (g in ours)
      printf "%s: scs-migrate/rclone throughput %.2f (per rep:%s; goal >= 1.0) %s; peak RSS %.0f MiB %s 128 MiB; rclone check of our copies: %d of %d by hash\n", g, theirs[g] / ours[g], reps[g], (theirs[g] / ours[g] >= 1 ? "MET" : "NOT MET"), rss[g], (rss[g] <= 128 ? "<=" : "> (NOT MET)"), chk[g] - unh[g], chk[g]
  }' "$OUT"
