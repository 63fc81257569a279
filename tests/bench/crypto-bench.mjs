// The crypto benchmark, shared by Node.js (run-node.mjs) and Chromium (page.mjs):
// crypto-wasm against WebCrypto, @noble/ciphers and crypto-js on the same inputs in the
// same run. Raw AES-256-CBC encrypt/decrypt, and a full v1-style envelope seal/open
// (AES-256-CBC + HMAC-SHA256 over room, version, IV and ciphertext; base64 fields).
import CryptoJS from "crypto-js";
import { cbc } from "@noble/ciphers/aes.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

export const SIZES = [64, 1024, 64 * 1024, 1024 * 1024];
const enc = new TextEncoder();
const dec = new TextDecoder();
const b64 = (u8) => (u8.toBase64 ? u8.toBase64() : Buffer.from(u8).toString("base64"));
const unb64 = (s) => (Uint8Array.fromBase64 ? Uint8Array.fromBase64(s) : new Uint8Array(Buffer.from(s, "base64")));
const wa = (u8) => CryptoJS.lib.WordArray.create(u8);
const waToU8 = (w) => {
  const out = new Uint8Array(w.sigBytes);
  for (let i = 0; i < w.sigBytes; i++) out[i] = (w.words[i >>> 2] >>> (24 - (i % 4) * 8)) & 0xff;
  return out;
};
const macInput = (room, version, iv, ct) => {
  const r = enc.encode(room), v = enc.encode(version);
  const out = new Uint8Array(1 + 4 + r.length + 4 + v.length + 16 + ct.length);
  const dv = new DataView(out.buffer);
  let o = 0;
  out[o++] = 1;
  dv.setUint32(o, r.length); o += 4; out.set(r, o); o += r.length;
  dv.setUint32(o, v.length); o += 4; out.set(v, o); o += v.length;
  out.set(iv, o); o += 16; out.set(ct, o);
  return out;
};
const eqCt = (a, b) => { if (a.length !== b.length) return false; let d = 0; for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i]; return d === 0; };

/** Builds the contenders. `cw` is the crypto-wasm module, `subtle` WebCrypto's. */
export async function contenders(cw, subtle, getRandomValues) {
  const key = new Uint8Array(32).fill(7), macKey = new Uint8Array(32).fill(9), iv = new Uint8Array(16).fill(1);
  const roomKey = cw.randomToken();
  const ring = new cw.RoomKeyring("room");
  ring.setKey(roomKey, "1");
  const ckey = await subtle.importKey("raw", key, "AES-CBC", false, ["encrypt", "decrypt"]);
  const cmac = await subtle.importKey("raw", macKey, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const jsKey = wa(key), jsIv = wa(iv), jsMac = wa(macKey);
  const rnd = (n) => getRandomValues(new Uint8Array(n));

  return {
    "crypto-wasm": {
      encrypt: (pt) => cw.aesCbcEncrypt(key, iv, pt),
      decrypt: (ct) => cw.aesCbcDecrypt(key, iv, ct),
      seal: (text) => ring.encrypt(text),
      open: (env) => ring.decrypt(env),
    },
    WebCrypto: {
      encrypt: async (pt) => new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv }, ckey, pt)),
      decrypt: async (ct) => new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv }, ckey, ct)),
      seal: async (text) => {
        const nonce = rnd(16);
        const ct = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv: nonce }, ckey, enc.encode(text)));
        const mac = new Uint8Array(await subtle.sign("HMAC", cmac, macInput("room", "1", nonce, ct)));
        return { v: 1, key_version: "1", iv: b64(nonce), encrypted: b64(ct), mac: b64(mac) };
      },
      open: async (env) => {
        const nonce = unb64(env.iv), ct = unb64(env.encrypted);
        if (!(await subtle.verify("HMAC", cmac, unb64(env.mac), macInput("room", env.key_version, nonce, ct)))) throw new Error("mac");
        return dec.decode(await subtle.decrypt({ name: "AES-CBC", iv: nonce }, ckey, ct));
      },
    },
    "@noble/ciphers": {
      encrypt: (pt) => cbc(key, iv).encrypt(pt),
      decrypt: (ct) => cbc(key, iv).decrypt(ct),
      seal: (text) => {
        const nonce = rnd(16);
        const ct = cbc(key, nonce).encrypt(enc.encode(text));
        const mac = hmac(sha256, macKey, macInput("room", "1", nonce, ct));
        return { v: 1, key_version: "1", iv: b64(nonce), encrypted: b64(ct), mac: b64(mac) };
      },
      open: (env) => {
        const nonce = unb64(env.iv), ct = unb64(env.encrypted);
        if (!eqCt(hmac(sha256, macKey, macInput("room", env.key_version, nonce, ct)), unb64(env.mac))) throw new Error("mac");
        return dec.decode(cbc(key, nonce).decrypt(ct));
      },
    },
    "crypto-js": {
      encrypt: (pt) => waToU8(CryptoJS.AES.encrypt(wa(pt), jsKey, { iv: jsIv }).ciphertext),
      decrypt: (ct) => waToU8(CryptoJS.AES.decrypt({ ciphertext: wa(ct) }, jsKey, { iv: jsIv })),
      seal: (text) => {
        const nonce = CryptoJS.lib.WordArray.random(16);
        const ct = CryptoJS.AES.encrypt(text, jsKey, { iv: nonce }).ciphertext;
        const mac = CryptoJS.HmacSHA256(wa(macInput("room", "1", waToU8(nonce), waToU8(ct))), jsMac);
        return { v: 1, key_version: "1", iv: CryptoJS.enc.Base64.stringify(nonce), encrypted: CryptoJS.enc.Base64.stringify(ct), mac: CryptoJS.enc.Base64.stringify(mac) };
      },
      open: (env) => {
        const nonce = CryptoJS.enc.Base64.parse(env.iv), ct = CryptoJS.enc.Base64.parse(env.encrypted);
        const mac = CryptoJS.HmacSHA256(wa(macInput("room", env.key_version, waToU8(nonce), waToU8(ct))), jsMac);
        if (!eqCt(waToU8(mac), unb64(env.mac))) throw new Error("mac");
        return CryptoJS.AES.decrypt({ ciphertext: ct }, jsKey, { iv: nonce }).toString(CryptoJS.enc.Utf8);
      },
    },
  };
}

