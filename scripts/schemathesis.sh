#!/usr/bin/env bash
# Property-based API testing of `assay serve` against its OpenAPI document (issue 12).
# Not part of the default test run: it needs schemathesis (Python) and takes minutes.
#
#   bash scripts/schemathesis.sh                 # 30 examples per operation, all checks
#   ST_MAX_EXAMPLES=100 bash scripts/schemathesis.sh
#
# Environment:
#   ASSAY_BIN        assay binary (default: .build/release/assay, else .build/debug/assay)
#   ST               schemathesis CLI (default: /work/scratch/venv-st/bin/st, else `st` on PATH).
#                    Install it pinned, outside the repository:
#                      python3 -m venv /tmp/venv-st && /tmp/venv-st/bin/pip install schemathesis==4.32.5
#   ST_MAX_EXAMPLES  examples per operation (default 30)
#   ST_SEED          seed (default 2026)
#   ST_MODEL         GGUF served at /v1/* (default: SmolLM2 from the model cache when present;
#                    set ST_MODEL=none to test without inference routes)
#   ST_ARGS          extra arguments for `st run`
#
# What it does: a scratch registry (init, the OS user as admin, an admin token, one registered
# model version with a model card so the item routes have something to find), `assay serve` on a
# free port with --model, then `st run Registry/openapi.json --checks all` with the admin token.
# The server's log and schemathesis' JUnit report stay in the scratch directory (printed at the end).
# scripts/schemathesis.toml lists the rejections that depend on state or content (each with its
# reason); every check stays on. scripts/schemathesis_hooks.py caps generation length (max_tokens
# <= 8, n <= 2) so the run finishes in minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

assay=${ASSAY_BIN:-}
if [[ -z "$assay" ]]; then
  if [[ -x .build/release/assay ]]; then assay=.build/release/assay; else assay=.build/debug/assay; fi
fi
[[ -x "$assay" ]] || { echo "schemathesis.sh: $assay not built (swift build -c release --product assay)" >&2; exit 1; }
assay=$(cd "$(dirname "$assay")" && pwd)/$(basename "$assay")

st=${ST:-}
if [[ -z "$st" ]]; then
  if [[ -x /work/scratch/venv-st/bin/st ]]; then st=/work/scratch/venv-st/bin/st; else st=$(command -v st || true); fi
fi
[[ -n "$st" && -x "$st" ]] || { echo "schemathesis.sh: schemathesis not found (set ST=…; see the header of this script)" >&2; exit 1; }

model=${ST_MODEL:-"${ASSAY_MODEL_CACHE:-$HOME/.cache/assay/models}/SmolLM2-135M-Instruct.Q4_1.gguf"}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/assay-st.XXXXXX")
export ASSAY_HOME="$scratch/registry"
unset ASSAY_ACTOR ASSAY_TOKEN

"$assay" init >/dev/null
"$assay" role grant "$(id -un)" admin >/dev/null
token=$("$assay" token create "$(id -un)" --label schemathesis --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

mkdir -p "$scratch/artifacts"
printf 'weights' > "$scratch/artifacts/demo.bin"
"$assay" model register demo@v1 "$scratch/artifacts/demo.bin" >/dev/null

serve_args=(--host 127.0.0.1 --port 0 --artifact-root "$scratch/artifacts" --no-webhooks --policy Governance/policy.json)
if [[ "$model" != none && -f "$model" ]]; then serve_args+=(--model "$model"); fi
"$assay" serve "${serve_args[@]}" >"$scratch/serve.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap cleanup EXIT

port=""
for _ in $(seq 1 100); do
  port=$(grep -oE '127\.0\.0\.1:[0-9]+' "$scratch/serve.log" | head -1 | cut -d: -f2 || true)
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { echo "schemathesis.sh: the server did not start:" >&2; cat "$scratch/serve.log" >&2; exit 1; }

echo "schemathesis.sh: $("$st" --version), assay at http://127.0.0.1:$port, scratch $scratch" >&2
set +e
export SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"
# Run from the scratch directory: schemathesis keeps a cache of earlier failures in ./.schemathesis
# and replays it; each run here starts fresh.
cd "$scratch"
"$st" --config-file "$root/scripts/schemathesis.toml" run "$root/Registry/openapi.json" --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $token" \
  --max-examples "${ST_MAX_EXAMPLES:-30}" --seed "${ST_SEED:-2026}" --checks all \
  --workers 1 --request-timeout 60 \
  --report junit --report-junit-path "$scratch/junit.xml" ${ST_ARGS:-}
status=$?
set -e
echo "schemathesis.sh: exit $status; server log $scratch/serve.log, report $scratch/junit.xml" >&2
exit $status
