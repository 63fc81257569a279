//! Prints the segmented-file test vectors of `tests/data/huddle-segments-v1.json` and
//! `docs/protocol.md`: `cargo run -p crypto-wasm --example segment_vectors`.

use crypto_wasm::segments::{Keys, HEADER, SEGMENT_SIZE};
use sha2::{Digest, Sha256};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn main() {
    const PATTERN: &str = "Huddle Drive: segments of 64 KiB, each one authenticated. ";
    let key_a: Vec<u8> = (1..=32).collect();
    // (file key, salt, context, plaintext length, each segment's IV byte)
    type Case<'a> = (&'a [u8], &'a [u8], &'a str, usize, &'a [u8]);
    let cases: [Case; 4] = [
        (&[0; 32], b"", "", 0, &[0x00]),
        (
            &key_a,
            b"installation salt 0123456789abcdef",
            "drive/42/1",
            14,
            &[0x11],
        ),
        (
            &key_a,
            b"installation salt 0123456789abcdef",
            "drive/42/2",
            SEGMENT_SIZE,
            &[0x22],
        ),
        (
            &key_a,
            b"installation salt 0123456789abcdef",
            "drive/43/1",
            2 * SEGMENT_SIZE + 100,
            &[0x33, 0x44, 0x55],
        ),
    ];
    let mut out = Vec::new();
    for (key, salt, context, len, ivs) in cases {
        let plain: Vec<u8> = PATTERN.bytes().cycle().take(len).collect();
        let keys = Keys::derive(key, salt).unwrap();
        let mut stored = HEADER.to_vec();
        let chunks: Vec<&[u8]> = if plain.is_empty() {
            vec![&[]]
        } else {
            plain.chunks(SEGMENT_SIZE).collect()
        };
        assert_eq!(chunks.len(), ivs.len());
        for (i, (chunk, iv)) in chunks.iter().zip(ivs).enumerate() {
            let last = i + 1 == chunks.len();
            keys.seal_segment_with_iv(
                context.as_bytes(),
                i as u64,
                last,
                &[*iv; 16],
                chunk,
                &mut stored,
            )
            .unwrap();
        }
        let stored_field = if stored.len() <= 256 {
            format!("\"stored\": {:?}", hex(&stored))
        } else {
            format!(
                "\"stored_length\": {}, \"stored_sha256\": {:?}",
                stored.len(),
                hex(&Sha256::digest(&stored))
            )
        };
        let ivs: Vec<String> = ivs
            .iter()
            .map(|b| format!("{:?}", hex(&[*b; 16])))
            .collect();
        out.push(format!(
            "  {{\"file_key\": {:?}, \"salt\": {:?}, \"context\": {context:?},\n   \"plaintext\": {{\"pattern\": {PATTERN:?}, \"length\": {len}}},\n   \"ivs\": [{}],\n   {stored_field}}}",
            hex(key),
            hex(salt),
            ivs.join(", ")
        ));
    }
    println!(
        "{{\n \"format\": \"huddle segments v1\",\n \"vectors\": [\n{}\n ]\n}}",
        out.join(",\n")
    );
}
