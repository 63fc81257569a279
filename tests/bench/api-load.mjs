// Load on the REST API of the release server with demo data: 50 clients (one session
// each, spread over alice, bob and carol) post to #general and read its latest page in
// turn, as fast as the server answers, for BENCH_SECONDS (default 20) after a 3 s warm-up
// that is not counted. Prints requests/s (2xx answers, posts and reads together), p50
// and p99 latency of posts and of reads, and the errors (any other answer); then the
// latency of 200 sequential searches over #history's 10,000 messages (skipped when the
// server has no search route), with the size of each query's first page ("50+": more
// pages follow).
//
// The database is a temporary SQLite file, or, when HUDDLE_TEST_POSTGRES names a
// PostgreSQL server (scripts/with-postgres.sh), only a new database on that server (so
// that bench.sh, which runs this script once plain and once under with-postgres.sh, does
// not measure SQLite twice). Each run gets a fresh database and data directory.
//
// HUDDLE_SERVER_BIN: the server (default target/release/huddle-server). HUDDLE_BASELINE_BIN:
// an older server (e.g. one without encryption at rest, see bench.sh) to put under the
// same load (not search) on a fresh database of the same kind, followed by the ratios
// after/before. The load client runs on the same machine as the server and takes part
// of its CPU.
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../js/helpers.mjs";

const BIN = process.env.HUDDLE_SERVER_BIN ?? path.join(ROOT, "target/release/huddle-server");
const BASELINE_BIN = process.env.HUDDLE_BASELINE_BIN;
const POSTGRES = process.env.HUDDLE_TEST_POSTGRES;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 3;
const CLIENTS = 50;
const USERS = ["alice", "bob", "carol"];
const PASSWORD = "huddle-demo-password";
const WORKSPACE = 1;
const SEARCHES = 200;
const QUERIES = ["history", "history message 5000", "second paragraph", "mess", "paragraph vary height"];
// About 100 bytes each, with none of the searched words (the index grows, the answers
// of the search stay those of #history).
const BODIES = [
  "Pushed the fix for the login redirect; can someone review it before tomorrow's standup?",
  "Lunch at the Thai place around noon? I booked a table for six, tell me if you want to join.",
  "The staging deploy is green again. I'll ship the release notes right after the design review.",
  "Quick reminder: the quarterly planning doc needs your estimates by Friday. Thanks, everyone!",
];

/** Progress, on standard error (standard output is the Markdown). */
const log = (line) => console.error(`==> ${line}`);

// What the current run must undo, newest last; synchronous, so that an exit on an error
// or a signal still kills the server and removes its files.
const cleanups = [];
function cleanUp() {
  while (cleanups.length) {
    try { cleanups.pop()(); } catch (e) { console.error(`cleanup: ${e.message}`); }
  }
}
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

/** A fresh database in `dir`: a SQLite path, or a new database on the PostgreSQL server. */
function freshDb(dir) {
  if (!POSTGRES) return path.join(dir, "huddle.sqlite");
  const name = `huddle_bench_${crypto.randomBytes(6).toString("hex")}`;
  const psql = (sql) => execFileSync("psql", [POSTGRES, "-qc", sql], { stdio: ["ignore", "ignore", "inherit"] });
  psql(`CREATE DATABASE ${name}`);
  cleanups.push(() => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Starts `bin` on `db` and `dataDir` as tests/e2e/harness.mjs does; resolves to its base URL. */
function startServer(bin, db, dataDir) {
  const args = ["--listen", "127.0.0.1:0", "--dist", path.join(ROOT, "dist"), "--database", db, "--demo", "--data-dir", dataDir];
  const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"] });
  cleanups.push(() => proc.kill());
  const url = new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      const m = String(d).match(/open (http:\/\/\S+?)\/?\s/);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`${bin} exited with ${code}`)));
  });
  return { proc, url };
}

/** Kills a server process and resolves once it has exited. */
function stopServer(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  proc.kill();
  return exited;
}

/**
 * One request to the API, its answer read whole; resolves to { status, text, ms, end }
 * (status 0: no answer, `text` says why). State changes carry the CSRF header and JSON.
 */
