#!/usr/bin/env bash
# Prepares the Pulumi engine toolchain for the local target (run it as `npm run toolchain`).
#
# The Pulumi CLI and its Node.js language host cannot be downloaded on our machines, so this
# script puts everything the engine needs into the gitignored folder .tools/bin:
#
#   pulumi                         the CLI: $OUTPOST_FLEET_PULUMI or a pulumi on PATH when it is
#                                  v3.248.x (the @pulumi/pulumi version), otherwise built with Go
#                                  from tools/pulumi-cli (go.mod/go.sum pin the version)
#   pulumi-language-nodejs         our own language host, built from tools/pulumi-language-nodejs
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher shipped in @pulumi/pulumi
#   versitygw, actionlint          test tools (an S3 server, the workflow linter), go install-ed
#
# and installs HAProxy from apt when it is missing. Warm runs rebuild nothing.
# automation/engine/pulumi-environment.ts puts .tools/bin first on PATH for the engine.
set -euo pipefail

export CGO_ENABLED=0
export PULUMI_SKIP_UPDATE_CHECK=true

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
CLI_MODULE="$ROOT/tools/pulumi-cli"
HOST_MODULE="$ROOT/tools/pulumi-language-nodejs"
SDK_DIR="$ROOT/node_modules/@pulumi/pulumi"

started_ns=$(date +%s%N)
log() { printf 'toolchain: %s\n' "$*"; }
die() {
  printf 'toolchain: error: %s\n' "$*" >&2
  exit 1
}
elapsed() { # seconds since $1 (nanoseconds), one decimal
  local ns=$(($(date +%s%N) - $1))
  printf '%d.%d' $((ns / 1000000000)) $((ns % 1000000000 / 100000000))
}

[[ -f "$SDK_DIR/package.json" ]] || die "node_modules/@pulumi/pulumi is missing; run npm ci first"

# The CLI must match the SDK that programs and the Automation API load (package.json pins it).
PULUMI_VERSION="$(node -p "require('$SDK_DIR/package.json').version")"
PULUMI_MINOR="${PULUMI_VERSION%.*}"
grep -q "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION\$" "$CLI_MODULE/go.mod" ||
  die "tools/pulumi-cli/go.mod does not pin pkg/v3 v$PULUMI_VERSION (the @pulumi/pulumi version); update it"

mkdir -p "$BIN"

# --- the CLI -------------------------------------------------------------------------------------
cli_version() { "$1" version 2>/dev/null | head -n 1 || true; }
cli_fits() { [[ -x "$1" && "$(cli_version "$1")" == "v$PULUMI_MINOR".* ]]; }

install_hint="Either install Go 1.25.11 or later (https://go.dev/dl/) and run npm run toolchain again, or
install the Pulumi CLI $PULUMI_VERSION yourself and put it on PATH:
    curl -fsSL https://get.pulumi.com | sh -s -- --version $PULUMI_VERSION
(or set OUTPOST_FLEET_PULUMI to the path of a pulumi $PULUMI_MINOR.x binary)."

path_without_bin() { # PATH minus our own folder, to find a pulumi installed elsewhere
  local dir out=""
  local IFS=:
  for dir in $PATH; do
    [[ -z "$dir" || "$dir" == "$BIN" ]] || out="${out:+$out:}$dir"
  done
  printf '%s' "$out"
}

path_cli="$(PATH="$(path_without_bin)" command -v pulumi || true)"
if [[ -n "${OUTPOST_FLEET_PULUMI:-}" ]]; then
  cli_fits "$OUTPOST_FLEET_PULUMI" ||
    die "OUTPOST_FLEET_PULUMI=$OUTPOST_FLEET_PULUMI is not an executable pulumi v$PULUMI_MINOR.x ($(cli_version "$OUTPOST_FLEET_PULUMI"))"
  CLI="$OUTPOST_FLEET_PULUMI"
  cli_status="from OUTPOST_FLEET_PULUMI"
elif [[ -n "$path_cli" ]] && cli_fits "$path_cli"; then
  CLI="$path_cli"
  cli_status="found on PATH"
elif cli_fits "$BIN/pulumi"; then
  CLI="$BIN/pulumi"
  cli_status="reused"
else
  command -v go >/dev/null ||
    die "no Pulumi CLI $PULUMI_MINOR.x found and Go is not installed to build one.
