#!/usr/bin/env bash
# Builds a small, real lineage in a throw-away registry and shows it:
#
#   smollm2-135m@1.0 (SmolLM2-135M-Instruct Q4_1, as downloaded)
#     └── smollm2-135m-q8_0@1.0   quantized_from   (assay quantize --type q8_0)
#           └── smollm2-135m-q4_0@1.0   quantized_from   (assay quantize --type q4_0), evaluated_on intents@2024-06
#
# Needs the cached model (scripts/fetch-models.sh). Usage:
#   Registry/examples/lineage-walkthrough.sh [path/to/assay]     (default: .build/debug/assay)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
assay=${1:-${ASSAY:-$root/.build/debug/assay}}
base="$root/.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"
[[ -f "$base" ]] || { echo "walkthrough: $base is missing; run scripts/fetch-models.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASSAY_HOME="$work/home" ASSAY_ACTOR="${ASSAY_ACTOR:-walkthrough}"

set -x
"$assay" init
"$assay" dataset register intents@2024-06 "$here/intents-sample.jsonl" --license CC-BY-4.0 --no-pii \
  --source "support tickets (synthetic sample)" --description "customer messages labelled with one of four intents" \
  --collection "written by the Assay authors as an example" --limitations "four rows; English only"
"$assay" model register smollm2-135m@1.0 "$base"
"$assay" quantize "$base" "$work/smollm2-135m-q8_0.gguf" --type q8_0
"$assay" model register smollm2-135m-q8_0@1.0 "$work/smollm2-135m-q8_0.gguf" \
  --base smollm2-135m@1.0 --relation quantized_from --param bits=8 --param method=Q8_0 --param "tool=assay quantize"
"$assay" quantize "$work/smollm2-135m-q8_0.gguf" "$work/smollm2-135m-q4_0.gguf" --type q4_0
"$assay" model register smollm2-135m-q4_0@1.0 "$work/smollm2-135m-q4_0.gguf" \
  --base smollm2-135m-q8_0@1.0 --relation quantized_from --param bits=4 --param method=Q4_0 --param "tool=assay quantize" \
  --evaluated-on intents@2024-06
"$assay" model register smollm2-135m@1.0 "$base"      # same bytes again: a no-op
"$assay" model show smollm2-135m-q4_0@1.0
"$assay" lineage show smollm2-135m-q4_0@1.0
"$assay" lineage show smollm2-135m@1.0
"$assay" audit log
"$assay" audit verify
