#!/usr/bin/env bash
# Registers a small lineage in a throw-away registry and shows it:
#   intents@2024-06 (dataset) ─trained_on─┐
#   smollm2-135m@1.0 ◄─finetuned_from── smollm2-intents@1.0 ◄─quantized_from── smollm2-intents-q4@1.0
# The base model is the real SmolLM2 GGUF when scripts/fetch-models.sh has cached it; the derived
# files are stand-ins (tiny files with GGUF magic) so the walk-through runs anywhere in seconds.
# Usage: Registry/examples/lineage-walkthrough.sh [path/to/assay]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
assay=${1:-${ASSAY:-$root/.build/debug/assay}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASSAY_HOME="$work/home" ASSAY_ACTOR="${ASSAY_ACTOR:-walkthrough}"

base="$root/.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"
if [[ ! -f "$base" ]]; then
  base="$work/base.gguf"; printf 'GGUF stand-in base model' > "$base"
fi
printf 'GGUF stand-in fine-tune' > "$work/smollm2-intents.gguf"
printf 'GGUF stand-in Q4 quantization' > "$work/smollm2-intents-q4.gguf"

"$assay" init
"$assay" dataset register intents@2024-06 "$here/intents-sample.jsonl" --license CC-BY-4.0 --no-pii \
  --source "support tickets (synthetic sample)" --description "customer messages labelled with one of four intents" \
  --collection "written by the Assay authors as an example" --limitations "four rows; English only"
"$assay" model register smollm2-135m@1.0 "$base"
"$assay" model register smollm2-intents@1.0 "$work/smollm2-intents.gguf" \
  --base smollm2-135m@1.0 --relation finetuned_from --param method=lora --param tool=example \
  --trained-on intents@2024-06
"$assay" model register smollm2-intents-q4@1.0 "$work/smollm2-intents-q4.gguf" \
  --base smollm2-intents@1.0 --relation quantized_from --param bits=4 --param method=Q4_1
"$assay" model register smollm2-135m@1.0 "$base"      # again: a no-op
"$assay" lineage show smollm2-intents-q4@1.0
"$assay" lineage show smollm2-135m@1.0
"$assay" audit log
"$assay" audit verify
