// Benchmark page for Chromium (bundled by Vite in run-browser.mjs).
import init, * as cw from "crypto-wasm";
import { contenders, run, format } from "./crypto-bench.mjs";

await init();
const libs = await contenders(cw, crypto.subtle, (a) => crypto.getRandomValues(a));
const rows = await run(libs, { log: (l) => console.log(l) });
const out = document.createElement("pre");
out.id = "result";
out.textContent = format(rows, Object.keys(libs));
document.body.append(out);
