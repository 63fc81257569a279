#!/usr/bin/env python3
"""Checks tests/data/huddle-v1.json against docs/protocol.md with an independent
implementation: Python's hmac/hashlib for HKDF and the MAC, the OpenSSL CLI for AES."""
import base64, hashlib, hmac, json, pathlib, struct, subprocess

INFO = b"huddle/crypto-wasm envelope v1: aes-256-cbc, hmac-sha256"


def hkdf_sha256(ikm: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, block, i = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        okm, i = okm + block, i + 1
    return okm[:length]


data = json.loads((pathlib.Path(__file__).parent / "data" / "huddle-v1.json").read_text())
for v in data["vectors"]:
    okm = hkdf_sha256(v["key"].encode(), INFO, 64)
    enc_key, mac_key = okm[:32], okm[32:]
    e = v["envelope"]
    iv, ct = base64.b64decode(e["iv"]), base64.b64decode(e["encrypted"])
    room, kv = v["room"].encode(), e["key_version"].encode()
    mac_input = b"\x01" + struct.pack(">I", len(room)) + room + struct.pack(">I", len(kv)) + kv + iv + ct
    assert hmac.compare_digest(hmac.new(mac_key, mac_input, hashlib.sha256).digest(), base64.b64decode(e["mac"])), v
    pt = subprocess.run(["openssl", "enc", "-d", "-aes-256-cbc", "-K", enc_key.hex(), "-iv", iv.hex()],
                        input=ct, capture_output=True, check=True).stdout
    assert pt.decode() == v["plaintext"], v
print(f"v1: {len(data['vectors'])} vectors verified with Python hmac/hashlib + OpenSSL")
