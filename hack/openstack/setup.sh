#!/usr/bin/env bash
# setup.sh — a real OpenStack on 127.0.0.1 from Debian 12's own packages
# (release Zed: Keystone 22, Glance 25, Cinder 21, Nova 26 with a fake
# virt driver, Neutron 21 API-only, Placement 8, Swift 2.30 with its S3
# API), with MariaDB and RabbitMQ,
# no systemd and no containers: the CI fixture that proves scs-migrate and
# its simulator against real OpenStack. See hack/openstack/README.md.
#
#   setup.sh install   Debian packages, no daemon started (idempotent)
#   setup.sh up        configure, start everything, wait until ready (idempotent)
#   setup.sh seed      tenants source/target + SCS seed + clouds.yaml (idempotent)
#   setup.sh down      stop every process up started; state is kept
#   setup.sh restart NAME...  stop those services, then up (after a change)
#   setup.sh status    what runs
#   setup.sh logs [N]  tails of the service logs (N lines, default 40)
#   setup.sh all       install, up, seed
#
# State (databases, images, volumes, logs, secrets, clouds.yaml) lives in
# $SCS_OS_STATE (default /var/tmp/scs-openstack). Remove it for a fresh cloud.
set -euo pipefail

ORIG_PATH=$PATH
# Debian's /usr/bin/python3 has the OpenStack dist-packages; a pyenv shim may come first in PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive
unset PYTHONHOME PYTHONSTARTUP VIRTUAL_ENV OS_CLOUD OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PYLIB=$HERE/pylib

S=${SCS_OS_STATE:-/var/tmp/scs-openstack}
ETC=$S/etc RUN=$S/run LOGS=$S/logs DONE=$S/done
IP=127.0.0.1
DB_PORT=3306 RABBIT_PORT=5672 RABBIT_DIST_PORT=25672
SWIFT_PROXY_PORT=8080 SWIFT_OBJECT_PORT=6200 SWIFT_CONTAINER_PORT=6201 SWIFT_ACCOUNT_PORT=6202
MEMCACHED_PORT=11211
KEYSTONE_URL=http://$IP:5000/v3

PKGS=(keystone glance-api python3-openstackclient
      mariadb-server python3-pymysql
      cinder-api cinder-scheduler cinder-volume cinder-backup nfs-common qemu-utils sudo dmidecode
      nova-api nova-conductor nova-scheduler nova-common placement-api
      neutron-api neutron-rpc-server rabbitmq-server
      swift swift-proxy swift-account swift-container swift-object memcached
      uwsgi-core uwsgi-plugin-python3 curl)

# The services in start order: name, port ("-" for none).
SERVICES=(mariadb:$DB_PORT rabbitmq:$RABBIT_PORT keystone:5000 glance-api:9292 placement-api:8778
          neutron-server:9696 cinder-api:8776 cinder-scheduler:- cinder-volume:- cinder-backup:-
          nova-api:8774 nova-conductor:- nova-scheduler:- nova-compute:-
          memcached:$MEMCACHED_PORT swift-object:$SWIFT_OBJECT_PORT swift-container:$SWIFT_CONTAINER_PORT
          swift-account:$SWIFT_ACCOUNT_PORT swift-proxy:$SWIFT_PROXY_PORT)

now() { date +%s; }
log() { printf '[openstack %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ----------------------------------------------------------------- install

cmd_install() {
  local t0; t0=$(now)
  local missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "install: all ${#PKGS[@]} packages already installed"
    echo "TIMING install $(( $(now) - t0 ))s (nothing to do)"
    return 0
  fi
  # No daemon may be started by a postinst: policy-rc.d answers 101
  # ("action forbidden"). One that is already there (container images
  # ship one) is kept; ours is removed afterwards.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# scs-migrate hack/openstack: no daemons from postinst\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  # The man-db trigger costs a minute and buys nothing here.
  echo 'man-db man-db/auto-update boolean false' | debconf-set-selections
  log "install: ${#missing[@]} packages: ${missing[*]}"
  local rc=0 ilog=/var/tmp/scs-openstack-install.log
  { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"; } > "$ilog" 2>&1 || rc=$?
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ "$rc" != 0 ]; then
    tail -40 "$ilog" >&2
    die "apt-get failed (full log: $ilog)"
  fi
  echo "TIMING install $(( $(now) - t0 ))s (${#missing[@]} packages)"
}

# --------------------------------------------------------- process control

pidfile() { echo "$RUN/$1.pid"; }

# running NAME: true if the process up started for NAME is alive. The
# pid file holds the pid and its start time, so a recycled pid is no match.
running() {
  local f; f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  local pid st
  read -r pid st < "$f" || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(proc_start "$pid")" = "$st" ]
}

proc_start() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }

