// Drive throughput (a benchmark, not a test), against this machine's own disk in the same
// run: the release server on a fresh SQLite database and data directory; files of 1 MiB,
// 100 MiB and 1 GiB (DRIVE_MAX_MIB to stop earlier) uploaded by tus in one request each
// from a file on disk (streamed, as a client would) and downloaded through a token, each
// timed to the last byte; the same bytes written to the same disk with fsync and read
// back, for the ratios. The server's resident memory is sampled every 20 ms during the
// largest upload (/proc/<pid>/status), and a folder of 10,000 items is listed (median
// of 5). Printed as Markdown tables.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { startServer, stopServer } from "../e2e/harness.mjs";

const MiB = 1024 * 1024;
const SIZES = [1, 100, 1024].filter((m) => m <= Number(process.env.DRIVE_MAX_MIB ?? 1024));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-drive-bench-"));
const db = path.join(dir, "huddle.sqlite");
const s = startServer({ db, args: ["--data-dir", dir] });
const base = await s.url;
const pid = s.proc.pid;

function rss() {
  const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]) * 1024;
}

const signup = await fetch(`${base}/api/v1/auth/signup`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-requested-with": "huddle" },
  body: JSON.stringify({ username: "bench", email: "bench@example.com", password: "long enough password" }),
});
const cookie = signup.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => c.includes("session")).join("; ");
const H = { cookie, "x-requested-with": "huddle" };
async function api(method, p, body) {
  const r = await fetch(`${base}/api/v1${p}`, { method, headers: { ...H, "content-type": "application/json" }, body: body && JSON.stringify(body) });
  return r.json();
}
const ws = (await api("POST", "/workspaces", { name: "Bench" })).id;

/** A file of `size` random-looking bytes on disk (made once, not timed). */
function source(size) {
  const p = path.join(dir, `src-${size}`);
  const fd = fs.openSync(p, "w");
  const block = crypto.randomBytes(MiB);
  for (let done = 0; done < size; done += MiB) fs.writeSync(fd, block, 0, Math.min(MiB, size - done));
  fs.closeSync(fd);
  return p;
}

/** Raw disk: the same bytes written with fsync, then read back. Seconds each. */
function disk(src, size) {
  const out = path.join(dir, "raw-copy");
  const block = Buffer.alloc(MiB);
  const t0 = process.hrtime.bigint();
  const rfd = fs.openSync(src, "r");
  const wfd = fs.openSync(out, "w");
  for (let done = 0; done < size;) {
    const n = fs.readSync(rfd, block, 0, MiB, done);
    fs.writeSync(wfd, block, 0, n);
    done += n;
  }
  fs.fsyncSync(wfd);
  fs.closeSync(wfd);
  fs.closeSync(rfd);
  const write = Number(process.hrtime.bigint() - t0) / 1e9;
  const t1 = process.hrtime.bigint();
  const fd = fs.openSync(out, "r");
  for (let done = 0; done < size;) done += fs.readSync(fd, block, 0, MiB, done) || size;
  fs.closeSync(fd);
  const read = Number(process.hrtime.bigint() - t1) / 1e9;
  fs.rmSync(out);
  return { write, read };
}

async function upload(src, size, name) {
  const create = await fetch(`${base}/api/v1/workspaces/${ws}/drive/uploads`, {
    method: "POST",
    headers: { ...H, "tus-resumable": "1.0.0", "upload-length": String(size), "upload-metadata": `filename ${Buffer.from(name).toString("base64")}` },
  });
  const at = create.headers.get("location");
  let peak = rss();
  const sampler = setInterval(() => { peak = Math.max(peak, rss()); }, 20);
  const t0 = process.hrtime.bigint();
  const r = await fetch(`${base}${at}`, {
    method: "PATCH",
    headers: { ...H, "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(size) },
    body: Readable.toWeb(fs.createReadStream(src, { highWaterMark: MiB })),
    duplex: "half",
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  if (r.status !== 204) throw new Error(`upload: ${r.status} ${await r.text()}`);
  return { secs, peak, id: Number(r.headers.get("huddle-file-id")) };
}

async function download(id, size) {
  const { url } = await api("POST", `/drive/files/${id}/download`, {});
  const t0 = process.hrtime.bigint();
  const r = await fetch(`${base}${url}`);
  let got = 0;
  for await (const chunk of r.body) got += chunk.length;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (got !== size) throw new Error(`download: ${got} of ${size} bytes`);
  return secs;
}

const rate = (bytes, secs) => `${(bytes / MiB / secs).toFixed(0)} MiB/s`;
const rows = [];
let memory;
const idle = rss();
for (const mib of SIZES) {
  const size = mib * MiB;
  const src = source(size);
  const raw = disk(src, size);
  const up = await upload(src, size, `file-${mib}`);
  const down = await download(up.id, size);
  rows.push(`| ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} | ${rate(size, up.secs)} | ${rate(size, raw.write)} | ${(raw.write / up.secs).toFixed(2)} | ${rate(size, down)} | ${rate(size, raw.read)} | ${(raw.read / down).toFixed(2)} |`);
  memory = { mib, peak: up.peak };
  fs.rmSync(src);
}

// A folder of 10,000 items (made through the API, 16 at a time), listed.
const folder = (await api("POST", `/workspaces/${ws}/drive/folders`, { name: "Big" })).id;
for (let i = 0; i < 10000; i += 16) {
  await Promise.all(Array.from({ length: Math.min(16, 10000 - i) }, (_, k) =>
    api("POST", `/workspaces/${ws}/drive/folders`, { name: `item ${String(i + k).padStart(5, "0")}`, parent_id: folder })));
}
const times = [];
for (let i = 0; i < 5; i++) {
  const t0 = process.hrtime.bigint();
  const l = await api("GET", `/drive/folders/${folder}`);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (l.items.length !== 10000) throw new Error(`listed ${l.items.length}`);
}
times.sort((a, b) => a - b);

console.log(`\n#### Drive on this machine (release server, SQLite, ${os.cpus().length} cores), ${new Date().toISOString().slice(0, 10)}\n`);
console.log("| file | upload | raw disk write (fsync) | ratio | download | raw disk read | ratio |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
console.log(`\nServer memory (VmRSS): ${(idle / MiB).toFixed(0)} MiB before the uploads, at most ${(memory.peak / MiB).toFixed(0)} MiB during the ${memory.mib >= 1024 ? "1 GiB" : `${memory.mib} MiB`} upload.`);
console.log(`Listing a folder of 10,000 items: ${times[2].toFixed(0)} ms (median of 5; min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)}).`);
await stopServer(s.proc);
fs.rmSync(dir, { recursive: true, force: true });
