"""Compares lm-eval's per-sample log-likelihoods (--log_samples) with an Assay run's items.jsonl.

Usage: compare.py ASSAY_ITEMS_JSONL LM_EVAL_SAMPLES_JSONL
Prints the number of items and choices compared and the largest |difference|; exits 1 when an
item is missing or a difference reaches 1e-6.
"""
import json
import sys

assay = {}
with open(sys.argv[1]) as f:
    for line in f:
        row = json.loads(line)
        assay[row["item"]] = row["loglikelihoods"]

worst, compared, items = 0.0, 0, 0
with open(sys.argv[2]) as f:
    for line in f:
        sample = json.loads(line)
        item = sample["doc"]["id"]
        if item not in assay:
            print(f"item {item} is not in the Assay run", file=sys.stderr)
            sys.exit(1)
        lm = [resp[0][0] for resp in sample["resps"]]
        ours = assay[item]
        if len(lm) != len(ours):
            print(f"item {item}: {len(lm)} choices from lm-eval, {len(ours)} from Assay", file=sys.stderr)
            sys.exit(1)
        for a, b in zip(lm, ours):
            worst = max(worst, abs(float(a) - float(b)))
            compared += 1
        items += 1
print(f"items {items}, choices {compared}, max |lm-eval - assay| = {worst:.3e}")
sys.exit(0 if items > 0 and worst < 1e-6 else 1)
