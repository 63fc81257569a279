// Shared helpers for the JS tests and benchmarks: a static file server on loopback and a
// headless Chromium (Debian's, driven by playwright-core; browsers are never downloaded).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css",
};

/** Serves `dir` on 127.0.0.1 (random port); resolves to { url, close }. */
export function serveStatic(dir, { headers = {} } = {}) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.join(dir, rel.endsWith("/") ? rel + "index.html" : rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", ...headers });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  })));
}

/** Launches Debian's Chromium headless. */
export async function launchChromium(extraArgs = []) {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           ...extraArgs],
  });
}

/** Loads a JSON file relative to the repository root. */
export function readJson(rel) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, rel), "utf8"));
}

/** SHA-256 (hex) of `aesCorpus` computed with OpenSSL (`node:crypto`): the reference. */
export async function opensslCorpusDigest() {
  const crypto = await import("node:crypto");
  const { aesCorpus } = await import("../vite-app/checks.js");
  const run = (mode) => (key, iv, data) => {
    const c = (mode === "enc" ? crypto.createCipheriv : crypto.createDecipheriv)(`aes-${key.length * 8}-cbc`, key, iv);
    return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
  };
  const all = aesCorpus(run("enc"), run("dec"));
  return crypto.createHash("sha256").update(all).digest("hex");
}
