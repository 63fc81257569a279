#!/usr/bin/env python3
"""Checks tests/data/huddle-segments-v1.json against docs/protocol.md with an independent
implementation: Python's hmac/hashlib for HKDF and the MACs, the OpenSSL CLI for AES."""
import hashlib, hmac, json, pathlib, struct, subprocess

INFO = b"huddle/crypto-wasm segments v1: aes-256-cbc, hmac-sha256"
HEADER = b"HSEG\x01\x10\x00\x00"
SEGMENT = 65536


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, block, i = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        okm, i = okm + block, i + 1
    return okm[:length]


data = json.loads((pathlib.Path(__file__).parent / "data" / "huddle-segments-v1.json").read_text())
for v in data["vectors"]:
    okm = hkdf_sha256(bytes.fromhex(v["file_key"]), bytes.fromhex(v["salt"]), INFO, 64)
    enc_key, mac_key = okm[:32], okm[32:]
    p = v["plaintext"]
    plain = (p["pattern"].encode() * (p["length"] // len(p["pattern"]) + 1))[: p["length"]]
    chunks = [plain[i:i + SEGMENT] for i in range(0, len(plain), SEGMENT)] or [b""]
    context = v["context"].encode()
    stored = HEADER
    for index, (chunk, iv_hex) in enumerate(zip(chunks, v["ivs"], strict=True)):
        iv = bytes.fromhex(iv_hex)
        ct = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-K", enc_key.hex(), "-iv", iv.hex()],
                            input=chunk, capture_output=True, check=True).stdout
        last = index + 1 == len(chunks)
        mac_input = (b"\x02" + HEADER + struct.pack(">I", len(context)) + context
                     + struct.pack(">Q", index) + bytes([last]) + iv + ct)
        stored += iv + ct + hmac.new(mac_key, mac_input, hashlib.sha256).digest()
    if "stored" in v:
        assert stored.hex() == v["stored"], v["context"]
    else:
        assert len(stored) == v["stored_length"], v["context"]
        assert hashlib.sha256(stored).hexdigest() == v["stored_sha256"], v["context"]
print(f"segments v1: {len(data['vectors'])} vectors verified with Python hmac/hashlib + OpenSSL")
