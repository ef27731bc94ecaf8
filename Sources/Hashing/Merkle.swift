/// Merkle tree hashing, inclusion and consistency proofs as defined by RFC 9162 §2.1
/// (Certificate Transparency v2): leaf hash = SHA-256(0x00 ‖ leaf), interior node =
/// SHA-256(0x01 ‖ left ‖ right), the left subtree of an n-leaf tree holds the largest power of
/// two smaller than n leaves.
///
/// Trees are given as their leaf hashes (`leafHash` of each entry, in order).
public enum MerkleTree {
    public typealias Hash = [UInt8]

    /// SHA-256(0x00 ‖ data).
    public static func leafHash(_ data: [UInt8]) -> Hash {
        var hasher = SHA256()
        hasher.update(bytes: [0x00])
        hasher.update(bytes: data)
        return hasher.finalize().bytes
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        hasher.update(bytes: [0x01])
        hasher.update(bytes: left)
        hasher.update(bytes: right)
        return hasher.finalize().bytes
    }

    /// MTH of the empty tree: SHA-256 of nothing.
    public static var emptyRoot: Hash { SHA256.hash([UInt8]()).bytes }

    /// The largest power of two strictly smaller than `n` (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[n]) over the leaf hashes.
    public static func root(_ leaves: ArraySlice<Hash>) -> Hash {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            let k = split(leaves.count)
            let mid = leaves.startIndex + k
            return nodeHash(root(leaves[leaves.startIndex..<mid]), root(leaves[mid...]))
        }
    }

    public static func root(_ leaves: [Hash]) -> Hash { root(leaves[...]) }

    /// PATH(m, D[n]): the audit path of leaf `index` (RFC 9162 §2.1.3.1).
    public static func inclusionProof(index: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        let n = leaves.count
        guard n > 1, index >= 0, index < n else { return [] }
        let k = split(n)
        let mid = leaves.startIndex + k
        if index < k {
            return inclusionProof(index: index, leaves: leaves[leaves.startIndex..<mid]) + [root(leaves[mid...])]
        }
        return inclusionProof(index: index - k, leaves: leaves[mid...]) + [root(leaves[leaves.startIndex..<mid])]
    }

    /// PROOF(m, D[n]) (RFC 9162 §2.1.4.1) for 0 < m ≤ n; empty for m = n.
    public static func consistencyProof(first m: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        guard m > 0, m <= leaves.count else { return [] }
        return subproof(m, leaves, complete: true)
    }

    static func subproof(_ m: Int, _ leaves: ArraySlice<Hash>, complete: Bool) -> [Hash] {
        let n = leaves.count
        if m == n { return complete ? [] : [root(leaves)] }
        let k = split(n)
        let mid = leaves.startIndex + k
        if m <= k {
            return subproof(m, leaves[leaves.startIndex..<mid], complete: complete) + [root(leaves[mid...])]
        }
        return subproof(m - k, leaves[mid...], complete: false) + [root(leaves[leaves.startIndex..<mid])]
    }

    /// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(index: Int, treeSize: Int, leafHash: Hash, proof: [Hash], root: Hash) -> Bool {
        guard index >= 0, index < treeSize else { return false }
        var r = leafHash
        let sn = walk(proof[...], fn: index, sn: treeSize - 1) { p, isLeft in
            r = isLeft ? nodeHash(p, r) : nodeHash(r, p)
        }
        return sn == 0 && r == root
    }

    /// Verifies a consistency proof between an earlier tree (`firstSize`, `firstRoot`) and a
    /// later one (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots; an
    /// empty first tree is consistent with everything.
    public static func verifyConsistency(
        firstSize: Int, secondSize: Int, firstRoot: Hash, secondRoot: Hash,
        proof: [Hash]
    ) -> Bool {
        guard firstSize >= 0, firstSize <= secondSize else { return false }
        if firstSize == 0 { return proof.isEmpty }
        if firstSize == secondSize { return proof.isEmpty && firstRoot == secondRoot }
        guard !proof.isEmpty else { return false }
        var path = proof
        if firstSize & (firstSize - 1) == 0 { path.insert(firstRoot, at: 0) }
        var fn = firstSize - 1
        var sn = secondSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        let last = walk(path.dropFirst(), fn: fn, sn: sn) { c, isLeft in
            if isLeft {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
            } else {
                sr = nodeHash(sr, c)
            }
        }
        return fr == firstRoot && sr == secondRoot && last == 0
    }

    /// The walk both verifiers share (RFC 9162 §2.1.3.2 and §2.1.4.2): `fn` is the node's index
    /// and `sn` the last index on the current level; `step` gets each proof hash and whether it
    /// is the left sibling. Returns the final `sn`, nil when the proof is longer than the tree.
    static func walk(_ proof: ArraySlice<Hash>, fn start: Int, sn last: Int, _ step: (Hash, Bool) -> Void) -> Int? {
        var fn = start
        var sn = last
        for p in proof {
            if sn == 0 { return nil }
            let isLeft = fn & 1 == 1 || fn == sn
            step(p, isLeft)
            if isLeft {
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            }
            fn >>= 1
            sn >>= 1
        }
        return sn
    }
}
