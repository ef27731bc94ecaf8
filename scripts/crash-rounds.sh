#!/usr/bin/env bash
# Issue 12 re-run of the storage attack classes against a built binary (release by default).
# Not part of the default test run (it takes minutes and kills processes on purpose).
#
#   swift build -c release --product assay && bash scripts/crash-rounds.sh
#
# Environment:
#   ASSAY_BIN      binary (default .build/release/assay)
#   ROUNDS         kill -9 rounds per command (default 10)
#   WAL_WRITES     acknowledged writes per WAL scenario (default 30 over HTTP + 30 by the CLI)
#   MODEL          GGUF used by the eval rounds (default SmolLM2 from the model cache)
#
# 1. WAL scenario (issue 12 item 1), twice: `assay serve --artifact-root` covering the registry
#    home, then an artifact root holding a symbolic link to registry.sqlite (and a directory with
#    such a link). Each step: one HTTP registration (201 = acknowledged), one HTTP registration
#    naming the database (must be refused), one CLI registration (exit 0 = acknowledged). After the
#    server stops, every acknowledged version must be readable by a fresh process.
# 2. kill -9 rounds: `model register` of a 500-file directory, `eval` (resumed afterwards) and
#    `serve` during an upload. After each kill the next process (the restart) must find: SQLite
#    integrity ok, the audit chain intact, every acknowledged write present, the killed
#    registration either complete or absent, and no partial files (*.part, *.tmp) left behind.
# Prints one summary line per class; exits 1 when anything was lost or left behind.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
assay=${ASSAY_BIN:-.build/release/assay}
[[ -x "$assay" ]] || { echo "crash-rounds.sh: $assay not built (swift build -c release --product assay)" >&2; exit 1; }
assay=$(cd "$(dirname "$assay")" && pwd)/$(basename "$assay")
rounds=${ROUNDS:-10}
writes=${WAL_WRITES:-30}
model=${MODEL:-"${ASSAY_MODEL_CACHE:-$HOME/.cache/assay/models}/SmolLM2-135M-Instruct.Q4_1.gguf"}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/assay-crash.XXXXXX")
unset ASSAY_ACTOR ASSAY_TOKEN
failures=0
server=""
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null' EXIT

note() { printf '%s\n' "$*" >&2; }
fail() { note "FAIL: $*"; failures=$((failures + 1)); }

