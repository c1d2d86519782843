#!/usr/bin/env bash
# Prepares what `npm run demo` and `npm test` need; predemo and pretest run it.
#
#   bash scripts/toolchain.sh              the demo's set (predemo)
#   bash scripts/toolchain.sh --for tests  the demo's set plus the tests' tools (pretest, and
#                                          `npm run toolchain`, which prepares for both)
#
# The Pulumi CLI and its Node.js language host cannot be downloaded on our machines, so the demo's
# set puts everything the engine needs into the gitignored folder .tools/bin:
#
#   pulumi                         the CLI: $OUTPOST_FLEET_PULUMI or a pulumi on PATH when it is
#                                  v3.248.x (the @pulumi/pulumi version), otherwise built with Go
#                                  from tools/pulumi-cli (go.mod/go.sum pin the version)
#   pulumi-language-nodejs         our own language host, built from tools/pulumi-language-nodejs
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher shipped in @pulumi/pulumi
#
# and installs HAProxy with apt-get when it is missing. The tests add versitygw and actionlint
# (an S3 server and the workflow linter, go install-ed into .tools/bin) and Chromium (for the
# live view's browser tests, from apt like HAProxy; not with OUTPOST_FLEET_SKIP_BROWSER_TESTS=1).
#
# The builds that are needed run in parallel, each logging to .tools/logs/<name>.log. Go's build
# and module caches live in .tools/go-cache and .tools/go-mod, so a rebuild is incremental. A
# second run is a stamp check: .tools/.stamp-<set> holds a hash of the inputs (this script,
# tools/, the SDK's package.json, the Go version, the settings) and the size and time of every
# output; when both match, nothing runs. Delete the stamp to force the full check.
#
# OUTPOST_FLEET_TOOLS_DIR puts all of it elsewhere (to try a cold build in /tmp); the engine and
# the tests only read .tools/bin (automation/engine/pulumi-environment.ts puts it first on PATH).
set -euo pipefail

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

SET=demo
while [[ $# -gt 0 ]]; do
  case "$1" in
    --for)
      [[ $# -ge 2 ]] || die "--for needs a set: demo or tests"
      SET="$2"
      shift 2
      ;;
    --for=*)
      SET="${1#--for=}"
      shift
      ;;
    -h | --help)
      sed -n '2,6p' "${BASH_SOURCE[0]}" | cut -c3-
      exit 0
      ;;
    *) die "unknown argument '$1' (usage: toolchain.sh [--for demo|tests])" ;;
  esac
done
[[ "$SET" == demo || "$SET" == tests ]] || die "--for takes demo or tests, not '$SET'"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${OUTPOST_FLEET_TOOLS_DIR:-$ROOT/.tools}"
# The physical path, so that checkouts sharing .tools through a symlink share its stamps too.
mkdir -p "$TOOLS"
TOOLS="$(cd "$TOOLS" && pwd -P)"
BIN="$TOOLS/bin"
BIN_AS_NAMED="${OUTPOST_FLEET_TOOLS_DIR:-$ROOT/.tools}/bin" # how the engine puts it on PATH
SHOWN="${OUTPOST_FLEET_TOOLS_DIR:-.tools}"                  # for messages
LOGS="$TOOLS/logs"
STAMP="$TOOLS/.stamp-$SET"
CLI_MODULE="$ROOT/tools/pulumi-cli"
HOST_MODULE="$ROOT/tools/pulumi-language-nodejs"
HOST="$BIN/pulumi-language-nodejs"
LAUNCHER="$BIN/pulumi-resource-pulumi-nodejs"
# The physical path: .tools may be shared by several checkouts through symlinks, and the
# launcher's link must not depend on which of them ran last.
SDK_DIR="$(cd "$ROOT/node_modules/@pulumi/pulumi" 2>/dev/null && pwd -P)" ||
  die "node_modules/@pulumi/pulumi is missing; run npm ci first"
[[ -f "$SDK_DIR/package.json" ]] || die "node_modules/@pulumi/pulumi is incomplete; run npm ci first"
CHROMIUM="${OUTPOST_FLEET_CHROMIUM:-/usr/bin/chromium}" # the same default as test/support/chromium.ts
want_chromium=false
[[ "$SET" == tests && "${OUTPOST_FLEET_SKIP_BROWSER_TESTS:-}" != 1 ]] && want_chromium=true

# go.dev's archive unpacks to /usr/local/go, which is not on every PATH.
command -v go >/dev/null || [[ ! -x /usr/local/go/bin/go ]] || PATH="$PATH:/usr/local/go/bin"

