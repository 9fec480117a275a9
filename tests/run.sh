#!/usr/bin/env bash
# The whole test suite: Rust unit and integration tests, then the
# JavaScript tests (node's test runner) and the headless-Chromium tests.
# Installs what the browser tests need when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "The browser tests need Debian's chromium: sudo apt-get install chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund
fi

cargo test --locked --all-targets
# The JavaScript tests run the real binary that `cargo test` just built.
cargo build --locked
npm test
