// Shared by the end-to-end tests: the real server (release build) on a temporary SQLite
// file (or, when HUDDLE_TEST_POSTGRES names a PostgreSQL server, a new database on it:
// scripts/with-postgres.sh), and browser contexts that record console errors and CSP
// violations.
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { before, after } from "node:test";
import { ROOT, launchChromium } from "../js/helpers.mjs";

export const ARTIFACTS = path.join(ROOT, "tests/artifacts");
const BIN = process.env.HUDDLE_SERVER_BIN ?? path.join(ROOT, "target/release/huddle-server");

/**
 * A fresh database: a SQLite path in a temporary directory, or the URL of a new database
 * on the PostgreSQL server of HUDDLE_TEST_POSTGRES.
 */
export function tempDb(prefix = "huddle-e2e-") {
  const postgres = process.env.HUDDLE_TEST_POSTGRES;
  if (postgres) {
    const name = `huddle_e2e_${crypto.randomBytes(6).toString("hex")}`;
    execFileSync("psql", [postgres, "-qc", `CREATE DATABASE ${name}`], { stdio: ["ignore", "ignore", "inherit"] });
    const url = new URL(postgres);
    url.pathname = `/${name}`;
    return url.toString();
  }
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), "huddle.sqlite");
}

/**
 * Starts the server; `url` resolves to its base URL once it listens (for `--role relay`,
 * its `ws://…/ws` URL). `args` and `env` add flags and environment variables.
 */
export function startServer({ db, demo = false, listen = "127.0.0.1:0", args = [], env = {} }) {
  const all = ["--listen", listen, "--dist", path.join(ROOT, "dist"), "--database", db, ...args];
  if (demo) all.push("--demo");
  const proc = spawn(BIN, all, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  const url = new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      const m = String(d).match(/(?:open (https?:\/\/\S+?)\/?|relay is running: (wss?:\/\/\S+))\s/);
      if (m) resolve(m[1] ?? m[2]);
    });
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { proc, url };
}

/** The path of a URL (no query). */
const pathOf = (url) => new URL(url).pathname;

/**
 * A browser context that records problems: console errors, page errors, failed requests,
 * API responses with an error status, and CSP violations. Lines in `problems`:
 * - `console: <text>`; Chromium's "Failed to load resource: …" gets ` @ <path>` (the URL's path)
 * - `pageerror: <error>`
 * - `requestfailed: <METHOD> <path> <net::ERR_…>` (navigation's ERR_ABORTED excluded)
 * - `response: <METHOD> <path> <status>` for /api/ responses of status 400 and above
 */
export async function person(browser, options = {}) {
  const context = await browser.newContext({ colorScheme: "light", ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const at = m.location()?.url;
    const where = m.text().startsWith("Failed to load resource") && at ? ` @ ${pathOf(at)}` : "";
    problems.push(`console: ${m.text()}${where}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e}`));
  // Requests cut short by navigation (ERR_ABORTED) are normal; other failures are not.
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText ?? "";
    if (!why.includes("ERR_ABORTED")) problems.push(`requestfailed: ${r.method()} ${pathOf(r.url())} ${why}`);
  });
  page.on("response", (r) => {
    const path = pathOf(r.url());
    if (r.status() >= 400 && path.startsWith("/api/")) problems.push(`response: ${r.request().method()} ${path} ${r.status()}`);
  });
  await page.addInitScript(() => {
    // Whole stacks in panics' messages (a Rust panic's stack is deep).
    Error.stackTraceLimit = 60;
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const csp = async () => page.evaluate(() => window.__csp);
  return { context, page, problems, csp };
}

/**
 * The lines a request that went wrong on purpose leaves in `problems` (see `person`):
 * `{ method, path, status }` for an error answer (its `response:` line and Chromium's
 * console line for that status), `{ method, path, error }` for a request that failed
 * (`error`: e.g. "net::ERR_FAILED"; its `requestfailed:` line and the console line).
 * `path` is the exact path, or a RegExp the whole path must match.
 */
export function isExpected(line, { method, path, status, error }) {
  const m = line.match(/^(response|requestfailed|console): (.*)$/);
  if (!m) return false;
  const [, kind, rest] = m;
  const pathIs = (p) => (path instanceof RegExp ? new RegExp(`^(?:${path.source})$`).test(p) : p === path);
  if (status !== undefined) {
    if (kind === "response") {
      const r = rest.match(/^(\S+) (\S+) (\d+)$/);
      return !!r && r[1] === method && pathIs(r[2]) && Number(r[3]) === status;
    }
    const c = rest.match(/^Failed to load resource: the server responded with a status of (\d+) \([^)]*\) @ (\S+)$/);
    return kind === "console" && !!c && Number(c[1]) === status && pathIs(c[2]);
  }
  if (kind === "requestfailed") {
    const r = rest.match(/^(\S+) (\S+) (\S+)$/);
    return !!r && r[1] === method && pathIs(r[2]) && r[3] === error;
  }
  const c = rest.match(/^Failed to load resource: (\S+) @ (\S+)$/);
  return kind === "console" && !!c && c[1] === error && pathIs(c[2]);
}

