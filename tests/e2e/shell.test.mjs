// The built SPA served by the real server, in headless Chromium under the strict CSP:
// zero CSP violations, zero console errors, keyboard-reachable navigation, theme toggle.
// Screenshots go to tests/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, launchChromium } from "../js/helpers.mjs";

const ARTIFACTS = path.join(ROOT, "tests/artifacts");
let server, base, browser;

before(async () => {
  const bin = process.env.HUDDLE_SERVER_BIN ?? path.join(ROOT, "target/release/huddle-server");
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-e2e-"));
  server = spawn(bin, ["--listen", "127.0.0.1:0", "--dist", path.join(ROOT, "dist"),
                       "--database", path.join(dbDir, "huddle.sqlite")], { stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => {
      const m = String(d).match(/open (http:\/\/\S+?)\/?\s/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => { await browser?.close(); server?.kill(); });

async function open(url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(String(e)));
  // Count CSP violations from the very first script on.
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(url);
  return { context, page, problems, response };
}

test("every response carries the strict CSP and security headers", async () => {
  for (const p of ["/", "/messages/some/client/route"]) {
    const r = await fetch(base + p);
    assert.equal(r.status, 200, p);
    const csp = r.headers.get("content-security-policy");
    assert.match(csp, /default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/);
    assert.match(csp, /require-trusted-types-for 'script'; trusted-types 'none'/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("x-frame-options"), "DENY");
    assert.equal(r.headers.get("referrer-policy"), "no-referrer");
    assert.equal(r.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.match(await r.text(), /<script type="module" src="\/loader-[0-9a-f]+\.js" integrity="sha384-/);
  }
});

test("the app shell renders with zero CSP violations and zero console errors", async () => {
  const { context, page, problems } = await open(base + "/", { colorScheme: "light" });
  await page.getByRole("navigation", { name: "Apps" }).waitFor();
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Messages");
  // Keyboard: Tab reaches the skip link first; Enter on an app button switches apps.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.getByRole("button", { name: "Tasks" }).focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Tasks");
  for (const app of ["Drive", "Tasks", "Calendar", "Messages"]) {
    await page.getByRole("button", { name: app }).click();
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), app);
    assert.equal(await page.getByRole("button", { name: app }).getAttribute("aria-current"), "page");
  }
  await page.screenshot({ path: path.join(ARTIFACTS, "shell-light.png"), fullPage: true });
  const toggle = page.locator(".theme-toggle");
  await toggle.click();
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains("theme-dark")));
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  await page.screenshot({ path: path.join(ARTIFACTS, "shell-dark.png"), fullPage: true });
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a tampered wasm is refused: the loader's SRI pin is enforced", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.route("**/*_bg.wasm", async (route) => {
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[body.length - 1] ^= 1; // one bit in the last byte
    await route.fulfill({ response: res, body });
  });
  await page.goto(base + "/");
  await page.waitForTimeout(1500);
  assert.equal(await page.getByRole("navigation", { name: "Apps" }).count(), 0, "app must not start");
  assert.ok(errors.some((e) => /integrity/i.test(e)), `an integrity error: ${errors}`);
  await context.close();
});
