// Relay memory (a load test, not a test): a separate relay process (`--role relay`),
// measured from /proc/<pid>/status (VmRSS).
//
// 1. Idle connections: RSS after opening N authenticated connections, each subscribed to
//    a room, minus RSS before, divided by N.
// 2. A flood: 200 connections that never read (raw sockets, paused after subscribing),
//    20 that read, and one publisher with the API server's ticket (not rate limited)
//    sending 60 KB frames at RATE per second (default 50) for 10 s. Peak RSS is compared
//    with the relay's configured bound on queued frames (64 MiB in total, 1 MiB per
//    connection), and the readers' received frames with what was published.
//
// Run with Node.js 22 (global WebSocket): scripts/bench.sh does. Tickets are minted here
// with the shared relay secret, as the API server would.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = process.env.HUDDLE_SERVER_BIN ?? path.join(ROOT, "target/release/huddle-server");
const SECRET = "a relay secret for the memory benchmark, 32+ chars";
const IDLE = Number(process.env.IDLE ?? 2000);
const STALLED = 200;
const READERS = 20;
const FLOOD_SECS = 10;
// Frames per second the publisher sends: the 20 readers must be able to take them
// (60 KB × 50 × 20 = 60 MB/s to them; at 100 per second this 2-core machine no longer
// keeps up, and readers fall behind and are dropped); the 200 stalled take nothing.
const RATE = Number(process.env.RATE ?? 50);
const ROOM = crypto.randomBytes(32).toString("hex");

const KEY = crypto.createHash("sha256").update(SECRET).digest();
function ticket(subject) {
  const now = Math.floor(Date.now() / 1000);
  const [tag, until] = subject === "server" ? ["-", "0"] : [crypto.randomBytes(16).toString("hex"), String(now + 3600)];
  const fields = [subject, tag, until, String(now + 60), crypto.randomBytes(16).toString("hex")];
  const mac = crypto.createHmac("sha256", KEY).update("huddle relay ticket v2\n" + fields.join("\n")).digest("hex");
  return `v2.${fields.join(".")}.${mac}`;
}

function rss(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]) * 1024;
}
const MiB = (b) => (b / 1048576).toFixed(1);

function startRelay() {
  const proc = spawn(BIN, ["--role", "relay", "--listen", "127.0.0.1:0", "--relay-secret", SECRET], { stdio: ["ignore", "pipe", "inherit"] });
  const url = new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      const m = String(d).match(/(ws:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (c) => reject(new Error(`relay exited with ${c}`)));
  });
  return { proc, url };
}

/** A WebSocket (Node 22's), authenticated as `subject` and subscribed to ROOM. */
function member(url, subject, onEvent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", ticket: ticket(subject) }));
    ws.onerror = (e) => reject(new Error(String(e.message ?? e)));
    ws.onmessage = (m) => {
      const f = JSON.parse(m.data);
      if (f.type === "authenticated") {
        if (subject === "server") resolve(ws);
        else ws.send(JSON.stringify({ type: "subscribe", room: ROOM }));
      } else if (f.type === "subscribed") resolve(ws);
      else if (f.type === "event") onEvent?.(f);
      else if (f.type === "error") reject(new Error(JSON.stringify(f)));
    };
  });
}

/** A masked client text frame. */
function frame(text) {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([head, mask, body]);
}

/**
 * A raw socket that authenticates and subscribes, then stops reading (paused: the
 * kernel's buffers fill and the relay's writes to it stall).
 */
function stalled(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname);
    let buf = Buffer.alloc(0);
    let stage = "upgrade";
    s.on("error", reject);
    s.on("connect", () => {
      s.write(`GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    s.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (stage === "upgrade") {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!buf.subarray(0, 12).toString().includes("101")) return reject(new Error(buf.toString()));
        buf = buf.subarray(end + 4);
        stage = "auth";
        s.write(frame(JSON.stringify({ type: "auth", ticket: ticket(`u${100000 + Math.floor(Math.random() * 1e9)}`) })));
      }
      while (buf.length >= 2) {
        const len = buf[1] & 127;
        if (len >= 126 || buf.length < 2 + len) return;
        const text = buf.subarray(2, 2 + len).toString();
        buf = buf.subarray(2 + len);
        if (stage === "auth" && text.includes("authenticated")) {
          stage = "subscribe";
          s.write(frame(JSON.stringify({ type: "subscribe", room: ROOM })));
        } else if (stage === "subscribe" && text.includes("subscribed")) {
          stage = "stalled";
          s.pause();
          resolve(s);
          return;
        }
      }
    });
  });
}

/** Runs `make` for `n` items, at most `width` at a time (the relay caps connections waiting to authenticate). */
async function inBatches(n, width, make) {
  const out = [];
  for (let i = 0; i < n; i += width) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => make(i + j)))));
  }
  return out;
}

const relay = startRelay();
const url = await relay.url;
const pid = relay.proc.pid;
await new Promise((r) => setTimeout(r, 300));
const before = rss(pid);

// 1. Idle connections.
const idle = await inBatches(IDLE, 10, (i) => member(url, `u${i + 1}`));
await new Promise((r) => setTimeout(r, 500));
const afterIdle = rss(pid);
const perConn = (afterIdle - before) / IDLE;
console.log(`relay RSS: ${MiB(before)} MiB at start, ${MiB(afterIdle)} MiB with ${IDLE} idle connections: ${(perConn / 1024).toFixed(1)} KB per connection`);
for (const ws of idle) ws.close();
await new Promise((r) => setTimeout(r, 1000));

// 2. The flood.
const base = rss(pid);
const stalledSockets = await inBatches(STALLED, 10, () => stalled(url));
const received = new Array(READERS).fill(0);
const readers = await inBatches(READERS, 10, (i) => member(url, `u${50000 + i}`, () => received[i]++));
const publisher = await member(url, "server");
const data = { blob: "x".repeat(60000) };
const message = JSON.stringify({ type: "publish", room: ROOM, data });
let published = 0;
let peak = base;
const sampler = setInterval(() => { peak = Math.max(peak, rss(pid)); }, 100);
const start = Date.now();
const end = start + FLOOD_SECS * 1000;
while (Date.now() < end) {
  const due = Math.floor(((Date.now() - start) / 1000) * RATE);
  while (published < due) {
    publisher.send(message);
    published++;
  }
  await new Promise((r) => setTimeout(r, 5));
}
// Let the readers catch up with what was sent.
const sentAt = Date.now();
while (Date.now() - sentAt < 5000 && Math.min(...received) < published) await new Promise((r) => setTimeout(r, 50));
clearInterval(sampler);
peak = Math.max(peak, rss(pid));
const minReceived = Math.min(...received);
console.log(`flood: ${published} frames of 60 KB (${MiB(published * message.length)} MiB) in ${FLOOD_SECS} s to ${STALLED} stalled and ${READERS} reading connections`);
console.log(`relay RSS: ${MiB(base)} MiB before, peak ${MiB(peak)} MiB (+${MiB(peak - base)} MiB; configured bound on queued frames: 64 MiB)`);
console.log(`readers: the slowest received ${minReceived} of ${published} frames (${((100 * minReceived) / published).toFixed(1)} %)`);
for (const s of stalledSockets) s.destroy();
for (const ws of readers) ws.close();
publisher.close();
relay.proc.kill();