$install_hint"
  [[ -n "$path_cli" ]] && log "pulumi on PATH is $(cli_version "$path_cli") ($path_cli), not v$PULUMI_MINOR.x: building"
  log "building the Pulumi CLI v$PULUMI_VERSION with $(go version | cut -d' ' -f3) (a cold build takes about 4 minutes on 2 cores)"
  t=$(date +%s%N)
  (cd "$CLI_MODULE" && go build -buildvcs=false \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$BIN/pulumi.new" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ||
    die "building the Pulumi CLI failed (see above).
$install_hint"
  mv -f "$BIN/pulumi.new" "$BIN/pulumi"
  CLI="$BIN/pulumi"
  cli_status="built in $(elapsed "$t")s"
fi
log "pulumi $(cli_version "$CLI") at $CLI ($cli_status)"

# --- our language host ---------------------------------------------------------------------------
# Rebuilt only when its sources, go.mod/go.sum or the Go version change (hash kept in a stamp file).
HOST="$BIN/pulumi-language-nodejs"
STAMP="$BIN/.pulumi-language-nodejs.sha256"
host_hash() {
  (
    cd "$HOST_MODULE"
    cat go.mod go.sum $(ls ./*.go | grep -v "_test\.go$")
    go version
  ) | sha256sum | cut -d' ' -f1
}
if ! command -v go >/dev/null; then
  [[ -x "$HOST" ]] || die "Go is needed to build tools/pulumi-language-nodejs (the CLI cannot run Node.js
programs or policy packs without it). Install Go 1.25.11 or later (https://go.dev/dl/) and run npm run toolchain again."
  host_status="reused (Go not installed, sources not checked)"
else
  hash="$(host_hash)"
  if [[ -x "$HOST" && -f "$STAMP" && "$(cat "$STAMP")" == "$hash" ]]; then
    host_status="reused"
  else
    t=$(date +%s%N)
    (cd "$HOST_MODULE" && go build -buildvcs=false -o "$HOST.new" .) ||
      die "building tools/pulumi-language-nodejs failed (see above)"
    mv -f "$HOST.new" "$HOST"
    echo "$hash" >"$STAMP"
    host_status="built in $(elapsed "$t")s"
  fi
fi
log "pulumi-language-nodejs $("$HOST" -version) at $HOST ($host_status)"

# --- the dynamic-provider launcher ---------------------------------------------------------------
# A symlink, so that it always matches the installed @pulumi/pulumi. It resolves
# @pulumi/pulumi/cmd/dynamic-provider from the program's folder, where the engine starts it.
# (No pulumi-analyzer-policy launcher: CLI 3.221+ starts policy packs through the language host.)
ln -sfn "$SDK_DIR/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-resource-pulumi-nodejs"
log "pulumi-resource-pulumi-nodejs -> node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

# --- Go-installed test tools ----------------------------------------------------------------------
# versitygw: the S3 server the tests run on loopback (Pulumi's s3:// backend, the S3 journal and
# lock: it honours If-None-Match, If-Match and conditional deletes). actionlint: checks the
# GitHub workflow. Each is reused while its stamp file names the pinned version.
go_tool() { # name module version
  local name="$1" module="$2" version="$3" stamp="$BIN/.$1.version"
  if [[ -x "$BIN/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    log "$name $version at $BIN/$name (reused)"
    return
  fi
  command -v go >/dev/null ||
    die "Go is needed to install $name $version (go install $module@$version). Install Go 1.25.11 or later (https://go.dev/dl/) and run npm run toolchain again."
  local t
  t=$(date +%s%N)
  GOBIN="$BIN" go install "$module@$version" || die "go install $module@$version failed (see above)"
  echo "$version" >"$stamp"
  log "$name $version at $BIN/$name (built in $(elapsed "$t")s)"
}
go_tool versitygw github.com/versity/versitygw/cmd/versitygw v1.8.0
go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12

# --- HAProxy (load balancer of the local target) -------------------------------------------------
find_haproxy() { # Debian puts it in /usr/sbin, which is not on every user's PATH
  command -v haproxy || { [[ -x /usr/sbin/haproxy ]] && echo /usr/sbin/haproxy; } || true
}
if [[ -z "$(find_haproxy)" ]]; then
  log "installing haproxy with apt-get"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "haproxy is missing and we are not root; install it: apt-get install haproxy"
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends haproxy >/dev/null
fi
HAPROXY="$(find_haproxy)"
[[ -n "$HAPROXY" ]] || die "haproxy is still not found after apt-get install haproxy"
log "haproxy $("$HAPROXY" -v 2>/dev/null | head -n 1 | awk '{print $3}') at $HAPROXY"

log "done in $(elapsed "$started_ns")s; the engine runs with PATH=$BIN:\$PATH (see automation/engine/pulumi-environment.ts)"
