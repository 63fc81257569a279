// A real third-party tus client against the real server: tus-js-client 4 (npm) in Node.js
// uploads a file into Drive with the session cookie; an upload aborted midway (its
// connection cut) resumes from the offset the server kept, and the file downloaded
// through a token is the file uploaded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import * as tus from "tus-js-client";
import { startServer, stopServer, tempDb } from "./harness.mjs";

let server;
let base;

before(async () => {
  const s = startServer({ db: tempDb() });
  server = s.proc;
  base = await s.url;
});

after(async () => {
  if (server) await stopServer(server);
});

/** Signs up `name`; returns the headers its requests carry (cookie and CSRF header). */
async function signUp(name) {
  const r = await fetch(`${base}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-requested-with": "huddle" },
    body: JSON.stringify({ username: name, email: `${name}@example.com`, password: "long enough password" }),
  });
  assert.equal(r.status, 201, await r.text());
  const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => c.includes("session")).join("; ");
  return { cookie, "x-requested-with": "huddle" };
}

async function api(headers, method, path, body) {
  const r = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/** A tus upload of `data` into workspace `ws`; resolves with the file id. */
function uploadOptions(headers, ws, name, extra = {}) {
  return {
    endpoint: `${base}/api/v1/workspaces/${ws}/drive/uploads`,
    headers,
    metadata: { filename: name },
    retryDelays: [],
    ...extra,
  };
}

const sha = (b) => crypto.createHash("sha256").update(b).digest("hex");

test("tus-js-client uploads, an aborted upload resumes from the server's offset, the download matches", async () => {
  const headers = await signUp("tususer");
  const ws = (await api(headers, "POST", "/workspaces", { name: "Tus" })).body.id;
  const data = crypto.randomBytes(3 * 1024 * 1024 + 4321);

  // Whole, with a checksum-free single request.
  const small = Buffer.from("hello from tus-js-client\n");
  const smallId = await new Promise((resolve, reject) => {
    const u = new tus.Upload(small, {
      ...uploadOptions(headers, ws, "hello.txt"),
      onError: reject,
      onSuccess: ({ lastResponse }) => resolve(Number(lastResponse.getHeader("Huddle-File-Id"))),
    });
    u.start();
  });
  assert.ok(smallId > 0);

  // In 256 KiB requests, aborted after about a megabyte (the request in flight is cut).
  let url;
  await new Promise((resolve, reject) => {
    const u = new tus.Upload(data, {
      ...uploadOptions(headers, ws, "big.bin", { chunkSize: 256 * 1024 }),
      onError: reject,
      onSuccess: () => reject(new Error("finished before the abort")),
      onProgress: (sent) => {
        if (sent > 1024 * 1024 && !url) {
          url = u.url;
          u.abort().then(resolve, reject);
        }
      },
    });
    u.start();
  });
  assert.ok(url, "the upload has a URL");
  const head = await fetch(url, { method: "HEAD", headers: { ...headers, "tus-resumable": "1.0.0" } });
  assert.equal(head.status, 200);
  const kept = Number(head.headers.get("upload-offset"));
  assert.ok(kept > 0 && kept < data.length, `kept ${kept}`);

  // Resumed by a new client from the upload's URL: it asks the offset and goes on.
  let firstOffset;
  const fileId = await new Promise((resolve, reject) => {
    const u = new tus.Upload(data, {
      ...uploadOptions(headers, ws, "big.bin", { uploadUrl: url, chunkSize: 1024 * 1024 }),
      onError: reject,
      onProgress: (sent) => { firstOffset ??= sent; },
      onSuccess: ({ lastResponse }) => resolve(Number(lastResponse.getHeader("Huddle-File-Id"))),
    });
    u.start();
  });
  assert.ok(firstOffset >= kept, `the resumed upload started again at ${firstOffset}, not from ${kept}`);

  const listed = await api(headers, "GET", `/workspaces/${ws}/drive`);
  assert.deepEqual(listed.body.items.map((i) => i.name).sort(), ["big.bin", "hello.txt"]);
  const link = await api(headers, "POST", `/drive/files/${fileId}/download`, {});
  const got = Buffer.from(await (await fetch(`${base}${link.body.url}`)).arrayBuffer());
  assert.equal(sha(got), sha(data));
});

test("tus-js-client terminates an upload; its URL is gone", async () => {
  const headers = await signUp("tususer2");
  const ws = (await api(headers, "POST", "/workspaces", { name: "Tus2" })).body.id;
  const data = crypto.randomBytes(600 * 1024);
  let url;
  await new Promise((resolve, reject) => {
    const u = new tus.Upload(data, {
      ...uploadOptions(headers, ws, "gone.bin", { chunkSize: 200 * 1024 }),
      onError: reject,
      onProgress: (sent) => {
        if (sent >= 200 * 1024 && !url) {
          url = u.url;
          u.abort(true).then(resolve, reject);
        }
      },
    });
    u.start();
  });
  const head = await fetch(url, { method: "HEAD", headers: { ...headers, "tus-resumable": "1.0.0" } });
  assert.equal(head.status, 404);
  assert.deepEqual((await api(headers, "GET", `/workspaces/${ws}/drive`)).body.items, []);
});