async function request(api, method, route, { cookie, body } = {}) {
  const headers = cookie ? { cookie } : {};
  if (method !== "GET") Object.assign(headers, { "x-requested-with": "huddle", "content-type": "application/json" });
  const t0 = performance.now();
  let answer;
  try {
    const res = await fetch(api + route, { method, headers, body: body && JSON.stringify(body) });
    answer = { status: res.status, text: await res.text(), res };
  } catch (e) {
    answer = { status: 0, text: String(e.cause ?? e) };
  }
  const end = performance.now();
  return { ...answer, ms: end - t0, end };
}

/** Throws unless `r` has status `status`. */
function expect(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
}

/**
 * Signs `login` in; resolves to the session cookie as a Cookie header (the server runs
 * with `Secure` cookies, which fetch would not send back over plain HTTP by itself).
 */
async function signIn(api, login) {
  const r = await request(api, "POST", "/auth/signin", { body: { login, password: PASSWORD } });
  expect(r, 200, `sign-in of ${login}`);
  const cookie = r.res.headers.getSetCookie().find((c) => c.startsWith("__Host-huddle_session="));
  if (!cookie) throw new Error(`sign-in of ${login}: no session cookie`);
  return cookie.split(";")[0];
}

/** The id of the demo workspace's channel `name`, after checking the workspace is there. */
async function channelId(api, cookie, name) {
  const ws = await request(api, "GET", "/workspaces", { cookie });
  expect(ws, 200, "GET /workspaces");
  if (!JSON.parse(ws.text).some((w) => w.id === WORKSPACE)) throw new Error(`no workspace ${WORKSPACE}: ${ws.text.slice(0, 300)}`);
  const list = await request(api, "GET", `/workspaces/${WORKSPACE}/channels`, { cookie });
  expect(list, 200, "GET channels");
  const channel = JSON.parse(list.text).find((c) => c.name === name);
  if (!channel) throw new Error(`no #${name}: ${list.text.slice(0, 300)}`);
  return channel.id;
}

/** The value at quantile `q` of ascending `sorted` (nearest rank); NaN if empty. */
const quantile = (sorted, q) => (sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] : NaN);

/** p50 and p99 of `ms`, in ms. */
function percentiles(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

/**
 * The load: each client posts to `channel` and reads its latest page in turn. A request
 * counts when it completes inside the measured window (after the warm-up); no request
 * starts after the window. Resolves to { rps, post, read, errors } with errors as a Map
 * from "METHOD route status" to { count, first answer }.
 */
async function load(api, cookies, channel) {
  const from = performance.now() + WARMUP_SECONDS * 1000;
  const to = from + SECONDS * 1000;
  const ms = { post: [], read: [] };
  const errors = new Map();
  const record = (kind, what, r) => {
    if (r.end < from || r.end > to) return;
    if (r.status >= 200 && r.status < 300) {
      ms[kind].push(r.ms);
      return;
    }
    const key = `${what} ${r.status}`;
    const e = errors.get(key) ?? { count: 0, first: r.text.slice(0, 200) };
    e.count++;
    errors.set(key, e);
  };
  await Promise.all(cookies.map(async (cookie, client) => {
    for (let i = 0; performance.now() < to; i++) {
      const body = { body: BODIES[(client + i) % BODIES.length] };
      record("post", "POST /channels/{id}/messages", await request(api, "POST", `/channels/${channel}/messages`, { cookie, body }));
      if (performance.now() >= to) break;
      record("read", "GET /channels/{id}/messages", await request(api, "GET", `/channels/${channel}/messages?limit=50`, { cookie }));
    }
  }));
  return { rps: (ms.post.length + ms.read.length) / SECONDS, post: percentiles(ms.post), read: percentiles(ms.read), errors };
}

/**
 * SEARCHES sequential searches cycling through QUERIES; resolves to one row per query
 * { q, results, p50, p99, errors } and one for all, or null when the server has no
 * search route (404; the first query, which also warms up, is not counted).
 */
async function searches(api, cookie) {
  const route = (q) => `/workspaces/${WORKSPACE}/search?q=${encodeURIComponent(q)}`;
  const probe = await request(api, "GET", route(QUERIES[0]), { cookie });
  if (probe.status === 404) return null;
  expect(probe, 200, "search");
  const rows = QUERIES.map((q) => ({ q, ms: [], results: "", errors: 0 }));
  for (let i = 0; i < SEARCHES; i++) {
    const row = rows[i % rows.length];
    const r = await request(api, "GET", route(row.q), { cookie });
    if (r.status !== 200) { row.errors++; continue; }
    row.ms.push(r.ms);
    const page = JSON.parse(r.text);
    row.results = `${page.messages.length}${page.next_before == null ? "" : "+"}`;
  }
  const all = { q: "(all)", ms: rows.flatMap((r) => r.ms), results: "", errors: rows.reduce((n, r) => n + r.errors, 0) };
  return [...rows, all].map((r) => ({ ...r, ...percentiles(r.ms) }));
}

/**
 * One run: `bin` on a fresh database and data directory, CLIENTS sessions, the load on
 * #general, then (if `search`) the searches; the server is stopped and its files removed
 * whatever happens.
 */
async function run(bin, { search }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-api-load-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    const server = startServer(bin, freshDb(dir), dir);
    try {
      const api = (await server.url) + "/api/v1";
      log(`${bin}: ${CLIENTS} sign-ins`);
      const cookies = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => signIn(api, USERS[i % USERS.length])));
      const general = await channelId(api, cookies[0], "general");
      const history = await channelId(api, cookies[0], "history");
      log(`${bin}: load for ${WARMUP_SECONDS} + ${SECONDS} s`);
      const result = { load: await load(api, cookies, general) };
      if (search) {
        log(`${bin}: ${SEARCHES} searches (#history is channel ${history})`);
        result.search = await searches(api, cookies[0]);
      }
      return result;
    } finally {
      await stopServer(server.proc);
    }
  } finally {
    cleanUp();
  }
}

