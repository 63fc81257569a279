// HTTPS without a reverse proxy: the server serves TLS itself (--tls-cert/--tls-key, a
// certificate from a CA the test makes) and answers plain HTTP only with a redirect
// (--redirect-http). Mozilla's HTTP Observatory (the real scanner, tests/observatory/)
// grades it A+ with every bonus; two people chat over it (the relay over wss://); SIGHUP
// makes the server present a renewed certificate without a restart.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { ROOT, launchChromium } from "../js/helpers.mjs";
import { startServer, stopServer, tempDb, until } from "./harness.mjs";
import { chat, freePort, get, makeCertificates } from "./tls.mjs";

const HOST = "localhost";
let dir, certs, httpPort, httpsPort, server, browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-https-"));
  certs = makeCertificates(dir, HOST);
  [httpPort, httpsPort] = [await freePort(), await freePort()];
  const s = startServer({ db: tempDb(), demo: true, listen: `127.0.0.1:${httpsPort}`, args: [
    "--tls-cert", path.join(dir, "fullchain.pem"), "--tls-key", path.join(dir, "privkey.pem"),
    "--redirect-http", `127.0.0.1:${httpPort}`, "--public-origin", `https://${HOST}:${httpsPort}`] });
  server = s.proc;
  assert.equal(await s.url, `https://127.0.0.1:${httpsPort}`);
  browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
    `--ignore-certificate-errors-spki-list=${certs.spkiHash}`]);
});
after(async () => {
  await browser?.close();
  if (server) await stopServer(server);
});

/** The certificate the server presents, its TLS version and ALPN protocol. */
function handshake() {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port: httpsPort, servername: HOST, ca: certs.ca,
      ALPNProtocols: ["h2", "http/1.1"] }, () => {
      resolve({ fingerprint: s.getPeerCertificate().fingerprint256, version: s.getProtocol(), alpn: s.alpnProtocol });
      s.end();
    });
    s.on("error", reject);
  });
}

test("plain HTTP only redirects, to the public origin; HTTPS is TLS 1.3 with HSTS", async () => {
  const plain = await new Promise((resolve, reject) => http.get({ host: "127.0.0.1", port: httpPort,
    path: "/w/1/c/2?at=5", headers: { host: "evil.example" } }, resolve).on("error", reject));
  assert.equal(plain.statusCode, 301);
  assert.equal(plain.headers.location, `https://${HOST}:${httpsPort}/w/1/c/2?at=5`);
  const page = await get(HOST, httpsPort, certs.ca, "/");
  assert.equal(page.status, 200);
  assert.equal(page.headers["strict-transport-security"], "max-age=63072000; includeSubDomains");
  assert.match(page.headers["content-security-policy"], /^default-src 'none'/);
  const h = await handshake();
  assert.equal(h.version, "TLSv1.3");
  assert.equal(h.alpn, "h2");
});

test("Mozilla's HTTP Observatory: A+ with every bonus", () => {
  const out = execFileSync(process.execPath, [path.join(ROOT, "tests/e2e/observatory-scan.mjs"), HOST,
    String(httpPort), String(httpsPort)], { env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, "ca.pem") },
    encoding: "utf8" });
  const scan = JSON.parse(out);
  const report = JSON.stringify(scan, null, 2);
  assert.equal(scan.grade, "A+", report);
  for (const [name, t] of Object.entries(scan.tests)) assert.ok(t.pass, `${name}: ${report}`);
  for (const bonus of ["content-security-policy", "cross-origin-resource-policy", "referrer-policy", "x-frame-options"]) {
    assert.ok(scan.tests[bonus].scoreModifier > 0, `${bonus} earns its bonus: ${report}`);
  }
  assert.equal(scan.tests.redirection.result, "redirection-to-https", report);
  console.log(`# Observatory: ${scan.grade} (${scan.score})`);
});

test("two people chat over the server's own HTTPS (the relay over wss://)", async () => {
  await chat(browser, `https://${HOST}:${httpsPort}`, "Over the server's own HTTPS");
});

test("SIGHUP: a renewed certificate is presented without a restart", async () => {
  const before = (await handshake()).fingerprint;
  const renewed = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-https-renewed-"));
  makeCertificates(renewed, HOST);
  // Signed by another test CA: trust it for the check.
  const ca = fs.readFileSync(path.join(renewed, "ca.pem"));
  for (const f of ["fullchain.pem", "privkey.pem"]) fs.copyFileSync(path.join(renewed, f), path.join(dir, f));
  certs = { ...certs, ca };
  server.kill("SIGHUP");
  await until(async () => (await handshake().catch(() => ({}))).fingerprint !== undefined
    && (await handshake()).fingerprint !== before, 5000, "the renewed certificate");
  assert.equal((await get(HOST, httpsPort, ca, "/")).status, 200);
});
