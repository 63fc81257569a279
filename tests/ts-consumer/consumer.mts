// A TypeScript consumer of crypto-wasm; `tsc --noEmit` must accept this file against the
// shipped .d.ts, and reject the lines marked @ts-expect-error (so the types are real).
import init, {
  aesCbcDecrypt, aesCbcEncrypt, decryptEnvelope, encryptEnvelope, mixKeys, randomBytes,
  randomToken, randomUuid, RoomKeyring, clearKeyCache, SegmentEncryptor, SegmentDecryptor,
  segmentedLength, type CryptoError, type SegmentKeyOptions, type CurrentKey, type Envelope, type EnvelopeV0, type EnvelopeV1,
} from "crypto-wasm";

await init();
const key: Uint8Array = randomBytes(32);
const iv = randomBytes(16);
const ct: Uint8Array = aesCbcEncrypt(key, iv, new TextEncoder().encode("hi"));
const pt: Uint8Array = aesCbcDecrypt(key, iv, ct);
const token: string = randomToken() + randomToken(16) + randomUuid();
const room: string = mixKeys("", token);

const env: Envelope = encryptEnvelope(room, "1", "text", { format: "v1", room: "r" });
if ("mac" in env) {
  const v1: EnvelopeV1 = env;
  const n: 1 = v1.v;
  void n;
} else {
  const v0: EnvelopeV0 = env;
  void v0.salt;
}
const text: string = decryptEnvelope(room, env, { room: "r" }) + decryptEnvelope(room, JSON.stringify(env));

const ring = new RoomKeyring("r");
const twakeRing = new RoomKeyring("r", { retain: 4, acceptV0: true });
twakeRing.free();
clearKeyCache();
ring.setKey(room, "1");
ring.addKeyPart("b", "2");
const sealed: Envelope = ring.encrypt("x");
ring.encrypt("x", "v0");
const opened: string = ring.decrypt(sealed);
const cur: CurrentKey | undefined = ring.current();
const versions: string[] = ring.versions();

try {
  decryptEnvelope(room, "{}");
} catch (e) {
  const err = e as CryptoError;
  const code: "BAD_MAC" | string = err.code;
  void code;
}

const fileKeys: SegmentKeyOptions = { fileKey: randomBytes(32), context: "drive/1/1", salt: randomBytes(16) };
const enc = new SegmentEncryptor(fileKeys);
const stored: Uint8Array[] = [enc.push(ct), enc.finish()];
const taken: number = enc.position + segmentedLength(2);
const dec = new SegmentDecryptor(fileKeys);
const plain: Uint8Array[] = stored.map((c) => dec.push(c)).concat([dec.finish()]);
enc.free();
// @ts-expect-error the file key is bytes
new SegmentDecryptor({ fileKey: "k", context: "c" });
// @ts-expect-error the context is required
new SegmentEncryptor({ fileKey: key });

// @ts-expect-error keys are bytes, not strings
aesCbcEncrypt("key", iv, pt);
// @ts-expect-error only "v0" and "v1" exist
encryptEnvelope(room, "1", "x", { format: "v2" });
// @ts-expect-error an envelope needs its fields
ring.decrypt({ v: 1 });
// @ts-expect-error retain is an option now
new RoomKeyring("r", 4);

export { ct, text, opened, cur, versions, taken, plain };