const f1 = (x) => x.toFixed(1);
const ratio = (after, before) => `${(after / before).toFixed(2)}×`;

/** The load table of one database: a row per binary, the errors, the ratios. */
function printLoad(dbName, rows) {
  console.log(`\n### REST API load, ${dbName}: ${CLIENTS} clients, ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up\n`);
  console.log("| server | requests/s | post p50 ms | post p99 ms | read p50 ms | read p99 ms | errors |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const { name, load: l } of rows) {
    const errors = [...l.errors.values()].reduce((n, e) => n + e.count, 0);
    console.log(`| ${name} | ${l.rps.toFixed(0)} | ${f1(l.post.p50)} | ${f1(l.post.p99)} | ${f1(l.read.p50)} | ${f1(l.read.p99)} | ${errors} |`);
  }
  if (rows.length === 2) {
    const [a, b] = rows.map((r) => r.load);
    console.log(`| after/before | ${ratio(a.rps, b.rps)} | ${ratio(a.post.p50, b.post.p50)} | ${ratio(a.post.p99, b.post.p99)} | ${ratio(a.read.p50, b.read.p50)} | ${ratio(a.read.p99, b.read.p99)} | |`);
  }
  for (const { name, load: l } of rows) {
    for (const [what, e] of l.errors) console.log(`\n${name}: ${e.count} × ${what}, first answer: ${e.first}`);
  }
}

/** The search table of one database. */
function printSearch(dbName, rows) {
  console.log(`\n### Search over #history (10,000 messages), ${dbName}: ${SEARCHES} sequential queries\n`);
  if (!rows) return console.log("No search route on this server (404): skipped.");
  console.log("| query | results (first page) | p50 ms | p99 ms | errors |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(`| ${r.q} | ${r.results} | ${f1(r.p50)} | ${f1(r.p99)} | ${r.errors} |`);
}

const cpus = os.cpus();
const dbName = POSTGRES ? "PostgreSQL" : "SQLite";
console.log(`Machine: ${cpus.length} cores, ${cpus[0].model}; Node.js ${process.version} (the load client, on the same machine). Server: ${BIN}${BASELINE_BIN ? `; baseline: ${BASELINE_BIN}` : ""}.`);
const after = await run(BIN, { search: true });
const rows = [{ name: "current", load: after.load }];
if (BASELINE_BIN) rows.push({ name: "baseline", load: (await run(BASELINE_BIN, { search: false })).load });
printLoad(dbName, rows);
printSearch(dbName, after.search);