async function measure(fn, input, bytes, budgetMs) {
  // Promises (WebCrypto) are awaited; synchronous functions run in a plain loop, since
  // awaiting a value that is not a promise adds a microtask turn that no caller pays.
  const first = fn(input);
  const sync = !(first instanceof Promise);
  if (!sync) await first;
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetMs || n < 2) {
    if (sync) {
      for (let i = 0; i < 4; i++) fn(input);
      n += 4;
    } else {
      await fn(input);
      n++;
    }
    t = performance.now();
  }
  return (bytes * n) / ((t - t0) / 1000) / 1e6; // MB/s
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The shared driver: for every size and operation, gives each contender the same input
 * (every contender opens its own envelope; every raw decrypt gets the same bytes),
 * checks its result, warms it up, then takes `reps` samples with `sample(fn, arg, size)`,
 * interleaved across contenders so that machine noise hits all of them alike. Rows hold
 * each contender's median.
 */
async function eachCase(libs, sizes, reps, sample, logRow) {
  const rows = [];
  const names = Object.keys(libs);
  for (const size of sizes) {
    const pt = new Uint8Array(size).fill(0x61);
    const text = "a".repeat(size);
    const ct = libs["crypto-wasm"].encrypt(pt);
    for (const op of ["encrypt", "decrypt", "seal", "open"]) {
      const args = {};
      for (const name of names) {
        const lib = libs[name];
        const arg = op === "encrypt" ? pt : op === "decrypt" ? ct : op === "seal" ? text : await lib.seal(text);
        if (op === "decrypt") assert(eqCt(await lib.decrypt(arg), pt), `${name} decrypt`);
        if (op === "open") assert((await lib.open(arg)) === text, `${name} open`);
        for (let i = 0; i < 3; i++) await lib[op](arg); // warm-up (JIT, key caches)
        args[name] = arg;
      }
      const samples = Object.fromEntries(names.map((n) => [n, []]));
      for (let rep = 0; rep < reps; rep++) {
        for (const name of names) samples[name].push(await sample(libs[name][op], args[name], size));
      }
      const row = { op, size };
      for (const name of names) row[name] = median(samples[name]);
      rows.push(row);
      logRow(row);
    }
  }
  return rows;
}

/**
 * Throughput of calls back to back: every operation at every size for every contender,
 * in MB/s, each the median of `reps` timed runs of `budgetMs` (three times that from
 * 64 KiB on).
 */
export function run(libs, { budgetMs = 60, reps = 7, log = () => {} } = {}) {
  const names = Object.keys(libs);
  return eachCase(libs, SIZES, reps,
    (fn, arg, size) => measure(fn, arg, size, size >= 65536 ? budgetMs * 3 : budgetMs),
    (row) => log(format([row], names, false)));
}

export const LATENCY_SIZES = [64, 1024];

/**
 * Single-call latency: how long one call takes when it is the only work in a while, as
 * when a chat client encrypts the message someone just sent. Each call follows `idleMs`
 * of idle time (so caches and the engine's worker threads have gone cold, as they do
 * between messages) and is timed from the call to its result; WebCrypto's time includes
 * the hop to its worker thread and back. Rows hold the median, in microseconds, of
 * `samples` calls.
 */
export function latency(libs, { samples = 21, idleMs = 20, log = () => {} } = {}) {
  const names = Object.keys(libs);
  return eachCase(libs, LATENCY_SIZES, samples, async (fn, arg) => {
    await sleep(idleMs);
    const t0 = performance.now();
    const out = fn(arg);
    if (out instanceof Promise) await out;
    return (performance.now() - t0) * 1000;
  }, (row) => log(formatLatency([row], names, false)));
}

function assert(ok, what) { if (!ok) throw new Error(`benchmark self-check failed: ${what}`); }

const human = (n) => (n >= 1048576 ? `${n / 1048576} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`);

/** A Markdown table: one column per contender, then crypto-wasm's advantage over each peer. */
function table(rows, names, header, { unit, digits, advantage }) {
  const peers = names.filter((n) => n !== "crypto-wasm");
  const lines = [];
  if (header) {
    lines.push(`| op | size | ${names.map((n) => `${n} ${unit}`).join(" | ")} | ${peers.map((p) => `× ${p}`).join(" | ")} |`);
    lines.push(`|${" --- |".repeat(2 + names.length + peers.length)}`);
  }
  for (const r of rows) {
    lines.push(`| ${r.op} | ${human(r.size)} | ${names.map((n) => r[n].toFixed(digits)).join(" | ")} | ${peers.map((p) => advantage(r["crypto-wasm"], r[p]).toFixed(2)).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Throughput table: MB/s per contender; `×` is crypto-wasm's speed over the peer's. */
export const format = (rows, names, header = true) =>
  table(rows, names, header, { unit: "MB/s", digits: 1, advantage: (cw, peer) => cw / peer });

/** Latency table: µs per contender; `×` is the peer's time over crypto-wasm's. */
export const formatLatency = (rows, names, header = true) =>
  table(rows, names, header, { unit: "µs", digits: 0, advantage: (cw, peer) => peer / cw });
