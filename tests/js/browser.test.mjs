// crypto-wasm in headless Chromium: as a plain ES module (`await init()`), and through a
// Vite production bundle. Both pages run under a strict CSP like Huddle's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, serveStatic, launchChromium, readJson, opensslCorpusDigest } from "./helpers.mjs";

const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; " +
  "require-trusted-types-for 'script'; trusted-types 'none'";
let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** Opens `url`, waits for `#result`, fails on CSP violations and console errors. */
async function runPage(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(url);
  const text = await page.locator("#result").textContent({ timeout: 20000 });
  const violations = await page.evaluate(() => window.__cspViolations ?? 0);
  await page.close();
  assert.deepEqual(problems, []);
  assert.equal(violations, 0, "CSP violations");
  return JSON.parse(text);
}

async function checks(result) {
  const twake = readJson("crypto-wasm/tests/data/twake-v0.json");
  assert.equal(result.error, undefined, result.error);
  assert.match(result.token, /^[0-9a-f]{64}$/);
  assert.match(result.uuid, /^[0-9a-f-]{36}$/);
  assert.equal(result.mix, twake.mix[0].key_ab);
  // Chromium has WebAssembly relaxed SIMD, so the glue loads that build; it must agree
  // with OpenSSL byte for byte.
  assert.equal(result.backend, "vperm-relaxed-simd");
  assert.equal(result.aesCorpus, await opensslCorpusDigest());
  assert.equal(result.twakeOpened, twake.envelopes.length);
  assert.equal(result.roundTrip, "héllo ✓");
  assert.equal(result.tamperCode, "BAD_MAC");
}

// The page logic shared by the plain-ESM page and the Vite app.
const APP = fs.readFileSync(path.join(ROOT, "tests/vite-app/checks.js"), "utf8");

test("ES module in Chromium with await init()", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cw-esm-"));
  fs.cpSync(path.join(ROOT, "crypto-wasm/pkg/web"), path.join(dir, "pkg"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "crypto-wasm/tests/data/twake-v0.json"), path.join(dir, "twake-v0.json"));
  fs.writeFileSync(path.join(dir, "checks.js"), APP);
  fs.writeFileSync(path.join(dir, "main.js"),
    'import init, * as cw from "./pkg/crypto_wasm.js";\nimport { run } from "./checks.js";\n' +
    'await init();\nrun(cw, await (await fetch("./twake-v0.json")).json());\n');
  fs.writeFileSync(path.join(dir, "index.html"),
    '<!doctype html><meta charset="utf-8"><title>esm</title><script type="module" src="./main.js"></script><pre id="out"></pre>');
  const srv = await serveStatic(dir, { headers: { "content-security-policy": CSP } });
  try { await checks(await runPage(srv.url + "/")); } finally { await srv.close(); }
});

test("Vite production bundle in Chromium", async () => {
  const { build } = await import("vite");
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "cw-vite-"));
  await build({ root: path.join(ROOT, "tests/vite-app"), logLevel: "warn", build: { outDir, emptyOutDir: true } });
  const files = fs.readdirSync(path.join(outDir, "assets"));
  assert.ok(files.some((f) => f.endsWith(".wasm")), `wasm emitted as an asset: ${files}`);
  fs.copyFileSync(path.join(ROOT, "crypto-wasm/tests/data/twake-v0.json"), path.join(outDir, "twake-v0.json"));
  const srv = await serveStatic(outDir, { headers: { "content-security-policy": CSP } });
  try { await checks(await runPage(srv.url + "/")); } finally { await srv.close(); }
});