# start NAME ENV... -- CMD...: starts CMD in its own session (so down can
# stop the whole process group), output appended to logs/NAME.log.
start() {
  local name=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  if running "$name"; then
    log "$name already running"
    return 0
  fi
  printf '\n===== %s start %s\n' "$(date -Is)" "$name" >> "$LOGS/$name.log"
  env "${envs[@]}" setsid "$@" >> "$LOGS/$name.log" 2>&1 < /dev/null &
  local pid=$!
  sleep 0.1
  echo "$pid $(proc_start "$pid")" > "$(pidfile "$name")"
}

# stop NAME...: TERM to each process group, then KILL what still runs
# after 30 s. The services stop in parallel (each takes seconds).
stop() {
  local name pid groups=() names=()
  for name in "$@"; do
    if running "$name"; then
      read -r pid _ < "$(pidfile "$name")"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      groups+=("$pid") names+=("$name")
    fi
  done
  local i g alive
  for i in $(seq 1 150); do
    alive=0
    for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for i in "${!groups[@]}"; do
    if kill -0 -- "-${groups[$i]}" 2>/dev/null; then
      log "${names[$i]} did not stop on TERM: KILL"
      kill -KILL -- "-${groups[$i]}" 2>/dev/null || true
    fi
  done
  for name in "$@"; do rm -f "$(pidfile "$name")"; done
  [ ${#names[@]} = 0 ] || log "stopped ${names[*]}"
}

tail_log() {
  local name=$1 n=${2:-40}
  local f="$LOGS/$name.log"
  [ -f "$f" ] || { echo "--- $name: no log"; return 0; }
  echo "--- last $n lines of $f"
  tail -n "$n" "$f"
}

# fail NAME MESSAGE: exits non-zero with the tail of the service's log.
fail() {
  local name=$1; shift
  log "ERROR: $name: $*"
  tail_log "$name" 60 >&2
  exit 1
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$IP/$1" 2>/dev/null; }

port_owner() { ss -ltnpH "sport = :$1" 2>/dev/null | head -1; }

# wait_port NAME PORT SECONDS: until the port accepts connections; fails
# with the log tail if the process died or the time ran out.
wait_port() {
  local name=$1 port=$2 limit=$3 t0; t0=$(now)
  until port_open "$port"; do
    running "$name" || return 2
    [ $(( $(now) - t0 )) -lt "$limit" ] || return 1
    sleep 0.5
  done
}

# wait_http NAME URL SECONDS: until the URL answers with any HTTP status below 500.
wait_http() {
  local name=$1 url=$2 limit=$3 t0 code; t0=$(now)
  while :; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$url" || true)
    if [ -n "$code" ] && [ "$code" != 000 ] && [ "$code" -lt 500 ]; then return 0; fi
    running "$name" || return 2
    [ $(( $(now) - t0 )) -lt "$limit" ] || return 1
    sleep 0.5
  done
}

# ready NAME KIND TARGET SECONDS START-FUNCTION: waits for a service and
# restarts it once if it died while starting (a lost race with a
# dependency); a second failure ends up with its log tail.
ready() {
  local name=$1 kind=$2 target=$3 limit=$4 starter=$5 attempt rc
  for attempt in 1 2; do
    rc=0
    case $kind in
      port) wait_port "$name" "$target" "$limit" || rc=$? ;;
      http) wait_http "$name" "$target" "$limit" || rc=$? ;;
      alive) sleep "$target"; running "$name" || rc=2 ;;
    esac
    [ "$rc" = 0 ] && return 0
    if [ "$rc" = 2 ] && [ "$attempt" = 1 ]; then
      log "$name exited while starting; retrying once"
      tail_log "$name" 15 >&2
      "$starter"
      continue
    fi
    [ "$rc" = 2 ] && fail "$name" "exited while starting"
    fail "$name" "not ready after ${limit}s ($kind $target)"
  done
}

# check_port_free NAME PORT: a port held by a process that is not ours
# would make the service fail in a confusing way; say so up front.
check_port_free() {
  local name=$1 port=$2
  [ "$port" = - ] && return 0
  running "$name" && return 0
  if port_open "$port"; then
    die "port $port (for $name) is already in use: $(port_owner "$port")"
  fi
}

# ------------------------------------------------------------------ config

