#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with the Swift toolchain:
# installs what is missing (libsqlite3-dev, python jsonschema), fetches the real models,
# checks formatting (swift format lint --strict with .swift-format), builds once (debug, with
# tests) and runs every test in parallel.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
# Formatting is part of the suite: `swift format format -i -r Sources Tests Benchmarks Package.swift` fixes it.
swift format lint --strict --recursive --parallel Sources Tests Benchmarks Package.swift
swift build --build-tests
swift test --skip-build --parallel
