#!/usr/bin/env python3
"""Score an Assay run's log-likelihood items again with llama.cpp, lm-eval style, and compare.

Reads the `samples_<task>.jsonl` files Assay writes next to a run's results (lm-eval's
--log_samples shape: each record's `arguments` hold the rendered context and the continuations,
`resps` Assay's log-likelihoods). For every record it tokenizes context and context+continuation
with llama.cpp (BOS as the GGUF says), takes the continuation tokens as lm-eval does (the tokens of
context+continuation after those of the context), runs ONE forward pass over the context plus all
but the last continuation token per choice (one pass per question when every continuation is a
single token, as in MMLU's letter format), and sums the continuation's log-probabilities.

Needs the llama-cpp-python binding (its package directory on PYTHONPATH, LLAMA_CPP_LIB_PATH naming
the directory that holds libllama.so; build notes in ../shared/fixtures/README.md). This script
does not build or install llama.cpp.

The --json output keeps llama.cpp's log-likelihoods per item (with a SHA-256 of the context).
`--llama-scores OUT.json` compares another Assay run of the same items (e.g. after an engine
change) with those saved values instead of running llama.cpp again; items whose context hash
differs are refused.

usage: mmlu-llamacpp-scorer.py MODEL.gguf SAMPLES.jsonl [--threads 2] [--json OUT]
       mmlu-llamacpp-scorer.py --llama-scores OUT.json SAMPLES.jsonl [--json OUT2]
"""
import argparse, hashlib, json, math, sys, time

import numpy as np


def llama_cpp_scorer(model_path, threads):
    """Returns score(context, continuations) -> log-likelihoods, computed by llama.cpp."""
    import llama_cpp as L

    L.llama_backend_init()
    quiet = L.llama_log_callback(lambda *args: None)  # kept alive: llama.cpp calls it later
    L.llama_log_set(quiet, None)
    model = L.llama_model_load_from_file(model_path.encode(), L.llama_model_default_params())
    if not model:
        raise SystemExit(f"error: llama.cpp could not load {model_path}")
    vocab = L.llama_model_get_vocab(model)
    nv = L.llama_vocab_n_tokens(vocab)
    add_bos = bool(L.llama_vocab_get_add_bos(vocab))
    cp = L.llama_context_default_params()
    cp.n_ctx = 4096
    cp.n_threads = cp.n_threads_batch = threads
    cp.flash_attn_type = 0
    ctx = L.llama_init_from_model(model, cp)
    mem = L.llama_get_memory(ctx)

    def tokenize(text, bos):
        raw = text.encode()
        buf = (L.llama_token * (len(raw) + 8))()
        n = L.llama_tokenize(vocab, raw, len(raw), buf, len(buf), bos, False)
        return list(buf[:n])

    def logprobs_at(tokens, rows):
        L.llama_memory_clear(mem, True)
        batch = L.llama_batch_init(len(tokens), 0, 1)
        for i, t in enumerate(tokens):
            batch.token[i] = t; batch.pos[i] = i; batch.n_seq_id[i] = 1; batch.seq_id[i][0] = 0
            batch.logits[i] = i in rows
        batch.n_tokens = len(tokens)
        if L.llama_decode(ctx, batch) != 0:
            raise SystemExit("llama_decode failed")
        out = {}
        for r in rows:
            v = np.ctypeslib.as_array(L.llama_get_logits_ith(ctx, r), shape=(nv,)).astype(np.float64)
            m = v.max()
            out[r] = v - (m + math.log(np.exp(v - m).sum()))
        L.llama_batch_free(batch)
        return out

    def score(context, continuations):
        ctx_toks = tokenize(context, add_bos)
        conts = [tokenize(context + c, add_bos)[len(ctx_toks):] for c in continuations]
        if all(len(c) == 1 for c in conts):
            lp = logprobs_at(ctx_toks, {len(ctx_toks) - 1})[len(ctx_toks) - 1]
            return [float(lp[c[0]]) for c in conts]
        lls = []
        for c in conts:
            seq = ctx_toks + c[:-1]
            rows = set(range(len(ctx_toks) - 1, len(seq)))
            lp = logprobs_at(seq, rows)
            lls.append(float(sum(lp[len(ctx_toks) - 1 + i][t] for i, t in enumerate(c))))
        return lls

    return score


def context_hash(args):
    return hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", nargs="?")
    ap.add_argument("samples")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    ap.add_argument("--llama-scores", help="compare with llama.cpp values saved by an earlier --json run")
    a = ap.parse_args()
    if bool(a.model) == bool(a.llama_scores):
        raise SystemExit("error: give either MODEL.gguf or --llama-scores FILE (see --help)")

    records = [json.loads(line) for line in open(a.samples)]
    if a.llama_scores:
        saved = {item["id"]: item for item in json.load(open(a.llama_scores))["items"]}
    else:
        score = llama_cpp_scorer(a.model, a.threads)
    started = time.time()
    rows_out, same_pred, max_diff, correct_a, correct_l, within = [], 0, 0.0, 0, 0, 0
    for rec in records:
        args = [rec["arguments"][f"gen_args_{k}"] for k in range(len(rec["arguments"]))]
        item_id, digest = rec["doc"]["id"], context_hash(args)
        if a.llama_scores:
            entry = saved.get(item_id)
            if entry is None:
                raise SystemExit(f"error: {item_id} is not in {a.llama_scores}")
            if entry.get("context_sha256", digest) != digest:
                raise SystemExit(f"error: {item_id}: the context differs from the one llama.cpp scored")
            lls = entry["llama_cpp"]
        else:
            lls = score(args[0]["arg_0"], [g["arg_1"] for g in args])
        assay = [float(r[0][0]) for r in rec["resps"]]
        diff = max(abs(x - y) for x, y in zip(assay, lls))
        max_diff = max(max_diff, diff)
        within += diff <= 0.05
        pa, pl = int(np.argmax(assay)), int(np.argmax(lls))
        same_pred += pa == pl
        answer = rec["doc"].get("answer")
        correct_a += pa == answer
        correct_l += pl == answer
        rows_out.append({"doc_id": rec["doc_id"], "id": item_id, "context_sha256": digest,
                         "assay": assay, "llama_cpp": lls})
    n = len(records)
    summary = {"items": n, "same_prediction": same_pred, "all_within_0.05": within, "max_abs_diff": max_diff,
               "accuracy_assay": correct_a / n if n else 0, "accuracy_llama_cpp": correct_l / n if n else 0,
               "seconds": round(time.time() - started, 1)}
    print(json.dumps(summary))
    if a.json:
        json.dump({"summary": summary, "items": rows_out}, open(a.json, "w"))


if __name__ == "__main__":
    main()
