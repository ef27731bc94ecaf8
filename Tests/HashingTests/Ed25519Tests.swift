import Foundation
import TestSupport
import Testing

@testable import Hashing

/// SHA-512 (FIPS 180-4 examples), Ed25519 (RFC 8032 §7.1 vectors and python `cryptography`),
/// Merkle proofs (RFC 9162 §2.1) for issue 12 item 5.
struct Ed25519Tests {
    func hex(_ s: String) -> [UInt8] { Hex.decode(s) ?? [] }

    @Test func sha512Examples() {
        #expect(
            Hex.encode(SHA512.hash(Array("abc".utf8)))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
        #expect(
            Hex.encode(
                SHA512.hash(
                    Array(
                        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
                            .utf8)))
                == "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"
        )
        #expect(
            Hex.encode(SHA512.hash([UInt8]()))
                == "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
        )
        // Split updates agree with one-shot hashing across block boundaries.
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for cut in [0, 1, 111, 112, 127, 128, 129, 255, 300] {
            var h = SHA512()
            h.update(Array(bytes[0..<cut]))
            h.update(Array(bytes[cut...]))
            #expect(h.finalize() == SHA512.hash(bytes))
        }
    }

    /// RFC 8032 §7.1 TEST 1-3.
    @Test(arguments: [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        )
    ])
    func rfc8032Vectors(_ secret: String, _ publicKey: String, _ message: String, _ signature: String) throws {
        #expect(Hex.encode(try Ed25519.publicKey(seed: hex(secret))) == publicKey)
        let signed = try Ed25519.sign(hex(message), seed: hex(secret))
        #expect(Hex.encode(signed) == signature)
        #expect(Ed25519.verify(signed, message: hex(message), publicKey: hex(publicKey)))
        // Any flipped bit in the message, the signature or the key fails.
        #expect(!Ed25519.verify(signed, message: hex(message) + [0], publicKey: hex(publicKey)))
        var bad = signed
        bad[5] ^= 1
        #expect(!Ed25519.verify(bad, message: hex(message), publicKey: hex(publicKey)))
        bad = signed
        bad[40] ^= 0x10
        #expect(!Ed25519.verify(bad, message: hex(message), publicKey: hex(publicKey)))
        var key = hex(publicKey)
        key[3] ^= 2
        #expect(!Ed25519.verify(signed, message: hex(message), publicKey: key))
    }

    @Test func rejectsMalformedInput() {
        #expect(throws: Ed25519.KeyError.self) { try Ed25519.sign([1], seed: [1, 2, 3]) }
        #expect(
            !Ed25519.verify([UInt8](repeating: 0, count: 63), message: [], publicKey: [UInt8](repeating: 0, count: 32)))
        // S ≥ L is refused (malleability).
        let seed = [UInt8](repeating: 7, count: 32)
        if let sig = try? Ed25519.sign([1, 2], seed: seed), let pk = try? Ed25519.publicKey(seed: seed) {
            var s = Array(sig[32...])
            var carry = 0
            for i in 0..<32 {
                let v = Int(s[i]) + Int(Scalar.order[i]) + carry
                s[i] = UInt8(v & 0xff)
                carry = v >> 8
            }
            if carry == 0 { #expect(!Ed25519.verify(Array(sig[0..<32]) + s, message: [1, 2], publicKey: pk)) }
        }
    }

    /// Cross-check with python `cryptography`: our signatures verify there, theirs verify here.
    @Test(.enabled(if: Fixtures.pythonModuleAvailableOrCI("cryptography")))
    func agreesWithPythonCryptography() throws {
        let dir = TemporaryDirectory("ed25519-py")
        var cases: [(seed: [UInt8], message: [UInt8])] = []
        var rng = UInt64(0x9e37_79b9_7f4a_7c15)
        func next() -> UInt8 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: rng >> 33)
        }
        for n in [0, 1, 31, 32, 33, 64, 127, 128, 1000] {
            cases.append(((0..<32).map { _ in next() }, (0..<n).map { _ in next() }))
        }
        var lines: [String] = []
        for c in cases {
            let sig = try Ed25519.sign(c.message, seed: c.seed)
            lines.append(
                [
                    Hex.encode(c.seed), Hex.encode(try Ed25519.publicKey(seed: c.seed)), Hex.encode(c.message),
                    Hex.encode(sig)
                ].joined(separator: " "))
        }
        let input = dir.path("cases.txt")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
        let script = """
            import sys
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
            from cryptography.hazmat.primitives import serialization
            for line in open(sys.argv[1]):
                seed, pk, msg, sig = (line.split() + [''] * 4)[:4] if len(line.split()) == 4 else (line.split()[0], line.split()[1], '', line.split()[2])
                key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed))
                raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
                assert raw == pk, 'public key differs'
                Ed25519PublicKey.from_public_bytes(bytes.fromhex(pk)).verify(bytes.fromhex(sig), bytes.fromhex(msg))
                theirs = key.sign(bytes.fromhex(msg) + b'!').hex()
                print(seed, pk, (bytes.fromhex(msg) + b'!').hex(), theirs)
            """
        let output = try Python.run(script, arguments: [input.path])
        #expect(output.status == 0, "\(output.stderr)")
        let rows = output.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.count == cases.count)
        for row in rows where row.count == 4 {
            #expect(Ed25519.verify(hex(row[3]), message: hex(row[2]), publicKey: hex(row[1])))
            #expect(Hex.encode(try Ed25519.sign(hex(row[2]), seed: hex(row[0]))) == row[3])
        }
    }

    /// Every inclusion and consistency proof for trees up to 24 leaves verifies, and fails for
    /// a wrong leaf, root or size.
    @Test func merkleProofsRoundTrip() {
        let all = (0..<24).map { MerkleTree.leafHash([UInt8($0)]) }
        #expect(MerkleTree.root([]) == SHA256.hash([UInt8]()).bytes)
        #expect(MerkleTree.root([all[0]]) == all[0])
        #expect(MerkleTree.root(Array(all[0..<2])) == MerkleTree.nodeHash(all[0], all[1]))
        #expect(MerkleTree.root(Array(all[0..<3])) == MerkleTree.nodeHash(MerkleTree.nodeHash(all[0], all[1]), all[2]))
        for n in 1...all.count {
            let leaves = all[0..<n]
            let root = MerkleTree.root(leaves)
            for i in 0..<n {
                let proof = MerkleTree.inclusionProof(index: i, leaves: leaves)
                #expect(MerkleTree.verifyInclusion(index: i, treeSize: n, leafHash: all[i], proof: proof, root: root))
                #expect(
                    !MerkleTree.verifyInclusion(
                        index: i, treeSize: n, leafHash: all[(i + 1) % 24], proof: proof, root: root))
                if n > 1 {
                    #expect(
                        !MerkleTree.verifyInclusion(
                            index: (i + 1) % n, treeSize: n, leafHash: all[i], proof: proof, root: root))
                }
            }
            for m in 1...n {
                let proof = MerkleTree.consistencyProof(first: m, leaves: leaves)
                let firstRoot = MerkleTree.root(all[0..<m])
                #expect(
                    MerkleTree.verifyConsistency(
                        firstSize: m, secondSize: n, firstRoot: firstRoot, secondRoot: root, proof: proof),
                    "m \(m) n \(n)")
                if m < n {
                    // A different first tree (one leaf changed) is not consistent.
                    var changed = Array(all[0..<m])
                    changed[m - 1] = MerkleTree.leafHash([0xff])
                    #expect(
                        !MerkleTree.verifyConsistency(
                            firstSize: m, secondSize: n, firstRoot: MerkleTree.root(changed),
                            secondRoot: root, proof: proof), "m \(m) n \(n)")
                    #expect(
                        !MerkleTree.verifyConsistency(
                            firstSize: m, secondSize: n, firstRoot: firstRoot,
                            secondRoot: MerkleTree.leafHash([9]), proof: proof))
                }
            }
        }
    }
}
