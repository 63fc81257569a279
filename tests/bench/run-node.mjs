// Benchmark in Node.js: `node tests/bench/run-node.mjs` (scripts/bench.sh runs both).
import * as cw from "crypto-wasm";
import { contenders, run, format, latency, formatLatency } from "./crypto-bench.mjs";

const libs = await contenders(cw, globalThis.crypto.subtle, (a) => globalThis.crypto.getRandomValues(a));
const rows = await run(libs, { log: (l) => process.stderr.write(l + "\n") });
console.log(`### Node.js ${process.version}\n\n${format(rows, Object.keys(libs))}\n`);
const lat = await latency(libs, { log: (l) => process.stderr.write(l + "\n") });
console.log(`#### Single-call latency, Node.js ${process.version}\n\n${formatLatency(lat, Object.keys(libs))}\n`);
