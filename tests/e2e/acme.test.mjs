// Certificates over ACME with Pebble (Let's Encrypt's test server, from Debian) and its
// DNS test server: the server, with --acme-domain, proves huddle.test over HTTP-01 on its
// plain-HTTP listener, gets a certificate, serves it at once (checked trusting only
// Pebble's root), keeps it readable by the owner only, and uses the stored one after a
// restart, with Pebble gone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, stopServer, tempDb, until } from "./harness.mjs";
import { freePort, get, makeCertificates } from "./tls.mjs";

const DOMAIN = "huddle.test";
const procs = [];
let dir, ca, ports;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-acme-"));
  ca = makeCertificates(dir, "localhost").ca;
  ports = {};
  for (const k of ["dns", "challMgmt", "acme", "acmeMgmt", "http", "https"]) ports[k] = await freePort();
  // Every name resolves to 127.0.0.1 (no AAAA): Pebble finds huddle.test here.
  procs.push(spawn("pebble-challtestsrv", ["-dns01", `127.0.0.1:${ports.dns}`, "-http01", "", "-https01", "",
    "-tlsalpn01", "", "-management", `127.0.0.1:${ports.challMgmt}`, "-defaultIPv4", "127.0.0.1",
    "-defaultIPv6", ""], { stdio: ["ignore", "ignore", "inherit"] }));
  const config = path.join(dir, "pebble.json");
  fs.writeFileSync(config, JSON.stringify({ pebble: {
    listenAddress: `127.0.0.1:${ports.acme}`, managementListenAddress: `127.0.0.1:${ports.acmeMgmt}`,
    certificate: path.join(dir, "fullchain.pem"), privateKey: path.join(dir, "privkey.pem"),
    httpPort: ports.http, tlsPort: ports.https, ocspResponderURL: "", externalAccountBindingRequired: false } }));
  procs.push(spawn("pebble", ["-config", config, "-dnsserver", `127.0.0.1:${ports.dns}`], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0" } }));
  await until(async () => (await get("localhost", ports.acme, ca, "/dir").catch(() => null))?.status === 200,
    10000, "Pebble's directory");
});
after(async () => {
  for (const p of procs) await stopServer(p);
});

function serve(dataDir, db) {
  return startServer({ db, listen: `127.0.0.1:${ports.https}`, args: [
    "--data-dir", dataDir, "--public-origin", `https://${DOMAIN}:${ports.https}`,
    "--redirect-http", `127.0.0.1:${ports.http}`, "--acme-domain", DOMAIN,
    "--acme-directory", `https://localhost:${ports.acme}/dir`, "--acme-ca-file", path.join(dir, "ca.pem")] });
}

test("a certificate over ACME, served at once, kept, and used again after a restart", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-acme-data-"));
  const db = tempDb();
  const first = serve(dataDir, db);
  procs.push(first.proc);
  await first.url;
  // Pebble's root for this run: the only CA trusted from here on.
  const root = (await get("localhost", ports.acmeMgmt, ca, "/roots/0")).body;
  assert.match(String(root), /BEGIN CERTIFICATE/);
  const page = await get(DOMAIN, ports.https, root, "/");
  assert.equal(page.status, 200);
  assert.ok(page.headers["strict-transport-security"]);
  for (const f of ["account.json", "cert.pem", "key.pem"]) {
    const mode = fs.statSync(path.join(dataDir, "acme", f)).mode & 0o777;
    assert.equal(mode, 0o600, `${f} is the owner's only`);
  }
  // Plain HTTP still only redirects once the challenge is over.
  const plain = await fetch(`http://127.0.0.1:${ports.http}/.well-known/acme-challenge/x`, { redirect: "manual" });
  assert.equal(plain.status, 301);
  await stopServer(first.proc);

  // Pebble gone: a restart serves the stored certificate.
  for (const p of procs.splice(0, 2)) await stopServer(p);
  const again = serve(dataDir, db);
  procs.push(again.proc);
  await again.url;
  assert.equal((await get(DOMAIN, ports.https, root, "/")).status, 200);
});
