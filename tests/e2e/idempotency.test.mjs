// A create whose answer is lost is not done twice when it is sent again. Playwright lets
// the request reach the server (`route.fetch()`) and then cuts the page off from the
// answer (`route.abort()`), which is what a dropped connection after the commit looks
// like: the thing exists, the page says it failed. Sent again (Retry, Send reply, Create),
// the request carries the same `Idempotency-Key` as the first time and the server answers
// with the first answer (`Idempotent-Replayed: true`) instead of doing it again: one
// message, one reply, one channel. A new request gets a new key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, person, readMarkers, unexpected, until, openDemoChannel } from "./harness.mjs";

const env = demoEnvironment();
const KEY = /^[0-9a-f]{32}$/; // crypto-wasm randomToken(16): 16 CSPRNG bytes, hex

const openChannel = (p, who, channel) => openDemoChannel(p, env.base, who, channel);

/**
 * Records the POSTs `page` makes to `path`, in order: `{ key, body }` (`key`: the
 * Idempotency-Key header) when sent, and `status`, `replayed` (the Idempotent-Replayed
 * header) and `answer` (the parsed body) once a response reached the page.
 */
function posts(page, path) {
  const list = [];
  page.on("request", (r) => {
    if (r.method() !== "POST" || new URL(r.url()).pathname !== path) return;
    const entry = { key: r.headers()["idempotency-key"], body: r.postDataJSON() };
    list.push(entry);
    r.response().then(async (res) => {
      if (!res) return;
      entry.replayed = (await res.allHeaders())["idempotent-replayed"];
      entry.answer = await res.json().catch(() => null);
      entry.status = res.status();
    }).catch(() => {});
  });
  return list;
}

/**
 * Loses the answer to the first POST matching `url` (and `pick`, if given): the request
 * goes to the server, which does it; then the page's request is aborted. Returns
 * `{ lost }`: a promise of the answer the page never saw (`status`, `headers`, `json`).
 * Later requests go through untouched.
 */
async function loseFirstAnswer(page, url, pick = () => true) {
  let done = false, resolve;
  const lost = new Promise((r) => { resolve = r; });
  await page.route(url, async (route) => {
    const r = route.request();
    if (done || r.method() !== "POST" || !pick(r)) return route.fallback();
    done = true;
    const res = await route.fetch();
    const answer = { status: res.status(), headers: res.headers(), json: await res.json() };
    await route.abort();
    resolve(answer);
  });
  return { lost };
}

/** No CSP violation; no problem but the cut-off POST to `path`, which must have happened. */
async function finish(p, path) {
  assert.deepEqual(await p.csp(), []);
  if (path) {
    assert.deepEqual(unexpected(p.problems, [{ method: "POST", path, error: "net::ERR_FAILED" }]), []);
    assert.ok(p.problems.includes(`requestfailed: POST ${path} net::ERR_FAILED`), `${p.problems}`);
  } else {
    assert.deepEqual(p.problems, []);
  }
  await p.context.close();
}

const composer = (p) => p.page.getByRole("textbox", { name: "Message", exact: true });
const log = (p) => p.page.getByRole("log", { name: "Messages" });
const item = (p, text) => log(p).locator("li.message", { hasText: text });

test("Retry after a lost answer posts the message once", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  const ch = await openChannel(alice, "alice", "general");
  await openChannel(bob, "bob", "general");
  const path = `/api/v1/channels/${ch}/messages`;
  const sent = posts(alice.page, path);
  const aliceReads = readMarkers(alice.page, ch);
  const { lost } = await loseFirstAnswer(alice.page, `**${path}`);

  const text = "Posted once though its answer was lost";
  await composer(alice).fill(text);
  await composer(alice).press("Enter");
  const unsent = alice.page.getByRole("list", { name: "Unsent messages" }).getByRole("listitem").filter({ hasText: text });
  await unsent.getByRole("alert").filter({ hasText: /^Not sent: cannot reach the server/ }).waitFor();
  // The server did post it (and told the channel): it arrives live on both pages, marked
  // read by Alice's page with its id, while her composer still offers Retry.
  const first = await lost;
  assert.equal(first.status, 201);
  assert.equal(first.headers["idempotent-replayed"], undefined, "the first answer is not a replay");
  const id = first.json.id;
  await until(() => aliceReads.includes(id), 15000, "the message to reach Alice's page live");
  await item(bob, text).waitFor({ timeout: 10000 });

  await alice.page.unroute(`**${path}`);
  await unsent.getByRole("button", { name: "Retry" }).click();
  await unsent.waitFor({ state: "detached", timeout: 10000 });
  await until(() => sent[1]?.status !== undefined, 10000, "the answer to Retry");
  assert.equal(sent.length, 2, "one POST per Enter or Retry");
  assert.match(sent[0].key ?? "", KEY, "the first POST has an Idempotency-Key");
  assert.equal(sent[1].key, sent[0].key, "Retry sends the same key");
  assert.deepEqual(sent[1].body, sent[0].body);
  assert.equal(sent[1].status, 201);
  assert.equal(sent[1].replayed, "true", "Retry is answered with the first answer");
  assert.equal(sent[1].answer.id, id, "the same message");

  // A new message gets a new key. Bob sees it after anything posted before it (the relay
  // keeps the order), so a second copy of the first message would be on his page by then.
  const next = "A different message, after the retried one";
  await composer(alice).fill(next);
  await composer(alice).press("Enter");
  await item(bob, next).waitFor({ timeout: 10000 });
  await item(alice, next).waitFor();
  assert.equal(sent.length, 3);
  assert.match(sent[2].key ?? "", KEY);
  assert.notEqual(sent[2].key, sent[0].key, "a new message has a new key");
  assert.equal(sent[2].replayed, undefined);

  assert.equal(await item(alice, text).count(), 1, "once in Alice's log");
  assert.equal(await item(bob, text).count(), 1, "once in Bob's log");
  // And once on the server.
  await alice.page.reload();
  await item(alice, next).waitFor();
  assert.equal(await item(alice, text).count(), 1, "once after a reload");

  await finish(alice, path);
  await finish(bob);
});