secrets() {
  if [ ! -f "$S/secrets.env" ]; then
    umask 077
    local k
    {
      for k in DB_PW ADMIN_PW SERVICE_PW USER_PW; do
        echo "$k=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
      done
    } > "$S/secrets.env"
    umask 022
  fi
  # Swift's hash path prefix and suffix: fixed for the life of the
  # state directory (they place every object), added to an older one.
  if ! grep -q '^SWIFT_HASH_SUFFIX=' "$S/secrets.env"; then
    umask 077
    for k in SWIFT_HASH_PREFIX SWIFT_HASH_SUFFIX; do
      echo "$k=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    done >> "$S/secrets.env"
    umask 022
  fi
  # shellcheck disable=SC1091
  . "$S/secrets.env"
  DB="mysql+pymysql://os:$DB_PW@$IP:$DB_PORT"
  RABBIT="rabbit://guest:guest@$IP:$RABBIT_PORT/"
}

# authtoken USER: the [keystone_authtoken]-style password auth of a service user.
auth_section() {
  cat <<EOF
auth_type = password
auth_url = http://$IP:5000/v3
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PW
region_name = RegionOne
EOF
}

authtoken() {
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://$IP:5000
service_token_roles_required = true
$(auth_section "$1")
EOF
}

write_configs() {
  mkdir -p "$ETC"/{keystone,glance,placement,nova,neutron,cinder,rabbitmq} "$RUN" "$LOGS" "$DONE" \
    "$S"/{mysql,lock,keystone,glance/images,glance/staging,glance/tasks,nova/instances,neutron,cinder/share,cinder/mnt,cinder/conversion,cinder/backup,rabbitmq,bin}
  chmod 700 "$S"

  cat > "$ETC/my.cnf" <<EOF
[mysqld]
datadir = $S/mysql
socket = $RUN/mysqld.sock
pid-file = $RUN/mysqld.pid
bind-address = $IP
port = $DB_PORT
user = root
skip-name-resolve
innodb_flush_log_at_trx_commit = 0
innodb_buffer_pool_size = 256M
max_connections = 1000
log-error = $LOGS/mariadb.log
[client]
socket = $RUN/mysqld.sock
EOF

  cat > "$ETC/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.default = $IP:$RABBIT_PORT
loopback_users.guest = true
disk_free_limit.absolute = 50MB
EOF
  echo '[].' > "$ETC/rabbitmq/enabled_plugins"

  cat > "$ETC/keystone/keystone.conf" <<EOF
[DEFAULT]
use_stderr = false
[database]
connection = $DB/keystone?charset=utf8
[token]
provider = fernet
expiration = 7200
[fernet_tokens]
key_repository = $S/keystone/fernet-keys
[credential]
key_repository = $S/keystone/credential-keys
[cache]
enabled = false
[identity]
# bcrypt's minimum: every password login hashes, and CPU is scarce here
password_hash_rounds = 4
EOF
  cat > "$ETC/keystone/uwsgi.ini" <<EOF
[uwsgi]
plugins = python3
http-socket = $IP:5000
wsgi-file = /usr/bin/keystone-wsgi-public
env = OS_KEYSTONE_CONFIG_FILES=$ETC/keystone/keystone.conf
master = true
processes = 2
threads = 4
lazy-apps = true
need-app = true
die-on-term = true
enable-threads = true
buffer-size = 65535
add-header = Connection: close
EOF

  cat > "$ETC/glance/glance-api.conf" <<EOF
[DEFAULT]
bind_host = $IP
bind_port = 9292
workers = 1
enabled_backends = fs:file
use_stderr = false
[database]
connection = $DB/glance?charset=utf8
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $S/glance/images
[os_glance_staging_store]
filesystem_store_datadir = $S/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $S/glance/tasks
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $S/lock
$(authtoken glance)
EOF

  cat > "$ETC/placement/placement.conf" <<EOF
[DEFAULT]
use_stderr = false
[placement_database]
connection = $DB/placement?charset=utf8
[api]
auth_strategy = keystone
$(authtoken placement)
EOF
  cat > "$ETC/placement/uwsgi.ini" <<EOF
[uwsgi]
plugins = python3
http-socket = $IP:8778
wsgi-file = /usr/bin/placement-api
env = OS_PLACEMENT_CONFIG_DIR=$ETC/placement
master = true
processes = 1
threads = 8
lazy-apps = true
need-app = true
die-on-term = true
enable-threads = true
buffer-size = 65535
add-header = Connection: close
EOF

  cat > "$ETC/nova/nova.conf" <<EOF
[DEFAULT]
transport_url = $RABBIT
my_ip = $IP
state_path = $S/nova
instances_path = $S/nova/instances
compute_driver = scs_nova_fake.SnapshotFakeDriver
enabled_apis = osapi_compute
osapi_compute_listen = $IP
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
allow_resize_to_same_host = true
use_stderr = false
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[api_database]
connection = $DB/nova_api?charset=utf8
[database]
connection = $DB/nova?charset=utf8
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 30
[oslo_concurrency]
lock_path = $S/lock
[vnc]
enabled = false
[spice]
enabled = false
[placement]
$(auth_section placement)
[neutron]
$(auth_section neutron)
[cinder]
os_region_name = RegionOne
$(auth_section cinder)
[service_user]
send_service_user_token = true
$(auth_section nova)
$(authtoken nova)
EOF
  printf '[DEFAULT]\nhost = compute1\n' > "$ETC/nova/nova-compute.conf"

  cat > "$ETC/neutron/neutron.conf" <<EOF
[DEFAULT]
bind_host = $IP
bind_port = 9696
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
transport_url = $RABBIT
api_paste_config = /etc/neutron/api-paste.ini
state_path = $S/neutron
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 1
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
dhcp_agent_notification = false
allow_overlapping_ips = true
use_stderr = false
[database]
connection = $DB/neutron?charset=utf8
[oslo_concurrency]
lock_path = $S/lock
[nova]
$(auth_section nova)
[ml2]
type_drivers = flat,vxlan
tenant_network_types = vxlan
mechanism_drivers = alwaysbind
extension_drivers = port_security
[ml2_type_flat]
flat_networks = public
[ml2_type_vxlan]
vni_ranges = 1:10000
[securitygroup]
enable_security_group = true
$(authtoken neutron)
EOF

  echo "$IP:$S/cinder/share" > "$ETC/cinder/nfs_shares"
  cat > "$ETC/cinder/cinder.conf" <<EOF
[DEFAULT]
host = fixture
my_ip = $IP
osapi_volume_listen = $IP
osapi_volume_listen_port = 8776
osapi_volume_workers = 1
transport_url = $RABBIT
auth_strategy = keystone
api_paste_config = /etc/cinder/api-paste.ini
rootwrap_config = /etc/cinder/rootwrap.conf
state_path = $S/cinder
image_conversion_dir = $S/cinder/conversion
enabled_backends = local
default_volume_type = __DEFAULT__
glance_api_servers = http://$IP:9292
backup_driver = cinder.backup.drivers.posix.PosixBackupDriver
backup_posix_path = $S/cinder/backup
use_stderr = false
[local]
volume_driver = scs_cinder_localdir.LocalDirDriver
volume_backend_name = local
nfs_shares_config = $ETC/cinder/nfs_shares
nfs_mount_point_base = $S/cinder/mnt
nfs_sparsed_volumes = true
nfs_qcow2_volumes = false
nfs_snapshot_support = true
nas_secure_file_operations = false
nas_secure_file_permissions = false
[database]
connection = $DB/cinder?charset=utf8
[oslo_concurrency]
lock_path = $S/lock
[nova]
interface = public
$(auth_section nova)
$(authtoken cinder)
EOF
  write_swift_configs
  chmod -R go-rwx "$ETC"

  cat > "$S/admin-openrc" <<EOF
export OS_AUTH_URL=$KEYSTONE_URL OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne
export OS_USERNAME=admin OS_PASSWORD='$ADMIN_PW' OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
EOF
  chmod 600 "$S/admin-openrc"
}

