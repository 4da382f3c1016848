#!/usr/bin/env bash
# Every test: system tools, dependencies, the console build, type checks, the unit tests, then the
# binaries and the hardware-in-the-loop scenarios against simulators (or a real rig:
# CAMPUS_EDGE_RIG=site.yaml). `npm run test:unit` and `npm run test:hil` run one half;
# `npm run test:one FILE…` runs the files named.
set -euo pipefail
cd "$(dirname "$0")/.."

part=${1:-all}
bash scripts/ensure-system-tools.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node ui/build.mjs
npx tsc --noEmit -p .
# Format and lint (biome.json); `npm run format` rewrites what this refuses.
npx biome ci --colors=off .
# The dependency rule (docs/architecture.md): layers import downwards only, and no cycles.
node --import tsx scripts/check-dependencies.ts

run() { node --import tsx --test --test-concurrency=1 --test-timeout=420000 "$@"; }
mapfile -t unit < <(find controller drivers ui/src fuzz scripts -name '*.test.ts' | sort)
mapfile -t hil < <(find hil-tests -maxdepth 1 -name '*.test.ts' | sort)
case "$part" in
  unit) run "${unit[@]}" ;;
  one) shift; run "$@" ;;
  hil|all)
    # Unit tests first: a broken codec shows in seconds, before two binaries are built.
    [ "$part" = all ] && run "${unit[@]}"
    # The x64 and arm64 binaries, which the packaging tests boot (arm64 under qemu).
    npm run --silent build:binary
    # One file at a time: the scenarios share two cores with real brokers and browsers.
    run "${hil[@]}"
    ;;
  *) echo "usage: scripts/test.sh [all|unit|hil|one FILE…]" >&2; exit 2 ;;
esac
