// Runs a few crypto-wasm calls in the page and writes the outcome as JSON to #result.
export function run(cw, twake) {
  window.__cspViolations = 0;
  document.addEventListener("securitypolicyviolation", () => { window.__cspViolations++; });
  const out = {};
  try {
    out.token = cw.randomToken();
    out.uuid = cw.randomUuid();
    out.mix = cw.mixKeys(twake.mix[0].key_a, twake.mix[0].key_b);
    out.backend = cw.aesBackend();
    out.aesCorpus = cw.mixKeys("", aesCorpus(cw.aesCbcEncrypt, cw.aesCbcDecrypt));
    out.twakeOpened = twake.envelopes.filter((e) => cw.decryptEnvelope(e.key, e.envelope) === e.plaintext).length;
    const ring = new cw.RoomKeyring("room");
    ring.setKey(cw.randomToken(), "1");
    const env = ring.encrypt("héllo ✓");
    out.roundTrip = ring.decrypt(env);
    try { ring.decrypt({ ...env, key_version: "1", mac: env.mac.replace(/^./, (c) => (c === "A" ? "B" : "A")) }); }
    catch (e) { out.tamperCode = e.code; }
  } catch (e) {
    out.error = String(e);
  }
  const el = document.createElement("pre");
  el.id = "result";
  el.textContent = JSON.stringify(out);
  document.body.append(el);
}

/**
 * AES-CBC over a fixed corpus (AES-128/192/256, plaintexts of 0 to 100 bytes: every
 * padding length and both sides of the 4-block decryption stride). Returns the
 * ciphertexts as one hex string; throws if a decryption does not give the plaintext
 * back. The tests compare it with OpenSSL's, for each of crypto-wasm's two builds.
 */
export function aesCorpus(encrypt, decrypt) {
  const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
  let all = "";
  for (const kl of [16, 24, 32]) {
    for (let len = 0; len <= 100; len++) {
      const key = Uint8Array.from({ length: kl }, (_, i) => (i * 31 + len * 7 + kl) & 255);
      const iv = Uint8Array.from({ length: 16 }, (_, i) => (i * 13 + len) & 255);
      const pt = Uint8Array.from({ length: len }, (_, i) => (i * 101 + kl) & 255);
      const ct = encrypt(key, iv, pt);
      const back = decrypt(key, iv, ct);
      if (hex(back) !== hex(pt)) throw new Error(`AES-${kl * 8} round trip failed at ${len} bytes`);
      all += hex(ct);
    }
  }
  return all;
}