# Swift: one replica on one device, a plain directory under the state
# dir ($S/swift/node/d1, no mount check). The servers run as root with
# workers = 0 (one process each) and log to stderr (-v), i.e. to their
# service log; without /dev/log Swift's syslog handler falls back to UDP
# on localhost, which nothing reads.
write_swift_configs() {
  local sw=$ETC/swift
  mkdir -p "$sw" "$S/swift/node/d1" "$S/swift/cache"
  cat > "$sw/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = $SWIFT_HASH_PREFIX
swift_hash_path_suffix = $SWIFT_HASH_SUFFIX
[storage-policy:0]
name = Policy-0
default = yes
EOF
  local kind port
  for kind in object container account; do
    port=$(swift_port "$kind")
    cat > "$sw/$kind-server.conf" <<EOF
[DEFAULT]
bind_ip = $IP
bind_port = $port
workers = 0
user = root
swift_dir = $sw
devices = $S/swift/node
mount_check = false
disable_fallocate = true
recon_cache_path = $S/swift/cache
log_name = swift-$kind
[pipeline:main]
pipeline = $kind-server
[app:$kind-server]
use = egg:swift#$kind
EOF
  done
  # The pipeline: s3api, then s3token before keystoneauth (s3api checks
  # this at start); authtoken goes before s3api, as Swift 2.30's s3api
  # documentation has it: after s3token it would strip the identity
  # s3token set. slo after s3api (multipart uploads); versioned_writes
  # with object versioning and symlink (S3 bucket versioning).
  cat > "$sw/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = $IP
bind_port = $SWIFT_PROXY_PORT
workers = 0
user = root
swift_dir = $sw
log_name = swift-proxy
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk authtoken s3api s3token keystoneauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = $IP:$MEMCACHED_PORT
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true
cache = swift.cache
www_authenticate_uri = http://$IP:5000
service_token_roles_required = true
$(auth_section swift)
[filter:s3api]
use = egg:swift#s3api
location = RegionOne
[filter:s3token]
use = egg:swift#s3token
reseller_prefix = AUTH_
delay_auth_decision = false
auth_uri = $KEYSTONE_URL
http_timeout = 10.0
# Keystone 22.0.2-0+deb12u3 and later (the OSSA-2025-002 fix) answer
# /v3/s3tokens only to an admin or service; Debian's Swift 2.30.1-0+deb12u3
# s3token logs in with these options to ask (without them every S3
# request is denied with SignatureDoesNotMatch). With them it can also
# cache the EC2 secret in memcached and check signatures itself: on
# this small machine a /v3/s3tokens call takes seconds under load, and
# the S3 tests make hundreds. (A deleted EC2 credential keeps working
# for up to this long.)
secret_cache_duration = 300
$(auth_section swift)
[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member
reseller_admin_role = ResellerAdmin
[filter:copy]
use = egg:swift#copy
[filter:container-quotas]
use = egg:swift#container_quotas
[filter:account-quotas]
use = egg:swift#account_quotas
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true
[filter:symlink]
use = egg:swift#symlink
EOF
}

swift_port() {
  case $1 in
    object) echo "$SWIFT_OBJECT_PORT" ;;
    container) echo "$SWIFT_CONTAINER_PORT" ;;
    account) echo "$SWIFT_ACCOUNT_PORT" ;;
    proxy) echo "$SWIFT_PROXY_PORT" ;;
  esac
}

