#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy (no downloads
# from GitHub or GCS are possible here) into a KUBEBUILDER_ASSETS folder
# that controller-runtime's envtest uses. The binaries are cached per
# version: a second run costs nothing.
# Usage: hack/kube/build-apiserver.sh [ASSETS_DIR]   (default ~/.cache/scs-migrate/kube-assets)
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-v1.37.2}
STAGING_VERSION=${STAGING_VERSION:-v0.37.2}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
root=$(cd "$(dirname "$0")/../.." && pwd)
assets=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/scs-migrate/kube-assets}
mkdir -p "$assets"
export GOFLAGS=-mod=mod

build_apiserver() {
  local out="$assets/kube-apiserver" stamp="$assets/kube-apiserver.version"
  if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$K8S_VERSION $(go env GOVERSION)" ]; then
    echo "kube-apiserver $K8S_VERSION cached"; return
  fi
  local work; work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  local modfile
  modfile=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    printf 'module scs-migrate.local/kube-apiserver\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    # Every staging module k8s.io/kubernetes replaces with ./staging/…
    # must be replaced by its published version when used as a dependency.
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$modfile" | sort -u |
      grep -vE '^k8s.io/(sample-cli-plugin|sample-controller)$' |
      while read -r m; do printf '\t%s => %s %s\n' "$m" "$m" "$STAGING_VERSION"; done
    printf ')\n'
  } >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' >"$work/tools.go"
  (cd "$work" && go mod tidy >/dev/null &&
    go build -trimpath -ldflags="-s -w \
      -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 \
      -X k8s.io/component-base/version.gitMinor=${K8S_VERSION#v1.} -X k8s.io/component-base/version.gitTreeState=clean \
      -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 \
      -X k8s.io/client-go/pkg/version.gitMinor=${K8S_VERSION#v1.}" \
      -o "$out" k8s.io/kubernetes/cmd/kube-apiserver)
  echo "$K8S_VERSION $(go env GOVERSION)" >"$stamp"
  echo "built kube-apiserver $K8S_VERSION"
}

build_etcd() {
  local out="$assets/etcd" stamp="$assets/etcd.version"
  if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$ETCD_VERSION $(go env GOVERSION)" ]; then
    echo "etcd $ETCD_VERSION cached"; return
  fi
  local work; work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  printf 'module scs-migrate.local/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$work/tools.go"
  (cd "$work" && go mod tidy >/dev/null && go build -trimpath -ldflags="-s -w" -o "$out" go.etcd.io/etcd/server/v3)
  echo "$ETCD_VERSION $(go env GOVERSION)" >"$stamp"
  echo "built etcd $ETCD_VERSION"
}

build_etcd
build_apiserver
echo "KUBEBUILDER_ASSETS=$assets"
