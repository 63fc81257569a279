//! Constant-time AES for WebAssembly SIMD (`simd128`), by vector permutation.
//!
//! The S-box is computed, not looked up: Mike Hamburg's vector-permute technique
//! ("Accelerating AES with Vector Permute Instructions", CHES 2009; the "vpaes" of OpenSSL
//! and Botan) maps each byte into a GF((2^4)^2) tower basis and inverts it with 16-entry
//! nibble tables held in registers (`i8x16.swizzle`: the index is data, the table is a
//! register, so no memory address depends on a secret). The nibble-table constants are
//! Hamburg's (public domain).
//!
//! * **Encryption** keeps the state in the tower basis between rounds, as vpaes does: the
//!   tables give `S(x)` and `2·S(x)` there, so MixColumns is rotations and XORs. ShiftRows
//!   is skipped; the state after round r is InvShiftRows^r of the standard one, so each
//!   round uses rotations conjugated by that permutation (period 4) and the round keys are
//!   permuted to match. Round keys come from the textbook FIPS-197 schedule (SubWord
//!   through the same S-box), mapped into the tower basis, with the affine constant 0x63
//!   folded in.
//! * **Decryption** also stays in the tower basis, as the equivalent inverse cipher
//!   (FIPS-197 §5.3.5): its output tables give `9·S⁻¹(x)`, `11·S⁻¹(x)`, `13·S⁻¹(x)` and
//!   `14·S⁻¹(x)` mapped back into the tower basis (the basis change is XOR-linear), so
//!   InvMixColumns is three rotations and XORs, and the round keys pass through
//!   InvMixColumns and the basis change once, at key expansion. It runs four blocks at
//!   once: CBC decryption is parallel.
//! * **Engines.** Every table lookup is `i8x16.swizzle`, which engines implement with a
//!   byte shuffle plus an index clamp; with the `relaxed-simd` target feature it is
//!   `i8x16.relaxed_swizzle`, one instruction. Both give the same results here: indices
//!   are nibbles, or have the top bit set (0x80 marks zero), which both zero the lane.
//!   Fixed permutations are swizzles by index vectors held in [`Tables`] rather than
//!   `i8x16.shuffle`: engines materialize a general shuffle's 16-byte immediate each time.
//!
//! Differential tests against RustCrypto and the NIST vectors run in Node.js and Chromium
//! (`tests/vperm_diff.rs`, `tests/nist_cbc.rs`).

use core::arch::wasm32::*;
use std::cell::OnceCell;

use crate::{Error, Result};

/// Builds a vector from four little-endian words (the layout of Hamburg's tables).
const fn words(w0: u32, w1: u32, w2: u32, w3: u32) -> v128 {
    u32x4(w0, w1, w2, w3)
}

/// Composes two byte permutations: `compose(a, b)` picks `x[a[b[i]]]`.
const fn compose(a: [u8; 16], b: [u8; 16]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = a[b[i] as usize];
        i += 1;
    }
    out
}

/// The nibble tables. They live in each [`Aes`] value and are read through a reference:
/// as compile-time constants, the compiler would rematerialize every one at every use
/// (`v128.const` inside the round loop), which engines turn into several instructions.
#[derive(Clone)]
struct Tables {
    nibble: v128,
    /// Standard basis -> tower basis, for the forward and the inverse S-box.
    enc_in: (v128, v128),
    dec_in: (v128, v128),
    /// Inversion in GF((2^4)^2) (0x80 marks "zero" and swizzles to 0).
    inv_a: v128,
    inv_b: v128,
    /// Tower -> standard basis with the S-box's linear part (last encryption round).
    enc_out: (v128, v128),
    /// `enc_out` followed by `enc_in`: the last round's output already in the tower
    /// basis, where CBC feeds it into the next block (see [`Aes::encrypt_cbc`]).
    chain: (v128, v128),
    /// Tower -> tower: `S(x)` and `2·S(x)` less the affine constant (middle rounds).
    sb1: (v128, v128),
    sb2: (v128, v128),
    /// `3·S(x)` (the XOR of the `sb1` and `sb2` tables), so that the rotated term of
    /// MixColumns needs no XOR before its rotation.
    sb3: (v128, v128),
    /// Tower -> standard basis with the inverse S-box's linear part (last decryption
    /// round).
    dec_out: (v128, v128),
    /// Tower -> tower: `c·S⁻¹(x)` for the InvMixColumns coefficients 14, 11, 13, 9.
    dec_mix: [(v128, v128); 4],
    /// MixColumns rotations for each encryption phase (see [`MC_ROT`]).
    mc: [[v128; 3]; 4],
    /// InvMixColumns rotations by one and three bytes, and InvShiftRows.
    rot1: v128,
    rot3: v128,
    inv_shift_rows: v128,
}