# Swift reads swift.conf from /etc/swift (a fixed path in swift.common.utils,
# changeable only by code): this launcher points it at the state dir's
# before the server loads, then runs the server like swift-*-server -v.
SWIFT_MAIN='import sys
from swift.common import utils
utils.set_swift_dir(sys.argv[2])
from swift.common import constraints, storage_policy
storage_policy.reload_storage_policies()
constraints.reload_constraints()
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi(sys.argv[3], sys.argv[1], verbose=True))'

# init_swift_rings: the three rings, one device each (part power 8: 256
# partitions are plenty for one disk).
init_swift_rings() {
  local sw=$ETC/swift kind rc
  for kind in object container account; do
    rm -f "$sw/$kind.builder" "$sw/$kind.ring.gz"
    swift-ring-builder "$sw/$kind.builder" create 8 1 1 &&
    swift-ring-builder "$sw/$kind.builder" add "r1z1-$IP:$(swift_port "$kind")/d1" 100 || return 1
    # rebalance exits 1 on warnings, 2 on errors.
    rc=0; swift-ring-builder "$sw/$kind.builder" rebalance || rc=$?
    [ "$rc" -le 1 ] && [ -f "$sw/$kind.ring.gz" ] || return 1
  done
}

# -------------------------------------------------------- service starters

PYENV=(PYTHONPATH="$PYLIB" HOME="$S" PYTHONDONTWRITEBYTECODE=1)

start_mariadb() { start mariadb -- /usr/sbin/mariadbd --defaults-file="$ETC/my.cnf"; }

start_rabbitmq() {
  start rabbitmq HOME="$S/rabbitmq" RABBITMQ_NODENAME=scsos@localhost \
    RABBITMQ_NODE_IP_ADDRESS=$IP RABBITMQ_NODE_PORT=$RABBIT_PORT RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT \
    ERL_EPMD_ADDRESS=$IP RABBITMQ_MNESIA_BASE="$S/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$LOGS/rabbitmq" \
    RABBITMQ_CONFIG_FILE="$ETC/rabbitmq/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq/enabled_plugins" \
    RABBITMQ_PID_FILE="$RUN/rabbitmq-beam.pid" RABBITMQ_LOGS=- \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    -- /usr/lib/rabbitmq/bin/rabbitmq-server
}

