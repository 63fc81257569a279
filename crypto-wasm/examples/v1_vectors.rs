//! Prints the v1 test vectors of `tests/data/huddle-v1.json` and `docs/protocol.md`:
//! `cargo run -p crypto-wasm --example v1_vectors`.

use crypto_wasm::envelope::v1::Keys;

fn main() {
    let cases = [
        ("00", "", "1", [0u8; 16]),
        (
            "b0903b862de7dc18d5a1fdeb3578664c75cf21d71185f8fea86624cf7e67073d",
            "room-4f2a",
            "1-1700000000",
            [0x11; 16],
        ),
        (
            "b0903b862de7dc18d5a1fdeb3578664c75cf21d71185f8fea86624cf7e67073d",
            "room-4f2a",
            "2-1700000099",
            [0x22; 16],
        ),
    ];
    let plaintexts = [
        "",
        "{\"type\":\"message\",\"text\":\"héllo ✓\"}",
        "0123456789abcdef",
    ];
    let mut out = Vec::new();
    for ((key, room, version, iv), pt) in cases.iter().zip(plaintexts) {
        let env = Keys::derive(key)
            .seal_with_iv(room, version, iv, pt.as_bytes())
            .unwrap();
        out.push(format!(
            "  {{\"key\": {key:?}, \"room\": {room:?}, \"plaintext\": {pt:?},\n   \"envelope\": {{\"v\": 1, \"key_version\": {:?}, \"iv\": {:?}, \"encrypted\": {:?}, \"mac\": {:?}}}}}",
            env.key_version, env.iv, env.encrypted, env.mac
        ));
    }
    println!(
        "{{\n \"format\": \"huddle v1\",\n \"vectors\": [\n{}\n ]\n}}",
        out.join(",\n")
    );
}
