#!/usr/bin/env bash
# Installs Assay's prerequisites when they are missing and fetches the real models.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

need_apt=()
pkg-config --exists sqlite3 2>/dev/null || need_apt+=(libsqlite3-dev pkg-config)
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
# Headless Chromium renders the HTML export in GovernanceTests/HTMLReportRenderTests (DOM measurements).
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || need_apt+=(chromium)
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -c 'import jsonschema, referencing' 2>/dev/null \
  || python3 -m pip install --quiet jsonschema referencing
# junitparser reads `assay gate --junit` output in DecisionsScenarioTests (scripts/check-junit.py).
python3 -c 'import junitparser' 2>/dev/null || python3 -m pip install --quiet junitparser
# The official OpenAI client, pinned, for the drop-in test (Tests/AssayCLITests/OpenAIClientTests).
python3 -c 'import openai, sys; sys.exit(openai.__version__ != "3.63.0")' 2>/dev/null \
  || python3 -m pip install --quiet "openai==3.63.0"
# cyclonedx-python-lib's strict CycloneDX 1.6 validator (scripts/cyclonedx-validate.py, GovernanceTests).
python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version("cyclonedx-python-lib") != "11.12.0")' 2>/dev/null \
  || python3 -m pip install --quiet "cyclonedx-python-lib[json-validation]==11.12.0"
# python `cryptography` cross-checks Ed25519 signatures (Tests/HashingTests/Ed25519Tests, the audit witness).
python3 -c 'import cryptography' 2>/dev/null || python3 -m pip install --quiet cryptography
bash "$root/scripts/fetch-models.sh"