start_keystone()   { start keystone "${PYENV[@]}" -- uwsgi --ini "$ETC/keystone/uwsgi.ini"; }
start_glance()     { start glance-api "${PYENV[@]}" -- glance-api --config-file "$ETC/glance/glance-api.conf"; }
start_placement()  { start placement-api "${PYENV[@]}" -- uwsgi --ini "$ETC/placement/uwsgi.ini"; }
start_neutron()    { start neutron-server "${PYENV[@]}" -- neutron-server --config-file "$ETC/neutron/neutron.conf"; }
start_cinder_api() { start cinder-api "${PYENV[@]}" -- cinder-api --config-file "$ETC/cinder/cinder.conf"; }
start_cinder_sch() { start cinder-scheduler "${PYENV[@]}" -- cinder-scheduler --config-file "$ETC/cinder/cinder.conf"; }
start_cinder_vol() { start cinder-volume "${PYENV[@]}" -- cinder-volume --config-file "$ETC/cinder/cinder.conf"; }
start_cinder_bak() { start cinder-backup "${PYENV[@]}" -- cinder-backup --config-file "$ETC/cinder/cinder.conf"; }
start_nova_api()   { start nova-api "${PYENV[@]}" -- nova-api --config-file "$ETC/nova/nova.conf"; }
start_nova_cond()  { start nova-conductor "${PYENV[@]}" -- nova-conductor --config-file "$ETC/nova/nova.conf"; }
start_nova_sch()   { start nova-scheduler "${PYENV[@]}" -- nova-scheduler --config-file "$ETC/nova/nova.conf"; }
# The nova-compute package depends on libvirt and qemu (nova-compute-kvm);
# python3-nova has the code: pylib/scs_nova_compute.py starts it.
start_nova_cpu() {
  start nova-compute "${PYENV[@]}" -- python3 "$PYLIB/scs_nova_compute.py" \
    --config-file "$ETC/nova/nova.conf" --config-file "$ETC/nova/nova-compute.conf"
}

# memcached: Swift's proxy caches account and container info and
# Keystone tokens in it (without one it logs an error on every request).
start_memcached() { start memcached -- memcached -l "$IP" -p "$MEMCACHED_PORT" -U 0 -m 64 -u root; }

start_swift() { # start_swift object|container|account|proxy
  start "swift-$1" "${PYENV[@]}" -- python3 -c "$SWIFT_MAIN" "$1-server" "$ETC/swift" "$ETC/swift/$1-server.conf"
}
start_swift_object()    { start_swift object; }
start_swift_container() { start_swift container; }
start_swift_account()   { start_swift account; }
start_swift_proxy()     { start_swift proxy; }

sql() { mariadb --defaults-file="$ETC/my.cnf" -uroot -N -e "$1"; }

# once NAME CMD...: runs an initialisation step unless it succeeded before.
once() {
  local name=$1; shift
  [ -f "$DONE/$name" ] && return 0
  if ! "$@" >> "$LOGS/init-$name.log" 2>&1; then
    log "ERROR: initialisation step $name failed"
    tail -n 40 "$LOGS/init-$name.log" >&2
    return 1
  fi
  touch "$DONE/$name"
}

# The steps run inside "if", where set -e does not apply: hence the && chains.
init_keystone() {
  local k=(keystone-manage --config-file "$ETC/keystone/keystone.conf")
  "${k[@]}" db_sync &&
  "${k[@]}" fernet_setup --keystone-user root --keystone-group root &&
  "${k[@]}" credential_setup --keystone-user root --keystone-group root &&
  "${k[@]}" bootstrap --bootstrap-password "$ADMIN_PW" --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "$KEYSTONE_URL/" --bootstrap-internal-url "$KEYSTONE_URL/" --bootstrap-public-url "$KEYSTONE_URL/"
}
init_glance()    { glance-manage --config-file "$ETC/glance/glance-api.conf" db_sync; }
init_placement() { placement-manage --config-file "$ETC/placement/placement.conf" db sync; }
init_neutron()   { neutron-db-manage --config-file "$ETC/neutron/neutron.conf" upgrade heads; }
init_cinder()    { cinder-manage --config-file "$ETC/cinder/cinder.conf" db sync; }
init_nova() {
  local n=(nova-manage --config-file "$ETC/nova/nova.conf")
  "${n[@]}" api_db sync &&
  "${n[@]}" cell_v2 map_cell0 &&
  { "${n[@]}" cell_v2 list_cells | grep -q ' cell1 ' || "${n[@]}" cell_v2 create_cell --name cell1; } &&
  "${n[@]}" db sync
}

# go_bin: the Go toolchain, from the caller's PATH or the usual place.
go_bin() {
  PATH=$ORIG_PATH:/usr/local/go/bin command -v go || die "go not found (needed for hack/openstack/bootstrap)"
}

