// Benchmark in headless Chromium: bundles page.mjs with Vite, serves it, prints the table.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "vite";
import { ROOT, serveStatic, launchChromium } from "../js/helpers.mjs";

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "cw-bench-"));
await build({ root: path.join(ROOT, "tests/bench"), logLevel: "warn", build: { outDir, emptyOutDir: true, target: "esnext" } });
// Cross-origin isolation gives the page's timers 5 µs resolution (see page.mjs).
const srv = await serveStatic(outDir, {
  headers: { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" },
});
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on("console", (m) => process.stderr.write(m.text() + "\n"));
  page.on("pageerror", (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(srv.url + "/");
  const table = await page.locator("#result").textContent({ timeout: 600000 });
  console.log(`### Chromium ${browser.version()}\n\n${table}\n`);
} finally {
  await browser.close();
  await srv.close();
}