path_without_bin() { # PATH minus our own folder, to find a pulumi installed elsewhere
  local dir out=""
  local IFS=:
  for dir in $PATH; do
    [[ -z "$dir" || "$dir" == "$BIN" || "$dir" == "$BIN_AS_NAMED" ]] || out="${out:+$out:}$dir"
  done
  printf '%s' "$out"
}
find_haproxy() { # Debian puts it in /usr/sbin, which is not on every user's PATH
  command -v haproxy || { [[ -x /usr/sbin/haproxy ]] && echo /usr/sbin/haproxy; } || true
}

# --- the warm path: a stamp check -----------------------------------------------------------------
# Only cheap reads and no process that takes long to start (`pulumi version` alone takes 0.15 s).
inputs_hash() {
  {
    printf 'set=%s tools=%s sdk=%s pulumi=%s chromium=%s\n' "$SET" "$TOOLS" "$SDK_DIR" \
      "${OUTPOST_FLEET_PULUMI:-}" "$want_chromium:$CHROMIUM"
    cat "${BASH_SOURCE[0]}" "$SDK_DIR/package.json" "$ROOT"/tools/*/go.mod "$ROOT"/tools/*/go.sum \
      "$ROOT"/tools/*/*.go
    if command -v go >/dev/null; then go version; else echo "no go"; fi
    # Another pulumi on PATH, or a new one there, can change which CLI is chosen.
    local other
    other="$(PATH="$(path_without_bin)" command -v pulumi || true)"
    [[ -z "$other" ]] || stat -L -c '%n %s %Y' "$other"
  } | sha256sum | cut -d' ' -f1
}
outputs_stat() { # size, time and path of each output; fails when one is missing
  stat -L -c '%s %Y %n' "$@"
}
hash="$(inputs_hash)"
if [[ -f "$STAMP" ]]; then
  stamp_hash="" stamp_outputs=()
  { read -r stamp_hash && mapfile -t stamp_outputs; } <"$STAMP" || true
  if [[ "$stamp_hash" == "$hash" && ${#stamp_outputs[@]} -gt 0 ]]; then
    paths=()
    for line in "${stamp_outputs[@]}"; do
      rest="${line#* }"
      paths+=("${rest#* }")
    done
    if [[ "$(outputs_stat "${paths[@]}" 2>/dev/null)" == "$(printf '%s\n' "${stamp_outputs[@]}")" ]]; then
      log "the $SET set is up to date ($(elapsed "$started_ns")s; $SHOWN/.stamp-$SET matches): ${paths[*]##*/}"
      exit 0
    fi
  fi
fi

# --- the full check ---------------------------------------------------------------------------------
export CGO_ENABLED=0
export PULUMI_SKIP_UPDATE_CHECK=true
export GOCACHE="$TOOLS/go-cache"
export GOMODCACHE="$TOOLS/go-mod"
# Go makes its module cache read-only; writable, rm -rf .tools works.
export GOFLAGS="-modcacherw${GOFLAGS:+ $GOFLAGS}"
mkdir -p "$BIN" "$LOGS"

# The CLI must match the SDK that programs and the Automation API load (package.json pins it).
PULUMI_VERSION="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$SDK_DIR/package.json" | head -n 1)"
[[ -n "$PULUMI_VERSION" ]] || die "no version in $SDK_DIR/package.json"
PULUMI_MINOR="${PULUMI_VERSION%.*}"
grep -q "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION\$" "$CLI_MODULE/go.mod" ||
  die "tools/pulumi-cli/go.mod does not pin pkg/v3 v$PULUMI_VERSION (the @pulumi/pulumi version); update it"

have_go() { command -v go >/dev/null; }
need_go() { # what
  have_go || die "Go is needed to $1. Install Go 1.25.11 or later (https://go.dev/dl/) and run npm run toolchain again."
}