build_bootstrap() {
  local go; go=$(go_bin)
  (cd "$REPO" && PATH=$ORIG_PATH "$go" build -o "$S/bin/bootstrap" ./hack/openstack/bootstrap) \
    > "$LOGS/build-bootstrap.log" 2>&1 || { cat "$LOGS/build-bootstrap.log" >&2; return 1; }
}

bootstrap() {
  SCS_OS_STATE=$S SCS_OS_AUTH_URL=$KEYSTONE_URL SCS_OS_ADMIN_PASSWORD=$ADMIN_PW \
    SCS_OS_SERVICE_PASSWORD=$SERVICE_PW SCS_OS_USER_PASSWORD=$USER_PW "$S/bin/bootstrap" "$@"
}

# ---------------------------------------------------------------------- up

cmd_up() {
  local t0 since; t0=$(now) since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  command -v keystone-manage > /dev/null || die "OpenStack packages missing: run $0 install first"
  mkdir -p "$S"
  secrets
  write_configs
  local entry name port
  for entry in "${SERVICES[@]}"; do
    check_port_free "${entry%%:*}" "${entry##*:}"
  done

  # Go bootstrap builds in the background while the databases come up.
  build_bootstrap & local build_pid=$!

  # 1. MariaDB and RabbitMQ.
  if [ ! -d "$S/mysql/mysql" ]; then
    log "initialising MariaDB in $S/mysql"
    mariadb-install-db --defaults-file="$ETC/my.cnf" --user=root --auth-root-authentication-method=socket \
      --skip-test-db > "$LOGS/init-mariadb.log" 2>&1 || { tail -30 "$LOGS/init-mariadb.log" >&2; die "mariadb-install-db failed"; }
  fi
  start_mariadb
  # RabbitMQ starts epmd unless one runs (a zombie left by a stopped one
  # does not count); then down stops it too.
  if ! running rabbitmq && ! ps -C epmd -o stat= | grep -q '^[^Z]'; then
    touch "$RUN/epmd.ours"
  fi
  start_rabbitmq
  ready mariadb port $DB_PORT 60 start_mariadb
  sql "CREATE USER IF NOT EXISTS 'os'@'$IP' IDENTIFIED BY '$DB_PW'; ALTER USER 'os'@'$IP' IDENTIFIED BY '$DB_PW';"
  for db in keystone glance placement nova_api nova nova_cell0 neutron cinder; do
    sql "CREATE DATABASE IF NOT EXISTS $db; GRANT ALL PRIVILEGES ON $db.* TO 'os'@'$IP';"
  done

  # 2. Schemas. Keystone first (it gates everything); the others run in
  #    parallel meanwhile.
  local pids=() n
  for n in glance placement neutron cinder; do
    once "$n" "init_$n" & pids+=($!)
  done
  ready rabbitmq port $RABBIT_PORT 90 start_rabbitmq
  once nova init_nova & pids+=($!)
  once swift-rings init_swift_rings & pids+=($!)
  once keystone init_keystone || die "keystone initialisation failed"
  start_keystone
  ready keystone http "$KEYSTONE_URL" 90 start_keystone
  wait "$build_pid" || die "building hack/openstack/bootstrap failed"
  # The marker names the catalog's version: a state directory registered
  # before Swift was added registers again (register is idempotent).
  if [ ! -f "$DONE/register-swift" ]; then
    bootstrap register || die "registering the catalog failed (keystone log: $LOGS/keystone.log)"
    touch "$DONE/register-swift"
  fi
  local failed=0 p
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ "$failed" = 0 ] || die "database initialisation failed (see above)"

  # 3. The services. Service users exist now (Nova's conductor and
  #    scheduler exit with HTTP 401 from Placement otherwise).
  start_glance; start_placement; start_neutron
  start_cinder_api; start_cinder_sch; start_cinder_vol; start_cinder_bak
  start_nova_api; start_nova_cond; start_nova_sch; start_nova_cpu
  start_memcached; start_swift_object; start_swift_container; start_swift_account; start_swift_proxy
  ready glance-api http "http://$IP:9292/" 90 start_glance
  ready placement-api http "http://$IP:8778/" 90 start_placement
  ready neutron-server http "http://$IP:9696/" 120 start_neutron
  ready cinder-api http "http://$IP:8776/" 120 start_cinder_api
  ready nova-api http "http://$IP:8774/" 120 start_nova_api
  ready memcached port $MEMCACHED_PORT 30 start_memcached
  ready swift-object port $SWIFT_OBJECT_PORT 60 start_swift_object
  ready swift-container port $SWIFT_CONTAINER_PORT 60 start_swift_container
  ready swift-account port $SWIFT_ACCOUNT_PORT 60 start_swift_account
  ready swift-proxy http "http://$IP:$SWIFT_PROXY_PORT/healthcheck" 90 start_swift_proxy
  for name in cinder-scheduler:start_cinder_sch cinder-volume:start_cinder_vol cinder-backup:start_cinder_bak nova-conductor:start_nova_cond \
              nova-scheduler:start_nova_sch nova-compute:start_nova_cpu; do
    ready "${name%%:*}" alive 0 0 "${name##*:}"
  done

  # 4. The working parts: nova-compute and cinder-volume report up, the
  #    hypervisor is registered; then the compute host is mapped to cell1.
  # The wait runs in the background so that a service dying meanwhile
  # ends up at once, with its log.
  bootstrap -timeout 240s -since "$since" wait & local wait_pid=$!
  while kill -0 "$wait_pid" 2>/dev/null; do
    for entry in "${SERVICES[@]}"; do
      name=${entry%%:*}
      if ! running "$name"; then
        kill "$wait_pid" 2>/dev/null || true
        fail "$name" "exited while the cloud was starting"
      fi
    done
    sleep 2
  done
  if ! wait "$wait_pid"; then
    for name in nova-compute nova-conductor nova-scheduler cinder-volume cinder-scheduler cinder-backup; do
      tail_log "$name" 25 >&2
    done
    die "services did not become ready"
  fi
  local i
  for i in $(seq 1 30); do
    nova-manage --config-file "$ETC/nova/nova.conf" cell_v2 discover_hosts --verbose >> "$LOGS/init-discover.log" 2>&1 || true
    if nova-manage --config-file "$ETC/nova/nova.conf" cell_v2 list_hosts 2>/dev/null | grep -q ' compute1 '; then
      break
    fi
    [ "$i" = 30 ] && { tail -20 "$LOGS/init-discover.log" >&2; fail nova-compute "compute1 was never mapped to a cell"; }
    sleep 2
  done
  log "OpenStack is up: admin credentials in $S/admin-openrc, logs in $LOGS"
  echo "TIMING up $(( $(now) - t0 ))s"
}

