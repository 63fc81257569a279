// The nginx deployment of docs/deploy.md, exactly as the document shows it, with Debian's
// nginx (scripts/setup.sh unpacks it into .tools/nginx) and its own nginx.conf and
// mime.types: `nginx -t` passes, the headers and types are right, and two people sign in
// and chat over HTTPS (a certificate from a CA the test makes) through it, first with the
// relay inside the server, then with a separate relay process (the document's second
// `/ws` location in place of the first).
//
// Rendering changes only what must differ on a test machine: paths (/etc/nginx, the
// certificate, dist/), the listen addresses (random loopback ports; the [::] lines are
// left out), the server's ports and the host name (huddle.test, which Chromium maps to
// 127.0.0.1).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { ROOT, launchChromium } from "../js/helpers.mjs";
import { startServer, stopServer, tempDb, until } from "./harness.mjs";
import { chat, freePort, get, makeCertificates } from "./tls.mjs";

const NGINX_ROOT = path.join(ROOT, ".tools/nginx");
const NGINX = path.join(NGINX_ROOT, "usr/sbin/nginx");
const HOST = "huddle.test";
const SECRET = "e2e relay secret, at least thirty-two characters";

/** The ```nginx blocks of docs/deploy.md, in order. */
function documentedBlocks() {
  const md = fs.readFileSync(path.join(ROOT, "docs/deploy.md"), "utf8");
  return [...md.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** The documented block whose first line names `file`. */
function documentedFile(file) {
  const block = documentedBlocks().find((b) => b.split("\n")[0].startsWith(`# ${file}`));
  assert.ok(block, `docs/deploy.md shows ${file}`);
  return block;
}

/** The `location = /ws { … }` of a configuration text. */
const wsLocation = /location = \/ws \{[^}]*\}/;

/**
 * Debian's nginx.conf and the documented files under `dir`/etc/nginx, made to run as
 * this user on the given ports; `ws` (optional) replaces the site's /ws location.
 */
function renderConfig(dir, { httpPort, httpsPort, apiPort, relayPort, ws }) {
  const etc = path.join(dir, "etc/nginx");
  fs.cpSync(path.join(NGINX_ROOT, "etc/nginx"), etc, { recursive: true });
  for (const d of ["sites-enabled", "modules-enabled", "log", "tmp"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.rmSync(path.join(etc, "sites-enabled"), { recursive: true, force: true });
  fs.mkdirSync(path.join(etc, "sites-enabled"));

  const root = process.getuid() === 0;
  const main = fs.readFileSync(path.join(etc, "nginx.conf"), "utf8")
    .replace(/^user .*;$/m, root ? "user root;" : "")
    .replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`)
    .replace(/\/var\/log\/nginx\//g, `${dir}/log/`)
    .replaceAll("/etc/nginx/", `${etc}/`)
    .replace(/^http \{$/m, "http {\n" + ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
      .map((t) => `\t${t}_temp_path ${dir}/tmp/${t};`).join("\n"));
  assert.match(main, /include .*mime\.types;/, "Debian's nginx.conf includes mime.types");
  fs.writeFileSync(path.join(etc, "nginx.conf"), main);

  fs.writeFileSync(path.join(etc, "snippets/huddle-headers.conf"), documentedFile("/etc/nginx/snippets/huddle-headers.conf"));
  let site = documentedFile("/etc/nginx/sites-available/huddle");
  if (ws) site = site.replace(wsLocation, ws.trim());
  site = site
    .replaceAll("/etc/letsencrypt/live/huddle.example.com/", `${dir}/`)
    .replaceAll("huddle.example.com", HOST)
    .replaceAll("/srv/huddle/dist", path.join(ROOT, "dist"))
    .replace(/^\s*listen \[::\].*\n/gm, "")
    .replace(/listen 80;/, `listen 127.0.0.1:${httpPort};`)
    .replace(/listen 443 /, `listen 127.0.0.1:${httpsPort} `)
    .replaceAll("127.0.0.1:8080", `127.0.0.1:${apiPort}`)
    .replaceAll("127.0.0.1:8081", `127.0.0.1:${relayPort}`);
  fs.writeFileSync(path.join(etc, "sites-enabled/huddle"), site);
  return path.join(etc, "nginx.conf");
}

/** `nginx -t` on a configuration: whether it passed, and what it wrote (to stderr). */
function nginxTest(conf) {
  const r = spawnSync(NGINX, ["-t", "-c", conf, "-e", "stderr"], { encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** One layout behind nginx: its origin, the servers and nginx itself. */
async function deploy(tls, { separateRelay }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-nginx-"));
  fs.copyFileSync(path.join(tls.dir, "fullchain.pem"), path.join(dir, "fullchain.pem"));
  fs.copyFileSync(path.join(tls.dir, "privkey.pem"), path.join(dir, "privkey.pem"));
  const [httpPort, httpsPort, apiPort, relayPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const origin = `https://${HOST}:${httpsPort}`;
  // The server flags docs/deploy.md names for this arrangement.
  const behindProxy = ["--public-origin", origin, "--https", "--trusted-proxy", "127.0.0.1"];
  const env = { HUDDLE_RELAY_SECRET: SECRET };
  const procs = [];
  let ws, relayUrl;
  if (separateRelay) {
    const relay = startServer({ db: "/nonexistent/unused.sqlite", listen: `127.0.0.1:${relayPort}`,
      args: ["--role", "relay", ...behindProxy], env });
    procs.push(relay.proc);
    relayUrl = await relay.url;
    const api = startServer({ db: tempDb(), demo: true, listen: `127.0.0.1:${apiPort}`,
      args: ["--role", "api", "--relay-url", relayUrl, ...behindProxy], env });
    procs.push(api.proc);
    await api.url;
    ws = documentedBlocks().find((b) => wsLocation.test(b) && b.includes("127.0.0.1:8081"));
    assert.ok(ws, "docs/deploy.md shows the /ws location of a separate relay");
  } else {
    const server = startServer({ db: tempDb(), demo: true, listen: `127.0.0.1:${apiPort}`, args: behindProxy });
    procs.push(server.proc);
    await server.url;
  }
  const conf = renderConfig(dir, { httpPort, httpsPort, apiPort, relayPort, ws });
  const checked = nginxTest(conf);
  const nginx = spawn(NGINX, ["-c", conf, "-e", "stderr", "-g", "daemon off;"], { stdio: ["ignore", "inherit", "inherit"] });
  procs.push(nginx);
  await until(async () => (await get(HOST, httpsPort, tls.ca, "/").catch(() => null))?.status === 200, 10000, "nginx answers");
  return { origin, httpPort, httpsPort, checked, relayUrl, stop: () => Promise.all(procs.map(stopServer)) };
}

let tls;
let browser;
before(async () => {
  assert.ok(fs.existsSync(NGINX), `${NGINX} is missing: run scripts/setup.sh`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-tls-"));
  tls = { dir, ...makeCertificates(dir, HOST) };
  browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
    `--ignore-certificate-errors-spki-list=${tls.spkiHash}`]);
});
after(async () => {
  await browser?.close();
});

test("the documented nginx configuration: nginx -t, headers, types, HTTPS redirect, chat", async () => {
  const d = await deploy(tls, { separateRelay: false });
  try {
    assert.ok(d.checked.ok, d.checked.out);
    assert.match(d.checked.out, /test is successful/);
    assert.doesNotMatch(d.checked.out, /\[(warn|emerg|alert|crit)\]/, d.checked.out);

    // The page is HTML (not the source as text/plain), never cached, with every header.
    const page = await get(HOST, d.httpsPort, tls.ca, "/c/42");
    assert.equal(page.status, 200);
    assert.match(page.headers["content-type"], /^text\/html/);
    assert.equal(page.headers["cache-control"], "no-cache");
    for (const h of ["content-security-policy", "strict-transport-security", "x-content-type-options",
      "x-frame-options", "referrer-policy", "cross-origin-opener-policy", "cross-origin-resource-policy",
      "permissions-policy"]) {
      assert.ok(page.headers[h], `${h} on the page`);
    }
    assert.match(page.headers["content-security-policy"], /^default-src 'none';.*trusted-types huddle-sw$/);

    // Hashed assets: their types, cached forever, the same headers, compressed.
    const types = { js: "text/javascript", wasm: "application/wasm", css: "text/css" };
    const hashed = fs.readdirSync(path.join(ROOT, "dist")).filter((f) => /-[0-9a-f]{1,16}(_bg)?\.(js|wasm|css)$/.test(f));
    assert.deepEqual([...new Set(hashed.map((f) => f.split(".").pop()))].sort(), ["css", "js", "wasm"]);
    for (const f of hashed) {
      const r = await get(HOST, d.httpsPort, tls.ca, `/${f}`, { "accept-encoding": "gzip" });
      assert.equal(r.status, 200, f);
      assert.equal(r.headers["content-type"], types[f.split(".").pop()], f);
      assert.equal(r.headers["cache-control"], "public, max-age=31536000, immutable", f);
      assert.ok(r.headers["content-security-policy"], `CSP on ${f}`);
      assert.equal(r.headers["content-encoding"], "gzip", f);
    }

    // The API goes to the server: its JSON error, its own headers, once.
    const api = await get(HOST, d.httpsPort, tls.ca, "/api/v1/workspaces");
    assert.equal(api.status, 401);
    assert.match(api.headers["content-type"], /^application\/json/);
    assert.equal(api.headers["cache-control"], "no-store");
    assert.ok(!Array.isArray(api.headers["strict-transport-security"]));

    // Plain HTTP only redirects to HTTPS.
    const plain = await new Promise((resolve, reject) => http.get({ host: "127.0.0.1", port: d.httpPort,
      path: "/signin?next=%2F", headers: { host: HOST } }, resolve).on("error", reject));
    plain.resume();
    assert.equal(plain.statusCode, 301);
    assert.equal(plain.headers.location, `https://${HOST}/signin?next=%2F`);

    await chat(browser, d.origin, "Through nginx");
  } finally {
    await d.stop();
  }
});

test("the documented nginx configuration with a separate relay process", async () => {
  const d = await deploy(tls, { separateRelay: true });
  try {
    assert.ok(d.checked.ok, d.checked.out);
    await chat(browser, d.origin, "Through nginx and the separate relay");
    // The relay serves nothing but /ws.
    const r = await fetch(d.relayUrl.replace("ws://", "http://").replace("/ws", "/api/v1/auth/session"));
    assert.equal(r.status, 404);
  } finally {
    await d.stop();
  }
});