new_registry() {  # $1 home
  export ASSAY_HOME="$1"
  "$assay" init >/dev/null
  "$assay" role grant "$(id -un)" admin >/dev/null
}
token_for() { "$assay" token create "$(id -un)" --label crash --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

start_server() {  # args…; sets server, port
  local log="$scratch/serve.$RANDOM.log"
  "$assay" serve --host 127.0.0.1 --port 0 --no-webhooks "$@" >"$log" 2>&1 &
  server=$!
  port=""
  for _ in $(seq 1 200); do
    port=$(grep -oE '127\.0\.0\.1:[0-9]+' "$log" | head -1 | cut -d: -f2)
    [[ -n "$port" ]] && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.05
  done
  fail "server did not start: $(cat "$log")"; return 1
}
stop_server() { kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=""; }

post_version() {  # name version file… → HTTP status
  local name=$1 version=$2; shift 2
  local files; files=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
  curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' --data "{\"version\":\"$version\",\"files\":$files}" \
    "http://127.0.0.1:$port/api/v1/models/$name/versions"
}

present() { "$assay" model show "$1" --json >/dev/null 2>&1; }
partial_files() { find "$1" \( -name '*.part' -o -name '*.tmp' \) -print | wc -l; }
check_store() {  # home label
  local out
  out=$(sqlite3 "file:$1/registry.sqlite?mode=ro" 'PRAGMA integrity_check;' 2>&1)
  [[ "$out" == ok ]] || fail "$2: integrity_check: $out"
  ASSAY_HOME="$1" "$assay" audit verify >/dev/null 2>&1 || fail "$2: audit verify failed"
}

# ---------------------------------------------------------------------------------------------
wal_scenario() {  # variant: home | link
  local variant=$1 dir="$scratch/wal-$1"
  mkdir -p "$dir/root"
  local home artifact_root hostile
  if [[ $variant == home ]]; then
    home="$dir/root/registry"; artifact_root="$dir/root"
  else
    home="$dir/registry"; artifact_root="$dir/root"
  fi
  new_registry "$home"
  token=$(token_for)
  if [[ $variant == home ]]; then
    hostile=("$home/registry.sqlite")
  else
    ln -s "$home/registry.sqlite" "$dir/root/db-link"
    mkdir -p "$dir/root/set"; printf 'x' > "$dir/root/set/weights.bin"
    ln -s "$home/registry.sqlite" "$dir/root/set/registry.sqlite"
    hostile=("$dir/root/db-link")
  fi
  start_server --artifact-root "$artifact_root" || return
  local acked=() refused=0 accepted_hostile=0
  for i in $(seq 1 "$writes"); do
    printf 'server %s %s' "$variant" "$i" > "$dir/root/s$i.bin"
    [[ $(post_version "srv$i" 1 "$dir/root/s$i.bin") == 201 ]] && acked+=("srv$i@1")
    local target=("${hostile[@]}")
    [[ $variant == link && $((i % 2)) == 0 ]] && target=("$dir/root/set")
    local code; code=$(post_version "evil$i" 1 "${target[@]}")
    if [[ $code == 2* ]]; then accepted_hostile=$((accepted_hostile + 1)); else refused=$((refused + 1)); fi
    printf 'cli %s %s' "$variant" "$i" > "$dir/c$i.bin"
    "$assay" model register "cli$i@1" "$dir/c$i.bin" >/dev/null 2>&1 && acked+=("cli$i@1")
  done
  stop_server
  local lost=0
  for ref in "${acked[@]}"; do present "$ref" || lost=$((lost + 1)); done
  check_store "$home" "wal-$variant"
  note "WAL scenario ($variant): ${#acked[@]} acknowledged writes, $lost lost; hostile registrations refused $refused, accepted $accepted_hostile; wal/shm left: $(ls "$home" | grep -c -- '-wal\|-shm')"
  (( lost == 0 && accepted_hostile == 0 )) || fail "WAL scenario ($variant)"
}

# ---------------------------------------------------------------------------------------------
kill_register_rounds() {
  local home="$scratch/kill-register"
  new_registry "$home"
  local big="$scratch/big"; mkdir -p "$big"
  for i in $(seq 1 500); do printf 'part %s' "$i" > "$big/shard-$i.bin"; done
  local acked=() complete=0 absent=0 torn=0 lost=0 partial=0
  for r in $(seq 1 "$rounds"); do
    printf 'round %s' "$r" >> "$big/shard-1.bin"   # new bytes each round
    "$assay" model register "big@r$r" "$big" >/dev/null 2>&1 &
    local pid=$!
    sleep "0.$(( (RANDOM % 9) + 1 ))"
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    # restart: the next process
    printf 'ack %s' "$r" > "$scratch/ack$r.bin"
    "$assay" model register "ack@r$r" "$scratch/ack$r.bin" >/dev/null 2>&1 && acked+=("ack@r$r")
    local n; n=$("$assay" model show "big@r$r" --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("artifacts", [])))' 2>/dev/null || echo 0)
    if [[ $n == 500 ]]; then complete=$((complete + 1)); elif [[ $n == 0 ]]; then absent=$((absent + 1)); else torn=$((torn + 1)); fi
    partial=$((partial + $(partial_files "$home")))
    check_store "$home" "kill-register round $r"
  done
  for ref in "${acked[@]}"; do present "$ref" || lost=$((lost + 1)); done
  note "kill -9 register: $rounds rounds; killed registration complete $complete, absent $absent, torn $torn; ${#acked[@]} acknowledged, $lost lost; partial files $partial"
  (( lost == 0 && torn == 0 && partial == 0 )) || fail "kill -9 register"
}

