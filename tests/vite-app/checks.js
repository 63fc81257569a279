// Runs a few crypto-wasm calls in the page and writes the outcome as JSON to #result.
export function run(cw, twake) {
  window.__cspViolations = 0;
  document.addEventListener("securitypolicyviolation", () => { window.__cspViolations++; });
  const out = {};
  try {
    out.token = cw.randomToken();
    out.uuid = cw.randomUuid();
    out.mix = cw.mixKeys(twake.mix[0].key_a, twake.mix[0].key_b);
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