# Background jobs: each runs a function in a subshell with its output in $LOGS/<name>.log, whose
# last line is the job's status line; a failed job's whole log is shown.
job_names=()
job_pids=()
start_job() { # name function [args...]
  local name="$1"
  shift
  (
    # The CLI's build is the longest by far; the others take the CPU it leaves (downloads, its
    # single-threaded link) instead of slowing it down.
    [[ "$name" == pulumi ]] || renice -n 10 -p "$BASHPID" >/dev/null
    "$@"
  ) >"$LOGS/$name.log" 2>&1 &
  job_names+=("$name")
  job_pids+=("$!")
}
cleanup() { # on an interrupt, stop our own jobs
  local pid
  for pid in "${job_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup INT TERM
finish_jobs() {
  local i name failed=()
  for i in "${!job_pids[@]}"; do
    name="${job_names[$i]}"
    if wait "${job_pids[$i]}"; then
      tail -n 1 "$LOGS/$name.log"
    else
      failed+=("$name")
    fi
  done
  for name in "${failed[@]}"; do
    printf '\n--- %s failed; its log (%s):\n' "$name" "$LOGS/$name.log" >&2
    cat "$LOGS/$name.log" >&2
  done
  [[ ${#failed[@]} -eq 0 ]] || die "failed: ${failed[*]} (see above)"
  job_names=()
  job_pids=()
}

# --- the CLI -------------------------------------------------------------------------------------
cli_version() { "$1" version 2>/dev/null | head -n 1 || true; }
cli_fits() { [[ -x "$1" && "$(cli_version "$1")" == "v$PULUMI_MINOR".* ]]; }

install_hint="Either install Go 1.25.11 or later (https://go.dev/dl/) and run npm run toolchain again, or
install the Pulumi CLI $PULUMI_VERSION yourself and put it on PATH:
    curl -fsSL https://get.pulumi.com | sh -s -- --version $PULUMI_VERSION
(or set OUTPOST_FLEET_PULUMI to the path of a pulumi $PULUMI_MINOR.x binary)."

build_cli() {
  local t tmp="$BIN/.pulumi.$$"
  t=$(date +%s%N)
  log "building the Pulumi CLI v$PULUMI_VERSION with $(go version | cut -d' ' -f3)"
  (cd "$CLI_MODULE" && go build -buildvcs=false \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ||
    die "building the Pulumi CLI failed (see above).
$install_hint"
  mv -f "$tmp" "$BIN/pulumi"
  log "pulumi $(cli_version "$BIN/pulumi") at $BIN/pulumi (built in $(elapsed "$t")s)"
}

path_cli="$(PATH="$(path_without_bin)" command -v pulumi || true)"
if [[ -n "${OUTPOST_FLEET_PULUMI:-}" ]]; then
  cli_fits "$OUTPOST_FLEET_PULUMI" ||
    die "OUTPOST_FLEET_PULUMI=$OUTPOST_FLEET_PULUMI is not an executable pulumi v$PULUMI_MINOR.x ($(cli_version "$OUTPOST_FLEET_PULUMI"))"
  CLI="$OUTPOST_FLEET_PULUMI"
  log "pulumi $(cli_version "$CLI") at $CLI (from OUTPOST_FLEET_PULUMI)"
elif [[ -n "$path_cli" ]] && cli_fits "$path_cli"; then
  CLI="$path_cli"
  log "pulumi $(cli_version "$CLI") at $CLI (found on PATH)"
elif cli_fits "$BIN/pulumi"; then
  CLI="$BIN/pulumi"
  log "pulumi $(cli_version "$CLI") at $CLI (reused)"
else
  have_go || die "no Pulumi CLI $PULUMI_MINOR.x found and Go is not installed to build one.
$install_hint"
  [[ -n "$path_cli" ]] && log "pulumi on PATH is $(cli_version "$path_cli") ($path_cli), not v$PULUMI_MINOR.x: building"
  log "building the Pulumi CLI (a cold build takes about 4 minutes on 2 cores; log: $LOGS/pulumi.log)"
  CLI="$BIN/pulumi"
  start_job pulumi build_cli
fi

# --- our language host ---------------------------------------------------------------------------
# Rebuilt only when its sources, go.mod/go.sum or the Go version change (hash kept in a stamp file).
HOST_STAMP="$BIN/.pulumi-language-nodejs.sha256"
host_hash() {
  (
    cd "$HOST_MODULE"
    local f files=()
    for f in ./*.go; do [[ "$f" == *_test.go ]] || files+=("$f"); done
    cat go.mod go.sum "${files[@]}"
    go version
  ) | sha256sum | cut -d' ' -f1
}
build_host() { # hash
  local t tmp="$BIN/.pulumi-language-nodejs.$$"
  t=$(date +%s%N)
  (cd "$HOST_MODULE" && go build -buildvcs=false -o "$tmp" .) ||
    die "building tools/pulumi-language-nodejs failed (see above)"
  mv -f "$tmp" "$HOST"
  echo "$1" >"$HOST_STAMP"
  log "pulumi-language-nodejs $("$HOST" -version) at $HOST (built in $(elapsed "$t")s)"
}
if ! have_go; then
  [[ -x "$HOST" ]] || die "Go is needed to build tools/pulumi-language-nodejs (the CLI cannot run Node.js
programs or policy packs without it). Install Go 1.25.11 or later (https://go.dev/dl/) and run npm run toolchain again."
  log "pulumi-language-nodejs $("$HOST" -version) at $HOST (reused; Go not installed, sources not checked)"
else
  host="$(host_hash)"
  if [[ -x "$HOST" && -f "$HOST_STAMP" && "$(cat "$HOST_STAMP")" == "$host" ]]; then
    log "pulumi-language-nodejs $("$HOST" -version) at $HOST (reused)"
  else
    start_job pulumi-language-nodejs build_host "$host"
  fi
fi

# --- the dynamic-provider launcher ---------------------------------------------------------------
# A symlink, so that it always matches the installed @pulumi/pulumi. It resolves
# @pulumi/pulumi/cmd/dynamic-provider from the program's folder, where the engine starts it.
# (No pulumi-analyzer-policy launcher: CLI 3.221+ starts policy packs through the language host.)
[[ "$(readlink "$LAUNCHER" || true)" == "$SDK_DIR/pulumi-resource-pulumi-nodejs" ]] ||
  ln -sfn "$SDK_DIR/pulumi-resource-pulumi-nodejs" "$LAUNCHER"
log "pulumi-resource-pulumi-nodejs -> $SDK_DIR/pulumi-resource-pulumi-nodejs"

# --- Go-installed test tools ----------------------------------------------------------------------
# versitygw: the S3 server the tests run on loopback (Pulumi's s3:// backend, the S3 journal and
# lock: it honours If-None-Match, If-Match and conditional deletes). actionlint: checks the
# GitHub workflow. Each is reused while its stamp file names the pinned version.
install_go_tool() { # name module version
  local t
  t=$(date +%s%N)
  GOBIN="$BIN" go install "$2@$3" || die "go install $2@$3 failed (see above)"
  echo "$3" >"$BIN/.$1.version"
  log "$1 $3 at $BIN/$1 (built in $(elapsed "$t")s)"
}
go_tool() { # name module version
  local name="$1" module="$2" version="$3" stamp="$BIN/.$1.version"
  if [[ -x "$BIN/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    log "$name $version at $BIN/$name (reused)"
    return
  fi
  need_go "install $name $version (go install $module@$version)"
  start_job "$name" install_go_tool "$name" "$module" "$version"
}
test_tools=()
if [[ "$SET" == tests ]]; then
  go_tool versitygw github.com/versity/versitygw/cmd/versitygw v1.8.0
  go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12
  test_tools=("$BIN/versitygw" "$BIN/actionlint")
fi

# --- system packages: HAProxy (the local target's load balancer), Chromium for the tests ----------
apt_missing=()
[[ -n "$(find_haproxy)" ]] || apt_missing+=(haproxy)
if $want_chromium && [[ ! -x "$CHROMIUM" ]]; then
  [[ -z "${OUTPOST_FLEET_CHROMIUM:-}" ]] ||
    die "OUTPOST_FLEET_CHROMIUM=$OUTPOST_FLEET_CHROMIUM is not an executable (unset it to use Debian's chromium)"
  apt_missing+=(chromium)
fi
apt_install() { # packages...: one apt-get update for all of them
  local t sudo=""
  t=$(date +%s%N)
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@"
  log "installed $* with apt-get in $(elapsed "$t")s"
}
if [[ ${#apt_missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    die "${apt_missing[*]} missing and we are not root; install: apt-get install ${apt_missing[*]}$(
      $want_chromium && printf '\n(or set OUTPOST_FLEET_SKIP_BROWSER_TESTS=1 to skip the browser tests)'
    )"
  fi
  log "installing ${apt_missing[*]} with apt-get (log: $LOGS/apt.log)"
  start_job apt apt_install "${apt_missing[@]}"
fi

finish_jobs

HAPROXY="$(find_haproxy)"
[[ -n "$HAPROXY" ]] || die "haproxy is still not found after apt-get install haproxy"
log "haproxy $("$HAPROXY" -v 2>/dev/null | head -n 1 | awk '{print $3}') at $HAPROXY"
chromium_out=()
if $want_chromium; then
  [[ -x "$CHROMIUM" ]] || die "chromium is still not found at $CHROMIUM after apt-get install chromium"
  log "$("$CHROMIUM" --version 2>/dev/null || echo chromium) at $CHROMIUM"
  chromium_out=("$CHROMIUM")
fi

# The stamp: the inputs' hash, then every output as `size time path`.
tmp="$STAMP.$$"
{
  echo "$hash"
  outputs_stat "$CLI" "$HOST" "$LAUNCHER" "$HAPROXY" "${test_tools[@]}" "${chromium_out[@]}"
} >"$tmp"
mv -f "$tmp" "$STAMP"

log "the $SET set is ready in $(elapsed "$started_ns")s; the engine runs with PATH=$BIN_AS_NAMED:\$PATH (see automation/engine/pulumi-environment.ts)"