const TABLES: Tables = Tables {
    nibble: u8x16(
        15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
    ),
    enc_in: (vector(ENC_IN.0), vector(ENC_IN.1)),
    dec_in: (vector(DEC_IN.0), vector(DEC_IN.1)),
    inv_a: words(0x0D080180, 0x0E05060F, 0x0A0B0C02, 0x04070309),
    inv_b: words(0x0F0B0780, 0x01040A06, 0x02050809, 0x030D0E0C),
    enc_out: (vector(ENC_OUT.0), vector(ENC_OUT.1)),
    chain: (
        vector(compose_linear(&ENC_IN, ENC_OUT.0)),
        vector(compose_linear(&ENC_IN, ENC_OUT.1)),
    ),
    sb1: (
        words(0xCB503E00, 0xB19BE18F, 0x142AF544, 0xA5DF7A6E),
        words(0xFAE22300, 0x3618D415, 0x0D2ED9EF, 0x3BF7CCC1),
    ),
    sb2: (
        words(0x0B712400, 0xE27A93C6, 0xBC982FCD, 0x5EB7E955),
        words(0x0AE12900, 0x69EB8840, 0xAB82234A, 0xC2A163C8),
    ),
    sb3: (
        words(
            0xCB503E00 ^ 0x0B712400,
            0xB19BE18F ^ 0xE27A93C6,
            0x142AF544 ^ 0xBC982FCD,
            0xA5DF7A6E ^ 0x5EB7E955,
        ),
        words(
            0xFAE22300 ^ 0x0AE12900,
            0x3618D415 ^ 0x69EB8840,
            0x0D2ED9EF ^ 0xAB82234A,
            0x3BF7CCC1 ^ 0xC2A163C8,
        ),
    ),
    dec_out: (vector(DEC_OUT.0), vector(DEC_OUT.1)),
    dec_mix: [
        dec_mix_table(14),
        dec_mix_table(11),
        dec_mix_table(13),
        dec_mix_table(9),
    ],
    mc: {
        let mut out = [[u64x2(0, 0); 3]; 4];
        let mut m = 0;
        while m < 4 {
            let mut k = 0;
            while k < 3 {
                out[m][k] = vector(MC_ROT[m][k]);
                k += 1;
            }
            m += 1;
        }
        out
    },
    rot1: vector(ROT1),
    rot3: vector(ROT3),
    inv_shift_rows: vector(INV_SHIFT_ROWS),
};

/// The S-box's input (standard -> tower) and output (tower -> standard) tables.
const ENC_IN: ([u8; 16], [u8; 16]) = (
    bytes([0x5A2A7000, 0xC2B2E898, 0x52227808, 0xCABAE090]),
    bytes([0x317C4D00, 0x4C01307D, 0xB0FDCC81, 0xCD80B1FC]),
);
const ENC_OUT: ([u8; 16], [u8; 16]) = (
    bytes([0x6FBDC700, 0xD0D26D17, 0xC502A878, 0x15AABF7A]),
    bytes([0x5FBB6A00, 0xCFE474A5, 0x412B35FA, 0x8E1E90D1]),
);

/// The inverse S-box's input (standard -> tower) and output (tower -> standard) tables,
/// as bytes: the decryption tables are computed from them at compile time.
const DEC_IN: ([u8; 16], [u8; 16]) = (
    bytes([0x0B545F00, 0x0F505B04, 0x114E451A, 0x154A411E]),
    bytes([0x60056500, 0x86E383E6, 0xF491F194, 0x12771772]),
);
const DEC_OUT: ([u8; 16], [u8; 16]) = (
    bytes([0x7EF94000, 0x1387EA53, 0xD4943E2D, 0xC7AA6DB9]),
    bytes([0x93441D00, 0x12D7560F, 0xD8C58E9C, 0xCA4B8159]),
);

