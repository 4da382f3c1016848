#!/usr/bin/env bash
# Every test: system tools, dependencies, the console build, type checks, the binaries,
# unit tests, then the hardware-in-the-loop scenarios against simulators
# (or a real rig: CAMPUS_EDGE_RIG=site.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-tools.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node ui/build.mjs
npx tsc --noEmit -p .
# The x64 and arm64 binaries, which the packaging tests boot (arm64 under qemu).
npm run --silent build:binary

mapfile -t unit < <(find controller drivers ui/src fuzz -name '*.test.ts' | sort)
mapfile -t hil < <(find hil-tests -maxdepth 1 -name '*.test.ts' | sort)
# One file at a time: the scenarios share two cores with real brokers and browsers.
node --import tsx --test --test-concurrency=1 --test-timeout=420000 "${unit[@]}" "${hil[@]}"
