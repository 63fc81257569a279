// HTTPS for the deployment tests: a test CA and certificate made with OpenSSL, free
// ports, GET over HTTPS trusting only that CA, and two people chatting through an origin.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { person, signInDemo } from "./harness.mjs";

/** A free loopback port (for servers that cannot be told to pick one). */
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * A test CA and a certificate for `host` signed by it, made with OpenSSL, in `dir`
 * (ca.pem, fullchain.pem, privkey.pem): the CA, and the SPKI pin Chromium accepts the
 * key by (its trust store is not the test's).
 */
export function makeCertificates(dir, host) {
  const ossl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  ossl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
    "-subj", "/CN=Huddle test CA", "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  ossl("req", ...ec, "-keyout", "privkey.pem", "-out", "server.csr", "-subj", `/CN=${host}`);
  fs.writeFileSync(path.join(dir, "ext.cnf"),
    `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "2", "-extfile", "ext.cnf", "-out", "fullchain.pem");
  const cert = new crypto.X509Certificate(fs.readFileSync(path.join(dir, "fullchain.pem")));
  assert.ok(cert.verify(new crypto.X509Certificate(fs.readFileSync(path.join(dir, "ca.pem"))).publicKey));
  const spki = cert.publicKey.export({ type: "spki", format: "der" });
  return {
    ca: fs.readFileSync(path.join(dir, "ca.pem")),
    // Chromium accepts the server's key by this pin (its trust store is not the test's).
    spkiHash: crypto.createHash("sha256").update(spki).digest("base64"),
  };
}

/**
 * A GET over HTTPS to `host`:`port` (on 127.0.0.1), trusting only the test CA; resolves
 * to status, headers, body.
 */
export function get(host, port, ca, urlPath, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", servername: host, port, path: urlPath, ca,
      headers: { host: `${host}:${port}`, ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
  });
}

/** Two people sign in through `origin`, open #random and chat live. */
export async function chat(browser, origin, text) {
  const alice = await person(browser);
  const bob = await person(browser);
  for (const [p, who] of [[alice, "alice"], [bob, "bob"]]) {
    await signInDemo(p.page, origin, who);
    await p.page.getByRole("link", { name: "Demo workspace" }).click();
    await p.page.getByRole("link", { name: "# random" }).click();
    await p.page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
  }
  const box = alice.page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill(text);
  await box.press("Enter");
  await bob.page.getByRole("log").getByText(text).waitFor({ timeout: 10000 });
  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
    await p.context.close();
  }
}

