// CommonJS TypeScript consumer: `require` resolves to the Node build and its types.
import cw = require("crypto-wasm");

const env = cw.encryptEnvelope("k", "1", "x");
const out: string = cw.decryptEnvelope("k", env);
// @ts-expect-error randomToken takes a byte count
cw.randomToken("32");
export = out;
