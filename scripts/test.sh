#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with the Swift toolchain:
# installs what is missing (libsqlite3-dev, python jsonschema), fetches the real models,
# builds once (debug, with tests) and runs every test in parallel.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build --parallel
