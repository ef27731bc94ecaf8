import Foundation
import TestSupport
import Testing

@testable import Hashing

/// Seeded SplitMix64 so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

struct SHA256Tests {
    /// FIPS 180-4 / NIST CSRC example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        )
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    }

    @Test func oneMillionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(message).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundary (55, 56, 63, 64, 65 bytes) against digests from `sha256sum`.
    @Test func paddingBoundaries() throws {
        for length in [55, 56, 57, 63, 64, 65, 119, 120, 128] {
            let message = [UInt8](repeating: 0x61, count: length)
            var oneShot = SHA256()
            oneShot.update(bytes: message)
            var byteWise = SHA256()
            for b in message { byteWise.update(bytes: [b]) }
            #expect(oneShot.finalize() == byteWise.finalize(), "length \(length)")
        }
        #expect(
            SHA256.hash([UInt8](repeating: 0x61, count: 64)).hex
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func randomSplitsGiveTheSameDigest() {
        var rng = SplitMix64(seed: 42)
        let data = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let expected = SHA256.hash(data)
        for _ in 0..<200 {
            var hasher = SHA256()
            var offset = 0
            while offset < data.count {
                let n = Int.random(in: 0...min(300, data.count - offset), using: &rng)
                data[offset..<offset + n].withUnsafeBytes { hasher.update($0) }
                offset += n
            }
            #expect(hasher.finalize() == expected)
        }
    }

    @Test func finalizeDoesNotConsumeTheHasher() {
        var hasher = SHA256()
        hasher.update(bytes: Array("ab".utf8))
        _ = hasher.finalize()
        hasher.update(bytes: Array("c".utf8))
        #expect(hasher.finalize().hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Round constants are the first 32 bits of the fractional parts of the cube roots of the
    /// first 64 primes (FIPS 180-4 §4.2.2).
    @Test func roundConstantsMatchTheirDefinition() {
        var primes: [UInt64] = []
        var n: UInt64 = 2
        while primes.count < 64 {
            if primes.allSatisfy({ n % $0 != 0 }) { primes.append(n) }
            n += 1
        }
        for (i, p) in primes.enumerated() {
            // floor(cbrt(p) * 2^32) via integer search on p * 2^96 (fits in 128-bit arithmetic).
            var lo: UInt64 = 0
            var hi: UInt64 = 1 << 40
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                let cube = (UInt128(mid) * UInt128(mid)) * UInt128(mid)
                if cube <= UInt128(p) << 96 { lo = mid } else { hi = mid - 1 }
            }
            #expect(UInt32(truncatingIfNeeded: lo) == SHA256.roundConstants[i], "K[\(i)]")
        }
    }

    @Test func hexRoundTrip() {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xab, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(SHA256Digest(hex: String(repeating: "0", count: 63)) == nil)
    }

    /// Writes a deterministic 112 MB file and compares the digest with `sha256sum`.
    @Test func matchesSha256sumOnALargeFile() throws {
        let dir = TemporaryDirectory("hashing")
        let file = dir.path("big.bin")
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var rng = SplitMix64(seed: 7)
        block.withUnsafeMutableBytes { raw in
            for i in 0..<(raw.count / 8) { raw.storeBytes(of: rng.next(), toByteOffset: i * 8, as: UInt64.self) }
        }
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        for i in 0..<112 {
            block[0] = UInt8(i) // every megabyte differs
            handle.write(Data(block))
        }
        try handle.close()
        let ours = try SHA256.hash(fileAtPath: file.path)
        #expect(ours.size == 112 << 20)
        let reference = try sha256sum(file.path)
        #expect(ours.sha256.hex == reference)
    }

    /// File hashing with tiny and odd chunk sizes equals hashing the bytes in memory.
    @Test(arguments: [1, 63, 64, 65, 1000, 4 << 20])
    func fileChunkSizesDoNotMatter(chunkSize: Int) throws {
        let dir = TemporaryDirectory("hashing")
        var rng = SplitMix64(seed: 3)
        let data = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let file = dir.path("f.bin")
        try Data(data).write(to: file)
        var reported: UInt64 = 0
        let digest = try SHA256.hash(fileAtPath: file.path, chunkSize: chunkSize) { reported = $0 }
        #expect(digest.sha256 == SHA256.hash(data))
        #expect(digest.size == 5_000 && reported == 5_000)
    }

    @Test func missingFileIsATypedError() {
        #expect(throws: FileHashingError.self) { try SHA256.hash(fileAtPath: "/nonexistent/x.gguf") }
    }

    private func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}

struct HMACSHA256Tests {
    /// RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
    @Test func rfc4231() {
        #expect(
            HMACSHA256.authenticate(Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20)).hex
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            HMACSHA256.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8)).hex
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            HMACSHA256.authenticate(
                Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                key: [UInt8](repeating: 0xaa, count: 131)
            ).hex
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func constantTimeEqual() {
        #expect(HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!HMACSHA256.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!HMACSHA256.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}
