// Lighthouse 12.2.3 (this folder's npm package; Node.js 20) on the signed-in channel view
// of the release build, in the local Chromium. Used by tests/e2e/lighthouse.test.mjs
// (accessibility and best practices) and tests/bench/lighthouse.mjs (performance).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { signInDemo, startServer, stopServer, tempDb } from "../e2e/harness.mjs";
import { ROOT } from "../js/helpers.mjs";
import { freePort } from "../e2e/tls.mjs";

const LH = path.join(ROOT, "tests/lighthouse/node_modules/lighthouse");


/**
 * Starts the server on the demo data and a Chromium whose default profile is signed in
 * as Alice, with #general open once; returns `{ url, audit(preset), close() }`.
 * `audit("desktop" | "mobile")` runs Lighthouse once (Lighthouse's own presets: desktop,
 * and the default mobile one with simulated throttling) and returns its result (`lhr`).
 */
export async function lighthouseSession() {
  const s = startServer({ db: tempDb(), demo: true });
  const base = await s.url;
  const port = await freePort();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-lighthouse-"));
  const { chromium } = await import("playwright-core");
  // A persistent profile: its context is the browser's default one, where Lighthouse
  // opens its tab, so the session cookie of the sign-in below is there.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--remote-debugging-port=${port}`],
  });
  const page = context.pages()[0] ?? await context.newPage();
  await signInDemo(page, base, "alice");
  await page.getByRole("link", { name: "Demo workspace" }).click();
  await page.getByRole("heading", { name: "# general" }).waitFor();
  const url = page.url();
  await page.goto("about:blank");
  const { default: lighthouse } = await import(path.join(LH, "core/index.js"));
  const desktop = (await import(path.join(LH, "core/config/desktop-config.js"))).default;
  return {
    url,
    async audit(preset) {
      const r = await lighthouse(url, {
        port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility", "best-practices"],
      }, preset === "desktop" ? desktop : undefined);
      if (r.lhr.runtimeError) throw new Error(JSON.stringify(r.lhr.runtimeError));
      if (new URL(r.lhr.finalDisplayedUrl).pathname !== new URL(url).pathname) {
        throw new Error(`Lighthouse ended on ${r.lhr.finalDisplayedUrl}, not the channel`);
      }
      return r.lhr;
    },
    async close() {
      await context.close();
      await stopServer(s.proc);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A category's score out of 100. */
export const score = (lhr, id) => Math.round(lhr.categories[id].score * 100);

/** The audits of category `id` that fall short, for a failure message. */
export function shortfalls(lhr, id) {
  return lhr.categories[id].auditRefs
    .filter((a) => a.weight > 0 && lhr.audits[a.id].score !== null && lhr.audits[a.id].score < 1)
    .map((a) => `${a.id}: ${JSON.stringify((lhr.audits[a.id].details?.items ?? []).slice(0, 3).map((i) => i.node?.snippet ?? i.url ?? ""))}`);
}