/** The problems that none of `expected` (see `isExpected`) accounts for. */
export function unexpected(problems, expected) {
  return problems.filter((line) => !expected.some((e) => isExpected(line, e)));
}

/** Kills a server process and resolves once it has exited (its port is free again). */
export function stopServer(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  proc.kill();
  return exited;
}

/** Polls `ok()` every 50 ms until it holds; fails after `ms` with "timed out waiting for `what`". */
export async function until(ok, ms, what) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Collects the `last_read_id` of every read marker (PUT /api/v1/channels/<id>/read) that
 * `page` sends for `channel`. The app sends one for each message that arrives live (after
 * adding it to the list), so a marker with a message's id proves the page has it.
 */
export function readMarkers(page, channel) {
  const ids = [];
  page.on("request", (r) => {
    if (r.method() === "PUT" && pathOf(r.url()) === `/api/v1/channels/${channel}/read`) ids.push(r.postDataJSON().last_read_id);
  });
  return ids;
}

/** Resolves after the page has rendered two more frames (pending rAF work is done). */
export function nextFrames(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Signs in as a demo person (password `huddle-demo-password`). */
export async function signInDemo(page, base, username) {
  await page.goto(base + "/signin");
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password").fill("huddle-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Your workspaces" }).waitFor();
}

/**
 * Signs in as a demo person and opens `channel` of the demo workspace, once the relay
 * says Connected; returns the channel's id (from the URL).
 */
export async function openDemoChannel(p, base, who, channel) {
  await signInDemo(p.page, base, who);
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("link", { name: `# ${channel}` }).click();
  await p.page.getByRole("heading", { name: `# ${channel}` }).waitFor();
  await p.page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
  return new URL(p.page.url()).pathname.match(/\/c\/(\d+)/)[1];
}

/** Chooses `name` in the "More actions" menu of the message `item` (a locator). */
export async function messageMenu(item, name) {
  await item.getByRole("button", { name: "More actions" }).click();
  await item.getByRole("menuitem", { name }).click();
}

export async function shot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * For a test file with one server: registers `before`/`after` hooks that start the server
 * (a fresh database unless `options` names one; see `startServer`) and Chromium, and stop
 * both. `options` may be a function, called in `before` (after the file's earlier
 * `before` hooks), that returns them. Returns an object whose `server`, `base` and
 * `browser` are set once `before` has run.
 */
export function serverEnvironment(options = {}) {
  const env = {};
  before(async () => {
    const o = typeof options === "function" ? await options() : options;
    const s = startServer({ db: tempDb(), ...o });
    env.server = s.proc;
    env.base = await s.url;
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    if (env.server) await stopServer(env.server);
  });
  return env;
}

/** `serverEnvironment` on the demo data (`--demo`). */
export function demoEnvironment() {
  return serverEnvironment({ demo: true });
}

const AXE = fs.readFileSync(path.join(ROOT, "tests/node_modules/axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core on the page and fails on any serious or critical violation; returns all
 * violations. The page's context must have `bypassCSP` (axe is injected as a script).
 */
export async function audit(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${name}: ${JSON.stringify(bad)}`);
  return result;
}
