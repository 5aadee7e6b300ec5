#!/usr/bin/env bash
# The whole test suite: unit and integration tests (including the eval-kit
# regression floors and the Recognizers-Text figure specs), then the
# end-to-end tests in real Neovim and real VS Code (code-server).
# Everything it needs that is missing is installed on the way.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test (release build, shared with the end-to-end tests)"
cargo test --release --locked

if [ -x tests/e2e/run.sh ]; then
  echo "== end-to-end tests in real editors"
  tests/e2e/run.sh
fi
echo "== all tests passed"
