// Time from the index.html request to the first rendered channel message, in headless
// Chromium, against the release build and the real server with demo data (signed in).
// Median of 10 cold page loads (new context each time). Also prints wasm sizes.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { ROOT, launchChromium } from "../js/helpers.mjs";

const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "huddle-bench-")), "huddle.sqlite");
const server = spawn(path.join(ROOT, "target/release/huddle-server"),
  ["--listen", "127.0.0.1:0", "--dist", path.join(ROOT, "dist"), "--database", db, "--demo"], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve) => server.stdout.on("data", (d) => {
  const m = String(d).match(/open (http:\/\/\S+?)\/?\s/);
  if (m) resolve(m[1]);
}));
const browser = await launchChromium();
const times = [];
for (let i = 0; i < 10; i++) {
  const context = await browser.newContext();
  // Sign in through the API in this context (its cookie jar), then time a cold load.
  const r = await context.request.post(base + "/api/v1/auth/signin", {
    headers: { "x-requested-with": "huddle" }, data: { login: "alice", password: "huddle-demo-password" },
  });
  if (!r.ok()) throw new Error(`sign-in failed: ${r.status()}`);
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(base + "/w/1/c/1");
  await page.getByRole("log").getByText("Welcome to").waitFor({ timeout: 15000 });
  times.push(performance.now() - t0);
  await context.close();
}
await browser.close();
server.kill();
times.sort((a, b) => a - b);
const size = (f) => { const b = fs.readFileSync(f); return [b.length, zlib.gzipSync(b, { level: 9 }).length]; };
const spa = fs.readdirSync(path.join(ROOT, "dist")).find((f) => f.endsWith("_bg.wasm"));
const [spaRaw, spaGz] = size(path.join(ROOT, "dist", spa));
const [cwRaw, cwGz] = size(path.join(ROOT, "crypto-wasm/pkg/web/crypto_wasm_bg.wasm"));
console.log("### SPA load and sizes\n");
console.log(`| measure | value |\n| --- | --- |`);
console.log(`| index.html request → first channel message rendered (median of 10, min–max) | ${times[5].toFixed(0)} ms (${times[0].toFixed(0)}–${times[9].toFixed(0)}) |`);
console.log(`| SPA wasm after wasm-opt (raw / gzip -9) | ${spaRaw} B / ${spaGz} B |`);
console.log(`| crypto-wasm wasm after wasm-opt (raw / gzip -9) | ${cwRaw} B / ${cwGz} B |`);
