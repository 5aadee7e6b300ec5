#!/usr/bin/env bash
# Build the claimlens VS Code extension into a .vsix.
#
# Usage: editors/vscode/package.sh [--print-path]
#   CLAIMLENS_BUNDLE_SERVER=PATH  package that claimlens binary inside the
#                                 extension (server/claimlens); without it the
#                                 extension uses claimlens.server.path or PATH.
#   CLAIMLENS_VSIX_OUT=FILE       where to write the .vsix
#                                 (default: editors/vscode/claimlens-VERSION.vsix)
#   --print-path                  print only the .vsix path on stdout (logs go to stderr)
#
# Needs Node.js >= 20 and npm; installs the pinned dependencies with `npm ci`
# when package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
print_path=0
[ "${1:-}" = --print-path ] && print_path=1
log() { echo "package.sh: $*" >&2; }
die() { echo "package.sh: ERROR: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm is needed (Node.js >= 20)"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
  || die "Node.js >= 20 is needed (found $(node --version))"

stamp=node_modules/.claimlens-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund >&2 || die "npm ci failed"
  echo "$want" > "$stamp"
fi

log "compiling TypeScript"
rm -rf out
npx --no-install tsc -p . >&2 || die "TypeScript compilation failed"

rm -rf server
if [ -n "${CLAIMLENS_BUNDLE_SERVER:-}" ]; then
  [ -x "$CLAIMLENS_BUNDLE_SERVER" ] || die "CLAIMLENS_BUNDLE_SERVER=$CLAIMLENS_BUNDLE_SERVER is not an executable"
  mkdir server
  cp "$CLAIMLENS_BUNDLE_SERVER" server/claimlens
  # the release build keeps line tables for backtraces; a packaged copy does not need them
  if command -v strip >/dev/null; then
    strip --strip-debug server/claimlens 2>/dev/null || log "server/claimlens left unstripped (not an object file strip knows)"
  fi
  "./server/claimlens" --version >&2 || die "the bundled server does not run"
  log "bundled $(./server/claimlens --version)"
fi

version=$(node -p 'require("./package.json").version')
out=${CLAIMLENS_VSIX_OUT:-$PWD/claimlens-$version.vsix}
mkdir -p "$(dirname "$out")"
# No repository field: README images stay relative (they are in images/).
npx --no-install vsce package --allow-missing-repository --skip-license \
  --no-rewrite-relative-links --out "$out" >&2 || die "vsce package failed"
log "wrote $out"
if [ $print_path = 1 ]; then echo "$out"; fi
