#!/usr/bin/env bash
# The whole test suite: Rust unit and integration tests, then the
# JavaScript tests (node's test runner) and the headless-Chromium tests.
# Installs what the browser tests need when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests run: chromium (browser tests), nginx and apache2
# (the site behind deploy/nginx.conf and deploy/apache.conf), Java (the Nu
# Html Checker). Installed only when missing.
need=()
# A C compiler for the mimalloc allocator (and the linker Rust needs).
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-noto-cjk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || need+=(apache2)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    # nginx and apache2 start a server on port 80 when installed on a
    # machine with a service manager; the tests run their own on free loopback ports
    # and need none, so forbid starting services during this install (the
    # usual Docker policy-rc.d) unless a policy is already in place.
    policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
      policy=/usr/sbin/policy-rc.d
    fi
    ok=0
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || ok=$?
    [ -z "$policy" ] || rm -f "$policy"
    [ "$ok" = 0 ] || exit "$ok"
  else
    echo "The tests need Debian packages: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] || [ ! -d node_modules/vnu-jar ]; then
  npm ci --no-audit --no-fund
fi

cargo test --locked --all-targets
# The JavaScript tests run the real binary that `cargo test` just built.
cargo build --locked
npm test