/// The bytes of four little-endian words.
const fn bytes(w: [u32; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = (w[i / 4] >> (8 * (i % 4))) as u8;
        i += 1;
    }
    out
}

const fn vector(b: [u8; 16]) -> v128 {
    u8x16(
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
        b[14], b[15],
    )
}

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (for the tables).
const fn gmul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    let mut i = 0;
    while i < 8 {
        p ^= a & 0u8.wrapping_sub(b & 1);
        a = (a << 1) ^ (0x1b & 0u8.wrapping_sub(a >> 7));
        b >>= 1;
        i += 1;
    }
    p
}

/// A bytewise linear map given by its nibble tables, on one byte.
const fn apply(t: &([u8; 16], [u8; 16]), x: u8) -> u8 {
    t.0[(x & 15) as usize] ^ t.1[(x >> 4) as usize]
}

/// A table followed by the linear map `t`, entry by entry.
const fn compose_linear(t: &([u8; 16], [u8; 16]), table: [u8; 16]) -> [u8; 16] {
    let mut out = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        out[i] = apply(t, table[i]);
        i += 1;
    }
    out
}

/// Output tables for `c·S⁻¹(x)` in the tower basis: the basis change (the linear part of
/// [`DEC_IN`]) after multiplication by `c` after [`DEC_OUT`]. All three are XOR-linear,
/// so the composition of the nibble tables is the table of the composition.
const fn dec_mix_table(c: u8) -> (v128, v128) {
    let mut lo = [0u8; 16];
    let mut hi = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        lo[i] = apply(&DEC_IN, gmul(c, DEC_OUT.0[i]));
        hi[i] = apply(&DEC_IN, gmul(c, DEC_OUT.1[i]));
        i += 1;
    }
    (vector(lo), vector(hi))
}

// Byte positions: state byte (row r, column c) is at index r + 4c.
const SHIFT_ROWS: [u8; 16] = [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];
const INV_SHIFT_ROWS: [u8; 16] = [0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3];
const ROT1: [u8; 16] = [1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12];
const ROT2: [u8; 16] = [2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13];
const ROT3: [u8; 16] = [3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14];
const IDENTITY: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// `p` applied `n` times (as an operator `v -> v[p[i]]`).
const fn power(p: [u8; 16], n: usize) -> [u8; 16] {
    let mut out = IDENTITY;
    let mut i = 0;
    while i < n {
        out = compose(out, p);
        i += 1;
    }
    out
}

/// The column rotation `rot` as seen by a state kept permuted by InvShiftRows^m:
/// π ∘ rot ∘ π⁻¹ with π = InvShiftRows^m.
const fn conjugate(rot: [u8; 16], m: usize) -> [u8; 16] {
    compose(compose(power(SHIFT_ROWS, m), rot), power(INV_SHIFT_ROWS, m))
}

/// Encryption skips ShiftRows: after round r the state is kept as InvShiftRows^r of the
/// standard state, so each round's MixColumns uses rotations conjugated by that
/// permutation (period 4), and one shuffle at the end restores the standard order.
/// Index: `[m][k-1]` is rotation by k in phase m.
const MC_ROT: [[[u8; 16]; 3]; 4] = {
    let mut out = [[IDENTITY; 3]; 4];
    let rots = [ROT1, ROT2, ROT3];
    let mut m = 0;
    while m < 4 {
        let mut k = 0;
        while k < 3 {
            out[m][k] = conjugate(rots[k], m);
            k += 1;
        }
        m += 1;
    }
    out
};

/// The S-box's affine constant, folded into round keys 1..=Nr.
const C63: v128 = u8x16(
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
);