test("sending a thread reply again after a lost answer posts it once", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  const ch = await openChannel(alice, "alice", "random");
  await openChannel(bob, "bob", "random");
  const path = `/api/v1/channels/${ch}/messages`;

  const rootText = "A thread whose first reply loses its answer";
  await composer(alice).fill(rootText);
  await composer(alice).press("Enter");
  const root = item(alice, rootText);
  await root.waitFor();
  await item(bob, rootText).waitFor({ timeout: 10000 });
  await root.getByRole("button", { name: "Reply in thread" }).click();
  const thread = alice.page.getByRole("complementary", { name: "Thread" });
  const box = thread.getByRole("textbox", { name: "Reply", exact: true });
  const replies = thread.getByRole("list", { name: "Replies" });
  const error = thread.locator(":scope > p.error"); // the panel's own (each reply has one)

  const sent = posts(alice.page, path);
  const { lost } = await loseFirstAnswer(alice.page, `**${path}`, (r) => r.postDataJSON().thread_root_id != null);
  const text = "A reply posted once though its answer was lost";
  await box.fill(text);
  await box.press("Enter");
  await error.filter({ hasText: /^cannot reach the server/ }).waitFor();
  assert.equal(await box.inputValue(), text, "the reply box keeps the text");
  const first = await lost;
  assert.equal(first.status, 201);
  // The server did post it: it arrives live in the open thread.
  await replies.locator("li.message", { hasText: text }).waitFor({ timeout: 10000 });

  await alice.page.unroute(`**${path}`);
  await thread.getByRole("button", { name: "Send reply" }).click();
  await until(() => sent[1]?.status !== undefined, 10000, "the answer to the second send");
  await until(async () => (await box.inputValue()) === "", 10000, "the reply box to empty");
  assert.equal((await error.textContent()).trim(), "", "the error is gone");
  assert.equal(sent.length, 2);
  assert.match(sent[0].key ?? "", KEY);
  assert.equal(sent[1].key, sent[0].key, "sent again with the same key");
  assert.deepEqual(sent[1].body, sent[0].body);
  assert.equal(sent[1].replayed, "true");
  assert.equal(sent[1].answer.id, first.json.id, "the same reply");

  // Another reply: a new key. Once it is on Bob's page, so would be a second copy.
  const next = "Another reply, after the resent one";
  await box.fill(next);
  await box.press("Enter");
  await replies.locator("li.message", { hasText: next }).waitFor();
  assert.equal(await replies.locator("li.message", { hasText: text }).count(), 1, "once in Alice's thread");
  assert.equal(sent.length, 3);
  assert.match(sent[2].key ?? "", KEY);
  assert.notEqual(sent[2].key, sent[0].key, "a new reply has a new key");
  await root.getByRole("button", { name: "2 replies" }).waitFor({ timeout: 10000 });

  const rootOnBob = item(bob, rootText);
  await rootOnBob.getByRole("button", { name: "2 replies" }).waitFor({ timeout: 10000 });
  await rootOnBob.getByRole("button", { name: "2 replies" }).click();
  const bobReplies = bob.page.getByRole("complementary", { name: "Thread" }).getByRole("list", { name: "Replies" });
  await bobReplies.locator("li.message", { hasText: next }).waitFor();
  assert.equal(await bobReplies.locator("li.message", { hasText: text }).count(), 1, "once in Bob's thread");

  await alice.page.reload();
  await item(alice, rootText).getByRole("button", { name: "2 replies" }).click();
  await replies.locator("li.message", { hasText: next }).waitFor();
  assert.equal(await replies.locator("li.message", { hasText: text }).count(), 1, "once after a reload");

  await finish(alice, path);
  await finish(bob);
});

