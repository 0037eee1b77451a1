#!/usr/bin/env bash
# Builds OpenTofu and terraform-provider-openstack from the Go module proxy
# (both are Go modules; no prebuilt binary can be downloaded here) into a
# cache keyed by their versions, and lays the provider out as a filesystem
# mirror with a CLI config file that points tofu at it.
#
# Usage: hack/tofu/build.sh            build if missing, print the env to use
#        eval "$(hack/tofu/build.sh)"  ... and export it
#
# Prints (on stdout, nothing else goes there):
#   export SCS_MIGRATE_TOFU=<dir>/bin/tofu
#   export TF_CLI_CONFIG_FILE=<dir>/tofurc
#
# Versions can be overridden with TOFU_VERSION / OPENSTACK_PROVIDER_VERSION.
# Both builds together take many minutes on 2 cores; a second run is instant.
set -euo pipefail

TOFU_VERSION=${TOFU_VERSION:-v1.12.6}
OPENSTACK_PROVIDER_VERSION=${OPENSTACK_PROVIDER_VERSION:-v3.4.0}
TOFU_MODULE=github.com/opentofu/opentofu
PROVIDER_MODULE=github.com/terraform-provider-openstack/terraform-provider-openstack/v3

cache_root=${SCS_MIGRATE_TOFU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scs-migrate/tofu}
dir="$cache_root/tofu-${TOFU_VERSION#v}_openstack-${OPENSTACK_PROVIDER_VERSION#v}"
pver=${OPENSTACK_PROVIDER_VERSION#v}
mirror="$dir/mirror"
pdir="$mirror/registry.opentofu.org/terraform-provider-openstack/openstack/$pver/linux_amd64"
pbin="$pdir/terraform-provider-openstack_v$pver"
tbin="$dir/bin/tofu"

log() { echo "build.sh: $*" >&2; }

# build MODULE VERSION PKG OUT LDFLAGS: copy the module's source out of the
# read-only module cache and build it inside its own go.mod, which honours
# its replace directives (OpenTofu has one, so `go install m@v` refuses it).
build() {
	local module=$1 version=$2 pkg=$3 out=$4 ldflags=$5
	local src work start
	start=$(date +%s)
	src=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$src" ] || { log "cannot download $module@$version"; exit 1; }
	work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	cp -r "$src/." "$work/"
	chmod -R u+w "$work"
	mkdir -p "$(dirname "$out")"
	log "building $module@$version ($pkg) ..."
	(cd "$work" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
		go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg")
	mv "$out.tmp" "$out"
	log "built $out in $(($(date +%s) - start))s, $(du -h "$out" | cut -f1)"
}

if [ ! -x "$tbin" ]; then
	build "$TOFU_MODULE" "$TOFU_VERSION" ./cmd/tofu "$tbin" \
		"-X github.com/opentofu/opentofu/version.dev=no"
fi
if [ ! -x "$pbin" ]; then
	build "$PROVIDER_MODULE" "$OPENSTACK_PROVIDER_VERSION" . "$pbin" \
		"-X main.version=$pver"
fi

cat >"$dir/tofurc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.opentofu.org/terraform-provider-openstack/openstack"]
  }
  direct {
    exclude = ["registry.opentofu.org/terraform-provider-openstack/openstack"]
  }
}
RC

echo "export SCS_MIGRATE_TOFU=$tbin"
echo "export TF_CLI_CONFIG_FILE=$dir/tofurc"
