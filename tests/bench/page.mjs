// Benchmark page for Chromium (bundled by Vite in run-browser.mjs).
import init, * as cw from "crypto-wasm";
import { contenders, run, format, latency, formatLatency } from "./crypto-bench.mjs";

await init();
const libs = await contenders(cw, crypto.subtle, (a) => crypto.getRandomValues(a));
// Timers have 5 µs resolution only in a cross-origin isolated page (100 µs otherwise).
if (!crossOriginIsolated) throw new Error("serve the benchmark with COOP/COEP headers");
const rows = await run(libs, { log: (l) => console.log(l) });
const lat = await latency(libs, { log: (l) => console.log(l) });
const out = document.createElement("pre");
out.id = "result";
out.textContent = `${format(rows, Object.keys(libs))}\n\n#### Single-call latency\n\n${formatLatency(lat, Object.keys(libs))}`;
document.body.append(out);