test("Create again after a lost answer makes one channel and opens it", async () => {
  const p = await person(env.browser);
  await openChannel(p, "carol", "general");
  const path = /\/api\/v1\/workspaces\/\d+\/channels/;
  const sent = [];
  p.page.on("request", (r) => {
    if (r.method() === "POST" && path.test(new URL(r.url()).pathname)) sent.push(r);
  });
  const { lost } = await loseFirstAnswer(p.page, path);

  const name = "lost-answer-plans";
  await p.page.getByRole("button", { name: "New channel…" }).click();
  const field = p.page.getByLabel("Channel name", { exact: true });
  const form = p.page.locator("form", { has: field });
  await field.fill(name);
  await form.getByRole("button", { name: "Create" }).click();
  await form.getByRole("alert").filter({ hasText: /^cannot reach the server/ }).waitFor();
  const first = await lost;
  assert.equal(first.status, 201, "the server made the channel");
  assert.equal(await field.inputValue(), name, "the field keeps the name");

  await p.page.unroute(path);
  const again = p.page.waitForResponse((r) => r.request() === sent[1]);
  await form.getByRole("button", { name: "Create" }).click();
  const answer = await again;
  assert.equal(answer.status(), 201);
  assert.equal((await answer.allHeaders())["idempotent-replayed"], "true");
  assert.equal((await answer.json()).id, first.json.id, "the channel made the first time");
  // The page opens the channel, as after any Create (not: says the name is taken).
  const heading = p.page.getByRole("heading", { name: `# ${name}` });
  const said = async () => (await form.getByRole("alert").allTextContents()).join("").trim();
  await until(async () => (await heading.count()) > 0 || !/^(cannot reach the server|$)/.test(await said()),
    10000, "the channel, or another error");
  assert.equal(await said(), "", "no error");
  await heading.waitFor();
  assert.match(p.page.url(), new RegExp(`/c/${first.json.id}$`));
  // The dialog closed with it.
  assert.equal(await p.page.getByRole("dialog", { name: "New channel" }).count(), 0);
  assert.equal(sent.length, 2);
  const keys = await Promise.all(sent.map(async (r) => (await r.allHeaders())["idempotency-key"]));
  assert.match(keys[0] ?? "", KEY);
  assert.equal(keys[1], keys[0], "Create again sends the same key");

  const links = p.page.getByRole("navigation", { name: "Apps" }).getByRole("link", { name: `# ${name}`, exact: true });
  assert.equal(await links.count(), 1, "one channel of that name in the sidebar");
  await p.page.reload();
  await p.page.getByRole("heading", { name: `# ${name}` }).waitFor();
  assert.equal(await links.count(), 1, "one channel of that name after a reload");

  const pathOf = new URL(sent[0].url()).pathname;
  await finish(p, pathOf);
});

// A client that hangs up right after sending (its answer lost) must not leave the key
// reserved without an answer: before the fix, the server dropped the request's work with
// the connection, and about a third of such keys answered 409 IDEMPOTENCY_KEY_IN_USE for
// 24 hours (a message's Retry never went through). Raw sockets, half closed, half reset.
test("a request whose client hangs up still keeps its answer for the repeat", async () => {
  const net = await import("node:net");
  const H = { "x-requested-with": "huddle", "content-type": "application/json" };
  const signin = await fetch(env.base + "/api/v1/auth/signin", {
    method: "POST", headers: H, body: JSON.stringify({ login: "carol", password: "huddle-demo-password" }),
  });
  const cookie = signin.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const ws = await (await fetch(env.base + "/api/v1/workspaces", { headers: { cookie } })).json();
  const chs = await (await fetch(env.base + `/api/v1/workspaces/${ws[0].id}/channels`, { headers: { cookie } })).json();
  const ch = chs.find((c) => c.name === "random").id;
  const { hostname, port } = new URL(env.base);
  const texts = [];
  for (let i = 0; i < 40; i++) {
    const key = `hang-up-${String(i).padStart(4, "0")}-${Date.now()}`;
    const text = `hung up ${i} ${key}`;
    texts.push(text);
    const body = JSON.stringify({ body: text });
    await new Promise((resolve) => {
      const sock = net.connect(Number(port), hostname, () => {
        sock.write(`POST /api/v1/channels/${ch}/messages HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCookie: ${cookie}\r\n`
          + `X-Requested-With: huddle\r\nContent-Type: application/json\r\nIdempotency-Key: ${key}\r\n`
          + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        if (i % 2) sock.destroy(); else sock.end();
        resolve();
      });
    });
    // The repeat may find the first still running for a moment (409), then gets an answer.
    let res;
    await until(async () => {
      res = await fetch(env.base + `/api/v1/channels/${ch}/messages`, {
        method: "POST", headers: { ...H, cookie, "idempotency-key": key }, body,
      });
      return res.status !== 409;
    }, 5000, `an answer for attempt ${i} (still IDEMPOTENCY_KEY_IN_USE)`);
    assert.equal(res.status, 201, `attempt ${i}: ${await res.text()}`);
  }
  const page = await (await fetch(env.base + `/api/v1/channels/${ch}/messages?limit=100`, { headers: { cookie } })).json();
  for (const t of texts) {
    assert.equal(page.messages.filter((m) => m.body === t).length, 1, t);
  }
});
