#!/usr/bin/env bash
# lm-eval drop-in check (issue 13, acceptance 1): lm-evaluation-harness's `local-completions`
# model, unmodified, scores MMLU items through `assay serve`; its per-item log-likelihoods must
# equal `assay eval`'s for the same model version (|Δ| < 1e-6).
#
#   scripts/lm-eval-compat.sh [MODEL@VERSION] [LIMIT]      (defaults: smollm2@q4_1, 100)
#
# Needs a registry ($ASSAY_HOME or ./.assay) holding the model version and the MMLU suite
# ('assay suite import-mmlu DIR'). Installs lm-eval (pinned) into a virtualenv outside the clone
# on first use: ${ASSAY_LMEVAL_VENV:-${XDG_CACHE_HOME:-~/.cache}/assay/venv-lm-eval}. Not part of
# the default test run (it evaluates the model twice). Environment: ASSAY (the binary, default
# .build/debug/assay), PORT (default 18480), THREADS (default 2).
set -euo pipefail

LM_EVAL_VERSION=0.4.13
MODEL=${1:-smollm2@q4_1}
LIMIT=${2:-100}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ASSAY=${ASSAY:-$ROOT/.build/debug/assay}
PORT=${PORT:-18480}
THREADS=${THREADS:-2}
VENV=${ASSAY_LMEVAL_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/assay/venv-lm-eval}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/assay-lm-eval.XXXXXX")

[ -x "$ASSAY" ] || { echo "error: $ASSAY not found (run 'swift build' or set ASSAY)" >&2; exit 1; }
if [ ! -x "$VENV/bin/lm_eval" ]; then
    echo "installing lm-eval[api]==$LM_EVAL_VERSION into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "lm-eval[api]==$LM_EVAL_VERSION"
fi

# 1. Assay's own run (resumed or taken from the request cache when already done).
"$ASSAY" eval --model "$MODEL" --suite mmlu --task mmlu --limit "$LIMIT" --threads "$THREADS" --json > "$WORK/run.json"
RUN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$WORK/run.json" 2>/dev/null \
      || python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("run") or d.get("id"))' "$WORK/run.json")
HOME_DIR=${ASSAY_HOME:-.assay}
ITEMS_RUN="$HOME_DIR/runs/$RUN/items.jsonl"
[ -f "$ITEMS_RUN" ] || { echo "error: no items.jsonl for run $RUN under $HOME_DIR/runs" >&2; exit 1; }

# 2. The same items as lm-eval documents (the run's item ids, taken from the registered suite).
SUITE_ITEMS=$(ls -d "$HOME_DIR"/suites/mmlu/*/items.jsonl | tail -1)
python3 - "$ITEMS_RUN" "$SUITE_ITEMS" "$WORK/items.jsonl" <<'PY'
import json, sys
wanted = [json.loads(l)["item"] for l in open(sys.argv[1])]
docs = {d["id"]: d for d in map(json.loads, open(sys.argv[2]))}
with open(sys.argv[3], "w") as out:
    for item in wanted:
        out.write(json.dumps(docs[item]) + "\n")
PY
mkdir -p "$WORK/tasks"
sed "s|\${ASSAY_MMLU_ITEMS}|$WORK/items.jsonl|" "$ROOT/scripts/lm-eval/assay_mmlu.yaml" > "$WORK/tasks/assay_mmlu.yaml"

# 3. The model served by `assay serve`, a reader token for lm-eval.
# The acting user needs a role to read /v1/*: auditor if an admin can grant it, else (a fresh
# registry without any admin) the bootstrap admin grant.
ACTOR=${ASSAY_ACTOR:-$(id -un)}
"$ASSAY" role list --json 2>/dev/null | grep -q "\"$ACTOR\"" \
    || "$ASSAY" role grant "$ACTOR" auditor >/dev/null 2>&1 || "$ASSAY" role grant "$ACTOR" admin >/dev/null 2>&1 || true
TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' < <("$ASSAY" token create --label lm-eval --json))
"$ASSAY" serve --port "$PORT" --model "$MODEL" --threads "$THREADS" --no-webhooks > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break
    sleep 1
done

# 4. lm-eval, unmodified: local-completions with the server's tokenizer (/tokenizer_info, /tokenize).
OPENAI_API_KEY=$TOKEN HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 "$VENV/bin/lm_eval" \
    --model local-completions \
    --model_args "base_url=http://127.0.0.1:$PORT/v1/completions,model=$MODEL,tokenizer_backend=remote,auth_token=$TOKEN,num_concurrent=1,max_retries=1" \
    --include_path "$WORK/tasks" --tasks assay_mmlu --log_samples --output_path "$WORK/out" 2>&1 | tail -8

# 5. Per-item comparison.
SAMPLES=$(find "$WORK/out" -name 'samples_assay_mmlu_*.jsonl' | head -1)
python3 "$ROOT/scripts/lm-eval/compare.py" "$ITEMS_RUN" "$SAMPLES"
echo "work directory: $WORK"