# ---------------------------------------------------------------------------------------------
kill_eval_rounds() {
  [[ -f "$model" ]] || { note "kill -9 eval: skipped ($model missing)"; return; }
  local args=(eval --model smol@q4_1 --suite general-knowledge --limit 20 --threads 1 --batch-size 2 --json)
  # Reference: an uninterrupted run.
  new_registry "$scratch/eval-reference"
  "$assay" model register smol@q4_1 "$model" --format gguf >/dev/null || { fail "register $model"; return; }
  "$assay" "${args[@]}" --no-cache > "$scratch/eval-reference.json" 2>/dev/null || { fail "reference eval"; return; }
  local resumed=0 lost=0 partial=0 mismatched=0 killed_midway=0
  for r in $(seq 1 "$rounds"); do
    local home="$scratch/kill-eval-$r"   # a registry per round: runs are keyed by configuration
    new_registry "$home"
    "$assay" model register smol@q4_1 "$model" --format gguf >/dev/null || { fail "register $model"; continue; }
    "$assay" "${args[@]}" --no-cache >/dev/null 2>&1 &
    local pid=$!
    # Odd rounds: kill once items are being written (mid-run); even rounds: at a random moment
    # (possibly before the run exists).
    if (( r % 2 == 1 )); then
      for _ in $(seq 1 600); do
        local n; n=$(sqlite3 "file:$home/registry.sqlite?mode=ro" 'SELECT count(*) FROM evaluation_items' 2>/dev/null || echo 0)
        (( n > 0 )) && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      sleep "0.$(( RANDOM % 10 ))"
    else
      sleep "$(( RANDOM % 4 )).$(( RANDOM % 10 ))"
    fi
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    local before; before=$(sqlite3 "file:$home/registry.sqlite?mode=ro" 'SELECT count(*) FROM evaluation_items' 2>/dev/null || echo 0)
    (( before > 0 )) && killed_midway=$((killed_midway + 1))
    "$assay" "${args[@]}" --no-cache > "$scratch/eval-$r.json" 2>/dev/null || { fail "eval round $r did not finish after the kill"; continue; }
    resumed=$((resumed + 1))
    local after; after=$(sqlite3 "file:$home/registry.sqlite?mode=ro" 'SELECT count(*) FROM evaluation_items' 2>/dev/null || echo 0)
    (( after >= before )) || lost=$((lost + before - after))
    python3 - "$scratch/eval-reference.json" "$scratch/eval-$r.json" <<'PY' || mismatched=$((mismatched + 1))
import json, sys
def metrics(path):
    doc = json.load(open(path))
    # Timing, energy and identity differ between any two runs; the results must not.
    # resumed_items/session_items say how the run was split between the killed and the resumed process.
    drop = {"id", "run_id", "started_at", "finished_at", "created_at", "latency", "energy", "duration_ms", "resumed",
            "resumed_items", "session_items", "hardware", "timing"}
    def clean(v):
        if isinstance(v, dict): return {k: clean(x) for k, x in v.items() if k not in drop and "latency" not in k and "_ms" not in k and "seconds" not in k}
        if isinstance(v, list): return [clean(x) for x in v]
        return v
    return json.dumps(clean(doc), sort_keys=True)
a, b = metrics(sys.argv[1]), metrics(sys.argv[2])
if a != b: print(a[:400], "\n", b[:400], file=sys.stderr)
sys.exit(0 if a == b else 1)
PY
    partial=$((partial + $(partial_files "$home")))
    check_store "$home" "kill-eval round $r"
  done
  note "kill -9 eval: $rounds rounds ($killed_midway killed with items already written), $resumed resumed to completion, items lost $lost, results differing from the uninterrupted run $mismatched; partial files $partial"
  (( lost == 0 && partial == 0 && resumed == rounds && mismatched == 0 )) || fail "kill -9 eval"
}

# ---------------------------------------------------------------------------------------------
kill_serve_rounds() {
  [[ -f "$model" ]] || { note "kill -9 serve: skipped ($model missing)"; return; }
  local home="$scratch/kill-serve"
  new_registry "$home"
  token=$(token_for)
  local acked=() lost=0 leftover=0 seen_part=0
  for r in $(seq 1 "$rounds"); do
    start_server || return
    # One complete upload (acknowledged on 201), then one throttled upload killed midway.
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/octet-stream' --data-binary "@$model" \
      "http://127.0.0.1:$port/api/v1/models/up$r/versions/1/artifact?filename=m.gguf")
    [[ $code == 201 ]] && acked+=("up$r@1")
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/octet-stream' \
      --limit-rate 2M --data-binary "@$model" \
      "http://127.0.0.1:$port/api/v1/models/slow$r/versions/1/artifact?filename=m.gguf" &
    local client=$!
    sleep "$(( (RANDOM % 3) + 1 )).$(( RANDOM % 10 ))"
    (( $(find "$home" -name '*.part' | wc -l) > 0 )) && seen_part=$((seen_part + 1))
    kill -9 "$server"; wait "$server" 2>/dev/null; server=""
    wait "$client" 2>/dev/null
    # restart
    start_server || return
    leftover=$((leftover + $(partial_files "$home")))
    stop_server
    check_store "$home" "kill-serve round $r"
    present "slow$r@1" && note "  round $r: the killed upload had completed before the kill"
  done
  for ref in "${acked[@]}"; do present "$ref" || lost=$((lost + 1)); done
  note "kill -9 serve: $rounds rounds, ${#acked[@]} acknowledged uploads, $lost lost; a .part existed at the kill in $seen_part rounds, left after restart $leftover"
  (( lost == 0 && leftover == 0 )) || fail "kill -9 serve"
}

note "crash-rounds.sh: $assay, scratch $scratch, rounds $rounds"
wal_scenario home
wal_scenario link
kill_register_rounds
kill_eval_rounds
kill_serve_rounds
note "crash-rounds.sh: $failures failure(s)"
(( failures == 0 ))
