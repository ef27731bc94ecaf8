// The 64 SHA-256 rounds of FIPS 180-4 §6.2.2, fully unrolled (written out mechanically).
// Instead of shifting a…h every round, each round names the working variables in rotated order
// (round r uses a…h rotated right by r mod 8), so no moves are needed. The message schedule is
// kept in 16 rolling words. Round constants: FIPS 180-4 §4.2.2 (checked by HashingTests).

extension SHA256 {
    /// Compresses `count` consecutive 64-byte blocks starting at `p` into `state`.
    @inline(__always)
    static func compress(_ state: inout State, _ p: UnsafeRawPointer, blocks count: Int) {
        var a = state.a
        var b = state.b
        var c = state.c
        var d = state.d
        var e = state.e
        var f = state.f
        var g = state.g
        var h = state.h
        var p = p
        for _ in 0..<count {
            var w0 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            var w1 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            var w2 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            var w3 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
            var w4 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            var w5 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 20, as: UInt32.self))
            var w6 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
            var w7 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
            var w8 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 32, as: UInt32.self))
            var w9 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 36, as: UInt32.self))
            var w10 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 40, as: UInt32.self))
            var w11 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 44, as: UInt32.self))
            var w12 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt32.self))
            var w13 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 52, as: UInt32.self))
            var w14 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 56, as: UInt32.self))
            var w15 = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 60, as: UInt32.self))
            let a0 = a
            let b0 = b
            let c0 = c
            let d0 = d
            let e0 = e
            let f0 = f
            let g0 = g
            let h0 = h
            SHA256.round(a, b, c, &d, e, f, g, &h, 0x428a_2f98, w0)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0x7137_4491, w1)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0xb5c0_fbcf, w2)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0xe9b5_dba5, w3)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0x3956_c25b, w4)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0x59f1_11f1, w5)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0x923f_82a4, w6)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0xab1c_5ed5, w7)
            SHA256.round(a, b, c, &d, e, f, g, &h, 0xd807_aa98, w8)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0x1283_5b01, w9)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0x2431_85be, w10)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0x550c_7dc3, w11)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0x72be_5d74, w12)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0x80de_b1fe, w13)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0x9bdc_06a7, w14)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0xc19b_f174, w15)
            w0 = w0 &+ SHA256.sigma1(w14) &+ w9 &+ SHA256.sigma0(w1)
            SHA256.round(a, b, c, &d, e, f, g, &h, 0xe49b_69c1, w0)
            w1 = w1 &+ SHA256.sigma1(w15) &+ w10 &+ SHA256.sigma0(w2)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0xefbe_4786, w1)
            w2 = w2 &+ SHA256.sigma1(w0) &+ w11 &+ SHA256.sigma0(w3)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0x0fc1_9dc6, w2)
            w3 = w3 &+ SHA256.sigma1(w1) &+ w12 &+ SHA256.sigma0(w4)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0x240c_a1cc, w3)
            w4 = w4 &+ SHA256.sigma1(w2) &+ w13 &+ SHA256.sigma0(w5)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0x2de9_2c6f, w4)
            w5 = w5 &+ SHA256.sigma1(w3) &+ w14 &+ SHA256.sigma0(w6)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0x4a74_84aa, w5)
            w6 = w6 &+ SHA256.sigma1(w4) &+ w15 &+ SHA256.sigma0(w7)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0x5cb0_a9dc, w6)
            w7 = w7 &+ SHA256.sigma1(w5) &+ w0 &+ SHA256.sigma0(w8)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0x76f9_88da, w7)
            w8 = w8 &+ SHA256.sigma1(w6) &+ w1 &+ SHA256.sigma0(w9)
            SHA256.round(a, b, c, &d, e, f, g, &h, 0x983e_5152, w8)
            w9 = w9 &+ SHA256.sigma1(w7) &+ w2 &+ SHA256.sigma0(w10)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0xa831_c66d, w9)
            w10 = w10 &+ SHA256.sigma1(w8) &+ w3 &+ SHA256.sigma0(w11)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0xb003_27c8, w10)
            w11 = w11 &+ SHA256.sigma1(w9) &+ w4 &+ SHA256.sigma0(w12)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0xbf59_7fc7, w11)
            w12 = w12 &+ SHA256.sigma1(w10) &+ w5 &+ SHA256.sigma0(w13)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0xc6e0_0bf3, w12)
            w13 = w13 &+ SHA256.sigma1(w11) &+ w6 &+ SHA256.sigma0(w14)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0xd5a7_9147, w13)
            w14 = w14 &+ SHA256.sigma1(w12) &+ w7 &+ SHA256.sigma0(w15)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0x06ca_6351, w14)
            w15 = w15 &+ SHA256.sigma1(w13) &+ w8 &+ SHA256.sigma0(w0)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0x1429_2967, w15)
            w0 = w0 &+ SHA256.sigma1(w14) &+ w9 &+ SHA256.sigma0(w1)
            SHA256.round(a, b, c, &d, e, f, g, &h, 0x27b7_0a85, w0)
            w1 = w1 &+ SHA256.sigma1(w15) &+ w10 &+ SHA256.sigma0(w2)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0x2e1b_2138, w1)
            w2 = w2 &+ SHA256.sigma1(w0) &+ w11 &+ SHA256.sigma0(w3)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0x4d2c_6dfc, w2)
            w3 = w3 &+ SHA256.sigma1(w1) &+ w12 &+ SHA256.sigma0(w4)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0x5338_0d13, w3)
            w4 = w4 &+ SHA256.sigma1(w2) &+ w13 &+ SHA256.sigma0(w5)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0x650a_7354, w4)
            w5 = w5 &+ SHA256.sigma1(w3) &+ w14 &+ SHA256.sigma0(w6)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0x766a_0abb, w5)
            w6 = w6 &+ SHA256.sigma1(w4) &+ w15 &+ SHA256.sigma0(w7)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0x81c2_c92e, w6)
            w7 = w7 &+ SHA256.sigma1(w5) &+ w0 &+ SHA256.sigma0(w8)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0x9272_2c85, w7)
            w8 = w8 &+ SHA256.sigma1(w6) &+ w1 &+ SHA256.sigma0(w9)
            SHA256.round(a, b, c, &d, e, f, g, &h, 0xa2bf_e8a1, w8)
            w9 = w9 &+ SHA256.sigma1(w7) &+ w2 &+ SHA256.sigma0(w10)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0xa81a_664b, w9)
            w10 = w10 &+ SHA256.sigma1(w8) &+ w3 &+ SHA256.sigma0(w11)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0xc24b_8b70, w10)
            w11 = w11 &+ SHA256.sigma1(w9) &+ w4 &+ SHA256.sigma0(w12)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0xc76c_51a3, w11)
            w12 = w12 &+ SHA256.sigma1(w10) &+ w5 &+ SHA256.sigma0(w13)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0xd192_e819, w12)
            w13 = w13 &+ SHA256.sigma1(w11) &+ w6 &+ SHA256.sigma0(w14)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0xd699_0624, w13)
            w14 = w14 &+ SHA256.sigma1(w12) &+ w7 &+ SHA256.sigma0(w15)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0xf40e_3585, w14)
            w15 = w15 &+ SHA256.sigma1(w13) &+ w8 &+ SHA256.sigma0(w0)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0x106a_a070, w15)
            w0 = w0 &+ SHA256.sigma1(w14) &+ w9 &+ SHA256.sigma0(w1)
            SHA256.round(a, b, c, &d, e, f, g, &h, 0x19a4_c116, w0)
            w1 = w1 &+ SHA256.sigma1(w15) &+ w10 &+ SHA256.sigma0(w2)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0x1e37_6c08, w1)
            w2 = w2 &+ SHA256.sigma1(w0) &+ w11 &+ SHA256.sigma0(w3)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0x2748_774c, w2)
            w3 = w3 &+ SHA256.sigma1(w1) &+ w12 &+ SHA256.sigma0(w4)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0x34b0_bcb5, w3)
            w4 = w4 &+ SHA256.sigma1(w2) &+ w13 &+ SHA256.sigma0(w5)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0x391c_0cb3, w4)
            w5 = w5 &+ SHA256.sigma1(w3) &+ w14 &+ SHA256.sigma0(w6)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0x4ed8_aa4a, w5)
            w6 = w6 &+ SHA256.sigma1(w4) &+ w15 &+ SHA256.sigma0(w7)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0x5b9c_ca4f, w6)
            w7 = w7 &+ SHA256.sigma1(w5) &+ w0 &+ SHA256.sigma0(w8)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0x682e_6ff3, w7)
            w8 = w8 &+ SHA256.sigma1(w6) &+ w1 &+ SHA256.sigma0(w9)
            SHA256.round(a, b, c, &d, e, f, g, &h, 0x748f_82ee, w8)
            w9 = w9 &+ SHA256.sigma1(w7) &+ w2 &+ SHA256.sigma0(w10)
            SHA256.round(h, a, b, &c, d, e, f, &g, 0x78a5_636f, w9)
            w10 = w10 &+ SHA256.sigma1(w8) &+ w3 &+ SHA256.sigma0(w11)
            SHA256.round(g, h, a, &b, c, d, e, &f, 0x84c8_7814, w10)
            w11 = w11 &+ SHA256.sigma1(w9) &+ w4 &+ SHA256.sigma0(w12)
            SHA256.round(f, g, h, &a, b, c, d, &e, 0x8cc7_0208, w11)
            w12 = w12 &+ SHA256.sigma1(w10) &+ w5 &+ SHA256.sigma0(w13)
            SHA256.round(e, f, g, &h, a, b, c, &d, 0x90be_fffa, w12)
            w13 = w13 &+ SHA256.sigma1(w11) &+ w6 &+ SHA256.sigma0(w14)
            SHA256.round(d, e, f, &g, h, a, b, &c, 0xa450_6ceb, w13)
            w14 = w14 &+ SHA256.sigma1(w12) &+ w7 &+ SHA256.sigma0(w15)
            SHA256.round(c, d, e, &f, g, h, a, &b, 0xbef9_a3f7, w14)
            w15 = w15 &+ SHA256.sigma1(w13) &+ w8 &+ SHA256.sigma0(w0)
            SHA256.round(b, c, d, &e, f, g, h, &a, 0xc671_78f2, w15)
            a = a &+ a0
            b = b &+ b0
            c = c &+ c0
            d = d &+ d0
            e = e &+ e0
            f = f &+ f0
            g = g &+ g0
            h = h &+ h0
            p += 64
        }
        state = State(a: a, b: b, c: c, d: d, e: e, f: f, g: g, h: h)
    }
}