/// Table lookup with a data-dependent index (`i8x16.swizzle`).
#[inline(always)]
fn swz(table: v128, idx: v128) -> v128 {
    #[cfg(target_feature = "relaxed-simd")]
    {
        i8x16_relaxed_swizzle(table, idx)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    {
        i8x16_swizzle(table, idx)
    }
}

/// A fixed byte permutation as `i8x16.shuffle` with immediate lanes, which engines
/// compile to a single shuffle instruction (a swizzle needs an extra index clamp).
macro_rules! permute {
    ($v:expr, $p:expr) => {{
        const P: [u8; 16] = $p;
        i8x16_shuffle::<
            { P[0] as usize },
            { P[1] as usize },
            { P[2] as usize },
            { P[3] as usize },
            { P[4] as usize },
            { P[5] as usize },
            { P[6] as usize },
            { P[7] as usize },
            { P[8] as usize },
            { P[9] as usize },
            { P[10] as usize },
            { P[11] as usize },
            { P[12] as usize },
            { P[13] as usize },
            { P[14] as usize },
            { P[15] as usize },
        >($v, $v)
    }};
}

/// Multiplication by x in GF(2^8) of every byte, branch-free.
#[inline(always)]
fn xtime(x: v128) -> v128 {
    let carry = v128_and(i8x16_lt(x, i8x16_splat(0)), i8x16_splat(0x1b));
    v128_xor(i8x16_add(x, x), carry)
}

/// MixColumns of the four columns of a state: `b_i = 2a_i ^ 3a_{i+1} ^ a_{i+2} ^ a_{i+3}`.
#[inline(always)]
fn mix_columns(a: v128) -> v128 {
    let a1 = permute!(a, ROT1);
    let t = v128_xor(a, a1);
    v128_xor(v128_xor(xtime(t), a1), permute!(t, ROT2))
}

/// InvMixColumns of the four columns of a state: MixColumns ∘ (`a_i ^= 4·(a_i ^ a_{i+2})`).
#[inline(always)]
fn inv_mix_columns(a: v128) -> v128 {
    mix_columns(v128_xor(a, xtime(xtime(v128_xor(a, permute!(a, ROT2))))))
}

impl Tables {
    /// The high nibble of every byte. A 16-bit shift plus a mask: engines lack a byte
    /// shift and expand `i8x16.shr_u` into a longer sequence.
    #[inline(always)]
    fn high_nibbles(&self, x: v128) -> v128 {
        v128_and(u16x8_shr(x, 4), self.nibble)
    }

    /// A bytewise GF(2)-linear map given by its low- and high-nibble tables.
    #[inline(always)]
    fn transform(&self, x: v128, (lo, hi): (v128, v128)) -> v128 {
        v128_xor(
            swz(lo, v128_and(x, self.nibble)),
            swz(hi, self.high_nibbles(x)),
        )
    }

    /// Splits a tower-basis vector into nibbles and inverts it in GF((2^4)^2); the two
    /// results index the output tables.
    #[inline(always)]
    fn invert(&self, b: v128) -> (v128, v128) {
        let hi = self.high_nibbles(b);
        let lo = v128_and(b, self.nibble);
        let t2 = swz(self.inv_b, lo);
        let lohi = v128_xor(lo, hi);
        let t5 = v128_xor(lohi, swz(self.inv_a, v128_xor(t2, swz(self.inv_a, hi))));
        let t6 = v128_xor(hi, swz(self.inv_a, v128_xor(t2, swz(self.inv_a, lohi))));
        (t5, t6)
    }

    #[inline(always)]
    fn output(&self, (t5, t6): (v128, v128), (u, t): (v128, v128)) -> v128 {
        v128_xor(swz(u, t5), swz(t, t6))
    }

    /// SubBytes less its constant 0x63, standard basis in and out.
    #[inline(always)]
    fn sub_bytes(&self, x: v128) -> v128 {
        self.output(self.invert(self.transform(x, self.enc_in)), self.enc_out)
    }

    /// One middle encryption round in the tower basis, in phase `m` (see [`MC_ROT`]):
    /// SubBytes (less its constant), MixColumns, AddRoundKey. The tables give `S(x)` and
    /// `2·S(x)`, so `MC = 2s ^ R1(s ^ 2s) ^ R2(s) ^ R3(s)` needs no xtime; the XORs are
    /// arranged as a shallow tree because CBC encryption is bound by latency.
    #[inline(always)]
    fn enc_round(&self, b: v128, key: v128, m: usize) -> v128 {
        let [rot1, rot2, rot3] = self.mc[m];
        let inv = self.invert(b);
        let s1 = self.output(inv, self.sb1);
        let s2 = self.output(inv, self.sb2);
        let s3 = self.output(inv, self.sb3);
        let r1 = swz(s3, rot1);
        let r23 = v128_xor(swz(s1, rot2), swz(s1, rot3));
        v128_xor(v128_xor(v128_xor(s2, key), r1), r23)
    }

    /// One middle round of the equivalent inverse cipher in the tower basis:
    /// InvShiftRows, InvSubBytes, InvMixColumns, AddRoundKey (the key already through
    /// InvMixColumns). `InvMix(y)_i = 14y_i ^ 11y_{i+1} ^ 13y_{i+2} ^ 9y_{i+3}` in each
    /// column; the tables give each product directly in the tower basis.
    #[inline(always)]
    fn dec_round(&self, v: v128, key: v128) -> v128 {
        let inv = self.invert(swz(v, self.inv_shift_rows));
        let [m14, m11, m13, m9] = &self.dec_mix;
        let a = v128_xor(self.output(inv, *m14), key);
        let b = swz(self.output(inv, *m11), self.rot1);
        let c = permute!(self.output(inv, *m13), ROT2);
        let d = swz(self.output(inv, *m9), self.rot3);
        v128_xor(v128_xor(a, b), v128_xor(c, d))
    }
}

/// Loads one block (`b` must hold at least 16 bytes; checked).
#[inline(always)]
#[allow(unsafe_code)]
fn load(b: &[u8]) -> v128 {
    let b: &[u8; 16] = b[..16].try_into().expect("16-byte block");
    // SAFETY: `b` is 16 readable bytes; wasm loads have no alignment requirement.
    unsafe { v128_load(b.as_ptr().cast()) }
}

/// Stores one block (`out` must hold at least 16 bytes; checked).
#[inline(always)]
#[allow(unsafe_code)]
fn store(v: v128, out: &mut [u8]) {
    let out: &mut [u8; 16] = (&mut out[..16]).try_into().expect("16-byte block");
    // SAFETY: `out` is 16 writable bytes; wasm stores have no alignment requirement.
    unsafe { v128_store(out.as_mut_ptr().cast(), v) }
}

/// An expanded AES key (any size) for the vector-permute core.
///
/// The FIPS-197 schedule is expanded at once; the encryption and decryption round keys
/// derived from it are made on first use, so that a one-shot encryption does not pay for
/// the decryption keys (InvMixColumns of every round key) or the other way round. The
/// cells make it `Send` but not `Sync` (wasm32 builds of this crate are single-threaded).
#[derive(Clone)]
pub struct Aes {
    rounds: usize,
    /// The FIPS-197 key schedule, `4 * (rounds + 1)` words (the rest is zero).
    words: [u32; 60],
    enc: OnceCell<EncKeys>,
    /// Decryption round keys, standard basis; keys 1..=rounds carry the folded 0x63.
    dec: OnceCell<[v128; 15]>,
    tables: Tables,
}

/// Encryption round keys: 0..rounds in the tower basis, the last in the standard basis;
/// keys 1..=rounds carry the folded S-box constant.
#[derive(Clone)]
struct EncKeys {
    keys: [v128; 15],
    /// `k0 ^ T(k_last)`: the key terms that carry one CBC block into the next.
    link: v128,
}

/// Overwrites key material in a way the compiler may not elide.
#[allow(unsafe_code)]
fn wipe<T: Copy>(items: &mut [T], zero: T) {
    for x in items {
        // SAFETY: `x` is a valid, aligned, exclusive reference.
        unsafe { core::ptr::write_volatile(x, zero) };
    }
}

impl Drop for Aes {
    fn drop(&mut self) {
        let zero = u64x2_splat(0);
        if let Some(e) = self.enc.get_mut() {
            wipe(&mut e.keys, zero);
            wipe(core::slice::from_mut(&mut e.link), zero);
        }
        if let Some(d) = self.dec.get_mut() {
            wipe(d, zero);
        }
        wipe(&mut self.words, 0);
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    }
}

impl Aes {
    /// Expands a 16-, 24- or 32-byte key (FIPS-197 key schedule; SubWord through the
    /// same constant-time S-box).
    pub fn new(key: &[u8]) -> Result<Aes> {
        let nk = match key.len() {
            16 | 24 | 32 => key.len() / 4,
            n => return Err(Error::KeyLength(n)),
        };
        let t = TABLES;
        let sub_word = |w: u32| u32x4_extract_lane::<0>(t.sub_bytes(u32x4_splat(w))) ^ 0x6363_6363;
        let rounds = nk + 6;
        let mut aes = Aes {
            rounds,
            words: [0; 60],
            enc: OnceCell::new(),
            dec: OnceCell::new(),
            tables: TABLES,
        };
        let w = &mut aes.words;
        for (i, c) in key.chunks_exact(4).enumerate() {
            w[i] = u32::from_le_bytes(c.try_into().expect("4 bytes"));
        }
        let mut rcon = 1u32;
        for i in nk..4 * (rounds + 1) {
            let mut x = w[i - 1];
            if i % nk == 0 {
                x = sub_word(x.rotate_right(8)) ^ rcon;
                rcon = (rcon << 1) ^ (0x11b & 0u32.wrapping_sub(rcon >> 7));
            } else if nk > 6 && i % nk == 4 {
                x = sub_word(x);
            }
            w[i] = w[i - nk] ^ x;
        }
        Ok(aes)
    }

    /// Round key `r` of the FIPS-197 schedule.
    fn round_key(&self, r: usize) -> v128 {
        let w = &self.words[4 * r..4 * r + 4];
        u32x4(w[0], w[1], w[2], w[3])
    }

    /// The encryption round keys, made on first use.
    fn enc(&self) -> &EncKeys {
        self.enc.get_or_init(|| {
            let (t, rounds) = (&self.tables, self.rounds);
            let mut keys = [u64x2_splat(0); 15];
            for (r, key) in keys.iter_mut().enumerate().take(rounds + 1) {
                let mut k = self.round_key(r);
                if r > 0 {
                    k = v128_xor(k, C63);
                }
                *key = if r < rounds {
                    // Round r's key meets a state kept as InvShiftRows^r (see MC_ROT).
                    let mut idx = vector(IDENTITY);
                    for _ in 0..r % 4 {
                        idx = swz(idx, t.inv_shift_rows);
                    }
                    t.transform(swz(k, idx), t.enc_in)
                } else {
                    k
                };
            }
            let link = v128_xor(keys[0], t.transform(keys[rounds], t.enc_in));
            EncKeys { keys, link }
        })
    }

    /// The decryption round keys, made on first use (see [`Aes::decrypt4`]): the first
    /// is XORed in the standard basis with the S-box constant, the middle ones go
    /// through InvMixColumns and into the tower basis, the last is plain.
    fn dec(&self) -> &[v128; 15] {
        self.dec.get_or_init(|| {
            let (t, rounds) = (&self.tables, self.rounds);
            let mut keys = [u64x2_splat(0); 15];
            for (r, key) in keys.iter_mut().enumerate().take(rounds + 1) {
                *key = if r == 0 {
                    self.round_key(0)
                } else if r == rounds {
                    v128_xor(self.round_key(r), C63)
                } else {
                    let k = inv_mix_columns(self.round_key(r));
                    t.transform(v128_xor(k, C63), t.dec_in)
                };
            }
            keys
        })
    }

    /// Rounds 1..rounds of encryption from the whitened tower-basis state, up to the
    /// inversion of the last round (whose output tables the caller picks).
    #[inline(always)]
    fn encrypt_rounds(&self, k: &[v128; 15], mut b: v128) -> (v128, v128) {
        let t = &self.tables;
        // Middle rounds 1..rounds, unrolled by the period of the phases (1, 2, 3, 0).
        let mut r = 1;
        while r + 4 <= self.rounds {
            b = t.enc_round(b, k[r], 1);
            b = t.enc_round(b, k[r + 1], 2);
            b = t.enc_round(b, k[r + 2], 3);
            b = t.enc_round(b, k[r + 3], 0);
            r += 4;
        }
        while r < self.rounds {
            b = t.enc_round(b, k[r], r % 4);
            r += 1;
        }
        t.invert(b)
    }

    /// Undoes the skipped ShiftRows: the standard state is ShiftRows^rounds of ours.
    #[inline(always)]
    fn unshift(&self, s: v128) -> v128 {
        match self.rounds % 4 {
            0 => s,
            2 => permute!(s, power(SHIFT_ROWS, 2)),
            _ => unreachable!("AES has 10, 12 or 14 rounds"),
        }
    }

    /// The ciphertext block from the last round's inversion.
    #[inline(always)]
    fn ciphertext(&self, k: &[v128; 15], inv: (v128, v128)) -> v128 {
        let s = self.tables.output(inv, self.tables.enc_out);
        v128_xor(self.unshift(s), k[self.rounds])
    }

    /// CBC-encrypts whole blocks in place.
    ///
    /// CBC encryption is serial, so the latency from one block's last round to the
    /// next block's first is what counts. The ciphertext `c` goes out in the standard
    /// basis, but the next block's whitened state `T(p ^ c) ^ k0` (with `T` the linear
    /// map into the tower basis) is `T(p) ^ k0 ^ T(k_last) ^ T(unshift(out))`: the
    /// first three terms do not depend on the previous block, and the last comes
    /// straight from the [`Tables::chain`] output tables.
    pub fn encrypt_cbc(&self, iv: &[u8; 16], data: &mut [u8]) {
        let (t, EncKeys { keys: k, link }) = (&self.tables, self.enc());
        let mut blocks = data.chunks_exact_mut(16);
        let Some(mut pending) = blocks.next() else {
            return;
        };
        let first = v128_xor(load(pending), load(iv));
        let mut x = v128_xor(t.transform(first, t.enc_in), k[0]);
        for block in blocks {
            let inv = self.encrypt_rounds(k, x);
            let p = v128_xor(t.transform(load(block), t.enc_in), *link);
            x = v128_xor(self.unshift(t.output(inv, t.chain)), p);
            store(self.ciphertext(k, inv), pending);
            pending = block;
        }
        store(self.ciphertext(k, self.encrypt_rounds(k, x)), pending);
    }

    /// Decrypts four blocks: the state is kept as `T(s ^ 0x63)`, with `T` the inverse
    /// S-box's input map into the tower basis, so each middle round is one
    /// [`Tables::dec_round`].
    #[inline(always)]
    fn decrypt4(&self, k: &[v128; 15], mut s: [v128; 4]) -> [v128; 4] {
        let t = &self.tables;
        let nr = self.rounds;
        for x in s.iter_mut() {
            *x = t.transform(v128_xor(*x, k[nr]), t.dec_in);
        }
        for r in (1..nr).rev() {
            for x in s.iter_mut() {
                *x = t.dec_round(*x, k[r]);
            }
        }
        for x in s.iter_mut() {
            let last = t.output(t.invert(swz(*x, t.inv_shift_rows)), t.dec_out);
            *x = v128_xor(last, k[0]);
        }
        s
    }

    /// CBC-decrypts whole blocks in place, four at a time.
    pub fn decrypt_cbc(&self, iv: &[u8; 16], data: &mut [u8]) {
        let k = self.dec();
        let mut prev = load(iv);
        let mut quads = data.chunks_exact_mut(64);
        for quad in &mut quads {
            let c = [
                load(&quad[0..16]),
                load(&quad[16..32]),
                load(&quad[32..48]),
                load(&quad[48..64]),
            ];
            let p = self.decrypt4(k, c);
            store(v128_xor(p[0], prev), &mut quad[0..16]);
            store(v128_xor(p[1], c[0]), &mut quad[16..32]);
            store(v128_xor(p[2], c[1]), &mut quad[32..48]);
            store(v128_xor(p[3], c[2]), &mut quad[48..64]);
            prev = c[3];
        }
        let rest = quads.into_remainder();
        let n = rest.len() / 16;
        if n > 0 {
            let mut c = [u64x2_splat(0); 4];
            for (i, x) in c.iter_mut().enumerate().take(n) {
                *x = load(&rest[16 * i..16 * i + 16]);
            }
            let p = self.decrypt4(k, c);
            for i in 0..n {
                let chain = if i == 0 { prev } else { c[i - 1] };
                store(v128_xor(p[i], chain), &mut rest[16 * i..16 * i + 16]);
            }
        }
    }
}