# -------------------------------------------------------------------- seed

cmd_seed() {
  local t0; t0=$(now)
  [ -f "$S/secrets.env" ] || die "no state in $S: run $0 up first"
  secrets
  running keystone || die "the cloud is not running: run $0 up first"
  mkdir -p "$S/bin" "$LOGS"
  build_bootstrap || die "building hack/openstack/bootstrap failed"
  bootstrap -timeout 10m seed || die "seed failed (service logs: $0 logs)"
  log "clouds.yaml for tenants source and target: $S/clouds.yaml"
  echo "TIMING seed $(( $(now) - t0 ))s"
}

# -------------------------------------------------------------------- down

cmd_down() {
  # API services and agents first, then the message queue and the database.
  local names=() entry
  for entry in "${SERVICES[@]:2}"; do names+=("${entry%%:*}"); done
  stop "${names[@]}"
  stop rabbitmq
  stop mariadb
  # epmd detaches from rabbit's process group; stop it if rabbit started it.
  if [ -f "$RUN/epmd.ours" ]; then
    ERL_EPMD_ADDRESS=$IP epmd -kill > /dev/null 2>&1 || true
    rm -f "$RUN/epmd.ours"
    log "stopped epmd"
  fi
}

cmd_restart() {
  [ $# -gt 0 ] || die "restart: name the services (see status)"
  stop "$@"
  cmd_up
}

cmd_status() {
  local entry name port state
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*} port=${entry##*:}
    if running "$name"; then
      state="running (pid $(cut -d' ' -f1 < "$(pidfile "$name")"))"
      if [ "$port" != - ]; then port_open "$port" && state+=", port $port open" || state+=", port $port CLOSED"; fi
    else
      state=stopped
    fi
    printf '%-18s %s\n' "$name" "$state"
  done
  [ -f "$S/clouds.yaml" ] && echo "clouds.yaml: $S/clouds.yaml (entries source, target)"
  return 0
}

cmd_logs() {
  local n=${1:-40} entry
  for entry in "${SERVICES[@]}"; do
    tail_log "${entry%%:*}" "$n"
  done
}

case "${1:-}" in
  install) cmd_install ;;
  up)      cmd_up ;;
  seed)    cmd_seed ;;
  down)    cmd_down ;;
  restart) shift; cmd_restart "$@" ;;
  status)  cmd_status ;;
  logs)    shift; cmd_logs "$@" ;;
  all)     cmd_install; cmd_up; cmd_seed ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
