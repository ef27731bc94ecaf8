#!/usr/bin/env python3
"""Check that an Assay registry's audit log still extends a signed checkpoint.

A third party needs only an old checkpoint (from `assay audit checkpoint`), the public key it
trusts, and read access to the registry's HTTP API:

    python3 scripts/audit-witness.py --checkpoint cp.json --public-key audit.pub \\
        --server http://registry:8080 [--token $ASSAY_TOKEN] [--full]

Exit 0: the signature is valid and the current log extends the checkpointed tree.
Exit 1: bad signature, truncation (fewer events than the checkpoint covers) or a rewritten /
reordered prefix (the RFC 9162 consistency proof fails, or with --full the recomputed root of
the first tree_size events differs). Exit 2: usage or connection problems.

--full downloads every event, recomputes each Merkle leaf from the event's content (the
canonical JSON array whose SHA-256 is the event hash) and checks both the checkpointed root and
the server's current root, so a server cannot answer with a made-up tree head.

Needs python3 and the `cryptography` package (pip install cryptography). See docs/audit.md.
"""
import argparse
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

FORMAT = "assay-audit-checkpoint-v1"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """RFC 9162 §2.1.1 Merkle tree hash over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k << 1 < n:
        k <<= 1
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_consistency(first, second, first_root, second_root, proof):
    """RFC 9162 §2.1.4.2."""
    if first == 0:
        return not proof
    if first == second:
        return not proof and first_root == second_root
    if first > second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_leaf(event) -> bytes:
    payload = canonical(event["payload"]).decode("utf-8")
    array = ["assay-audit-v1", event["seq"], event["time"], event["actor"], event["action"],
             event["subject"], payload, event["prev_hash"]]
    return leaf_hash(canonical(array))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--public-key", required=True, help="64 hex digits or a file holding them")
    parser.add_argument("--server", required=True, help="e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", default=os.environ.get("ASSAY_TOKEN"))
    parser.add_argument("--full", action="store_true", help="recompute every leaf from the events")
    args = parser.parse_args()

    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        print("audit-witness: needs the 'cryptography' package (pip install cryptography)", file=sys.stderr)
        return 2

    key_text = args.public_key
    if not (len(key_text) == 64 and all(c in "0123456789abcdef" for c in key_text.lower())):
        try:
            key_text = open(key_text).read().strip()
        except OSError as error:
            print(f"audit-witness: cannot read public key {args.public_key}: {error.strerror}", file=sys.stderr)
            return 2
    try:
        public_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_text))
        with open(args.checkpoint) as handle:
            checkpoint = json.load(handle)
        size = int(checkpoint["tree_size"])
        root = bytes.fromhex(checkpoint["root_hash"])
        signed = f"{FORMAT}\n{size}\n{checkpoint['root_hash']}\n{checkpoint['timestamp']}\n".encode("utf-8")
        signature = bytes.fromhex(checkpoint["signature"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"audit-witness: unusable checkpoint or key: {error}", file=sys.stderr)
        return 2
    if checkpoint.get("format") != FORMAT:
        print(f"audit-witness: unknown checkpoint format {checkpoint.get('format')!r}", file=sys.stderr)
        return 2
    try:
        public_key.verify(signature, signed)
    except InvalidSignature:
        print("BAD SIGNATURE: the checkpoint was not signed by this key (or was altered)")
        return 1

    def get(path):
        request = urllib.request.Request(args.server.rstrip("/") + path)
        if args.token:
            request.add_header("Authorization", f"Bearer {args.token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    try:
        head = get("/api/v1/audit/tree")
        current, current_root = int(head["tree_size"]), bytes.fromhex(head["root_hash"])
        if current < size:
            print(f"TRUNCATED: the checkpoint covers {size} events, the log now has {current}")
            return 1
        proof = get(f"/api/v1/audit/proofs/consistency?first={size}&second={current}")
        path = [bytes.fromhex(h) for h in proof["proof"]]
        if not verify_consistency(size, current, root, current_root, path):
            print(f"REWRITTEN: the log of {current} events does not extend the checkpointed tree of {size} "
                  "(events deleted, rewritten or reordered)")
            return 1
        if args.full:
            leaves, after = [], 0
            while True:
                page = get(f"/api/v1/audit/events?after={after}&limit=1000")
                for event in page["items"]:
                    if event["seq"] != len(leaves) + 1:
                        print(f"REWRITTEN: event sequence gap at {event['seq']}")
                        return 1
                    leaves.append(event_leaf(event))
                if page.get("next_after") is None:
                    break
                after = page["next_after"]
            if len(leaves) < size:
                print(f"TRUNCATED: the checkpoint covers {size} events, the server lists {len(leaves)}")
                return 1
            if mth(leaves[:size]) != root:
                print(f"REWRITTEN: the first {size} events no longer hash to the checkpointed root")
                return 1
            if len(leaves) != current or mth(leaves) != current_root:
                print("INCONSISTENT: the server's tree head does not match the events it lists")
                return 1
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        print(f"audit-witness: cannot read the registry at {args.server}: {error}", file=sys.stderr)
        return 2
    print(f"OK: the log ({current} events) extends the checkpoint of {size} events signed {checkpoint['timestamp']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
