// Huddle end to end: the release build served by the real server, driven in headless
// Chromium. Two people sign up in two browser contexts, share a workspace and chat in
// real time (formatting, reactions, edits), survive a restart of the server's relay
// without losing a message, and every page runs under the strict CSP with zero
// violations and zero console errors. Screenshots go to tests/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, launchChromium } from "../js/helpers.mjs";
import * as harness from "./harness.mjs";

const DB = harness.tempDb();
const startServer = (listen) => harness.startServer({ db: DB, listen });
const person = () => harness.person(browser);
const { unexpected } = harness;
const shot = harness.shot;
let server, base, browser;

before(async () => {
  const s = startServer();
  server = s.proc;
  base = await s.url;
  browser = await launchChromium();
});
after(async () => { await browser?.close(); server?.kill(); });

async function signUp(p, name) {
  await p.page.goto(base + "/signup");
  await p.page.getByLabel("Username").fill(name);
  await p.page.getByLabel("Email").fill(`${name}@example.com`);
  await p.page.getByLabel("Display name (optional)").fill(name[0].toUpperCase() + name.slice(1));
  await p.page.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
  await p.page.getByRole("button", { name: "Create account" }).click();
  await p.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
}

test("every response carries the strict CSP and security headers", async () => {
  for (const p of ["/", "/w/1/c/1", "/api/v1/auth/me"]) {
    const r = await fetch(base + p);
    const csp = r.headers.get("content-security-policy");
    assert.match(csp, /default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/, p);
    assert.match(csp, /require-trusted-types-for 'script'; trusted-types huddle-sw$/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("x-frame-options"), "DENY");
    assert.equal(r.headers.get("referrer-policy"), "no-referrer");
  }
  const page = await fetch(base + "/");
  assert.equal(page.headers.get("cache-control"), "no-cache");
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/loader-[0-9a-f]+\.js" integrity="sha384-/);
  // The build's wasm: sent as brotli (fetch decodes it), cached for a year by its hashed name.
  const wasmName = fs.readdirSync(path.join(ROOT, "dist")).find((f) => f.endsWith("_bg.wasm"));
  const wasm = await fetch(`${base}/${wasmName}`, { headers: { "accept-encoding": "br" } });
  assert.equal(wasm.headers.get("content-encoding"), "br");
  assert.equal(wasm.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.deepEqual(Buffer.from(await wasm.arrayBuffer()), fs.readFileSync(path.join(ROOT, "dist", wasmName)));
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script");
});

test("a bad sign-in shows a readable error and keeps what was typed", async () => {
  const p = await person();
  // A signed-out visit to / goes to the sign-in page without asking for the workspaces.
  const asked = [];
  p.page.on("request", (r) => { if (new URL(r.url()).pathname === "/api/v1/workspaces") asked.push(r.method()); });
  await p.page.goto(base + "/");
  await p.page.getByRole("heading", { name: "Sign in to Huddle" }).waitFor();
  await shot(p.page, "signin");
  await p.page.getByLabel("Username or email").fill("nobody");
  await p.page.getByLabel("Password").fill("wrong password");
  await p.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await p.page.getByRole("alert").filter({ hasText: "wrong username, email or password" }).waitFor();
  assert.equal(await p.page.getByLabel("Username or email").inputValue(), "nobody");
  assert.deepEqual(await p.csp(), []);
  // The rejected sign-in is a 401 response, which Chromium logs. Nothing else.
  const signin = { method: "POST", path: "/api/v1/auth/signin", status: 401 };
  assert.deepEqual(unexpected(p.problems, [signin]), []);
  assert.deepEqual(asked, [], "no request for the workspaces");
  assert.ok(p.problems.includes("response: POST /api/v1/auth/signin 401"), `${p.problems}`);
  await p.context.close();
});

test("two people chat in real time; the relay restarts without losing a message", async () => {
  const alice = await person();
  const bob = await person();
  await signUp(alice, "alice");
  await shot(alice.page, "home");
  await signUp(bob, "bob");

  // Alice creates a workspace and invites Bob.
  await alice.page.getByLabel("New workspace name").fill("Acme");
  await alice.page.getByRole("button", { name: "Create workspace" }).click();
  await alice.page.getByRole("link", { name: "# general" }).click();
  await alice.page.getByRole("link", { name: "People" }).click();
  await alice.page.getByLabel("Invite (username or email)").fill("bob");
  await alice.page.getByRole("button", { name: "Send invitation" }).click();
  await alice.page.getByRole("status").getByText("Invitation sent to bob").waitFor();
  await alice.page.getByRole("link", { name: "# general" }).click();
  await alice.page.getByRole("status").filter({ hasText: "Connected" }).waitFor();

  // Bob finds the invitation on his home page and joins.
  await bob.page.goto(base + "/");
  await bob.page.getByRole("region", { name: "Invitations" }).getByText("invited you to Acme").waitFor();
  await bob.page.getByRole("button", { name: "Join Acme" }).click();
  await bob.page.getByRole("link", { name: "# general" }).click();
  await bob.page.getByRole("status").filter({ hasText: "Connected" }).waitFor();

  // Alice writes with formatting; Bob sees it rendered, live.
  const aliceBox = alice.page.getByLabel("Message", { exact: true });
  await aliceBox.fill("Hello **Bob**, see [the docs](https://example.com/docs)");
  await aliceBox.press("Enter");
  const bobLog = bob.page.getByRole("log", { name: "Messages" });
  await bobLog.locator("strong", { hasText: "Bob" }).waitFor({ timeout: 10000 });
  const link = bobLog.getByRole("link", { name: "the docs" });
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
  assert.equal(await aliceBox.inputValue(), "", "sent drafts are cleared");

  // Shift+Enter is a newline; Bob answers; Alice sees it.
  const bobBox = bob.page.getByLabel("Message", { exact: true });
  await bobBox.fill("Hi Alice!");
  // Alice's page loaded the member list before Bob joined: his typing makes it load
  // again, so it names him rather than "Someone".
  await alice.page.getByText("Bob is typing…").waitFor({ timeout: 10000 });
  await bobBox.press("Shift+Enter");
  await bobBox.type("Second line");
  assert.equal(await bobBox.inputValue(), "Hi Alice!\nSecond line");
  await bobBox.press("Enter");
  await alice.page.getByRole("log").getByText("Second line").waitFor({ timeout: 10000 });

  // Bob reacts to Alice's message; Alice edits it; both show up on the other side. The
  // reaction is Bob's: he sees it as his, Alice (who did not react) is offered to add hers.
  const aliceMsgOnBob = bobLog.locator("li.message", { hasText: "Hello" });
  const aliceMsg = alice.page.getByRole("log").locator("li.message", { hasText: "Hello" });
  const chips = async (item) => item.locator("button.chip").evaluateAll((els) =>
    els.map((e) => `${e.getAttribute("aria-label")} (pressed ${e.getAttribute("aria-pressed")})`));
  const checkReaction = async (when) => {
    assert.deepEqual(await chips(aliceMsgOnBob), ["1 reaction, yours (pressed true)"], `Bob ${when}`);
    assert.deepEqual(await chips(aliceMsg), ["1 reaction, add yours (pressed false)"], `Alice ${when}`);
  };
  await aliceMsgOnBob.getByRole("button", { name: "React with thumbs up" }).click();
  await aliceMsgOnBob.getByRole("button", { name: "1 reaction, yours", exact: true }).waitFor({ timeout: 10000 });
  await aliceMsg.getByRole("button", { name: "1 reaction, add yours", exact: true }).waitFor({ timeout: 10000 });
  await checkReaction("after Bob's reaction");
  await harness.messageMenu(aliceMsg, "Edit");
  await alice.page.getByLabel("Edit message").fill("Hello **Bob** (edited by hand)");
  await alice.page.getByLabel("Edit message").press("Enter");
  await bobLog.getByText("(edited by hand)").waitFor({ timeout: 10000 });
  await bobLog.getByText("(edited)").waitFor();
  await aliceMsg.getByText("(edited by hand)").waitFor();
  // Alice's edit reached Bob with the reactions: still his, not hers.
  await checkReaction("after Alice's edit");
  // Threads: Bob replies in a thread on Alice's message; Alice sees the count live and
  // the reply in the thread panel.
  await aliceMsgOnBob.getByRole("button", { name: "Reply in thread" }).click();
  await bob.page.getByLabel("Reply", { exact: true }).fill("a reply in the thread");
  await bob.page.getByLabel("Reply", { exact: true }).press("Enter");
  await bob.page.getByRole("complementary", { name: "Thread" }).getByText("a reply in the thread").waitFor();
  await aliceMsg.getByRole("button", { name: "1 reply" }).click({ timeout: 10000 });
  await alice.page.getByRole("complementary", { name: "Thread" }).getByText("a reply in the thread").waitFor();
  assert.equal(await alice.page.getByRole("log").getByText("a reply in the thread").count(), 0, "replies stay in the thread");
  await shot(alice.page, "thread");
  await alice.page.getByRole("button", { name: "Close thread" }).click();
  await shot(alice.page, "channel-light");
  await shot(bob.page, "channel-bob");

  // The server goes away: both pages show it. Alice's draft stays; Bob's message sent
  // meanwhile fails visibly and stays with Retry; after the restart it goes out once, and
  // nothing that was in the logs before is lost or doubled.
  const logOf = (p) => p.page.getByRole("log", { name: "Messages" }).locator("li.message")
    .evaluateAll((els) => els.map((e) => ({ id: e.dataset.id, body: e.querySelector(".body")?.textContent })));
  const earlier = await logOf(alice);
  assert.deepEqual(earlier.map((m) => m.body), ["Hello Bob (edited by hand)", "Hi Alice!Second line"]);
  assert.deepEqual(await logOf(bob), earlier);
  // Until the outage, no problem at all.
  for (const p of [alice, bob]) assert.deepEqual(p.problems, [], "before the outage");

  const port = new URL(base).port;
  const [, workspaceId, channelId] = new URL(alice.page.url()).pathname.match(/^\/w\/(\d+)\/c\/(\d+)/);
  const messagesPath = `/api/v1/channels/${channelId}/messages`;
  // Alice's page refetches the channel after the restart (the resync).
  const aliceResync = alice.page.waitForResponse((r) =>
    r.request().method() === "GET" && new URL(r.url()).pathname === messagesPath && r.ok(), { timeout: 90000 });
  await harness.stopServer(server); // the port is free again only once it has exited
  await alice.page.getByRole("status").filter({ hasText: "Offline" }).waitFor({ timeout: 10000 });
  await bob.page.getByRole("status").filter({ hasText: "Offline" }).waitFor({ timeout: 10000 });
  await aliceBox.fill("draft kept while offline");
  const downText = "sent while the server was down";
  await bobBox.fill(downText);
  await bobBox.press("Enter");
  const unsent = bob.page.getByRole("list", { name: "Unsent messages" }).getByRole("listitem");
  const failed = unsent.filter({ hasText: downText });
  await failed.getByRole("alert").filter({ hasText: /^Not sent: cannot reach the server/ }).waitFor({ timeout: 10000 });
  await failed.getByRole("button", { name: "Retry" }).waitFor();
  assert.equal(await unsent.count(), 1);
  assert.equal(await bobLog.getByText(downText).count(), 0, "a failed message is not in the log");

  const restarted = startServer(`127.0.0.1:${port}`);
  server = restarted.proc;
  await restarted.url;
  // A message posted while Alice's socket is still reconnecting must reach her anyway.
  await bobBox.fill("sent right after the restart");
  await bobBox.press("Enter");
  await alice.page.getByRole("status").filter({ hasText: "Connected" }).waitFor({ timeout: 40000 });
  await bob.page.getByRole("status").filter({ hasText: "Connected" }).waitFor({ timeout: 40000 });
  await alice.page.getByRole("log").getByText("sent right after the restart").waitFor({ timeout: 15000 });
  await aliceResync;
  // Bob retries: it goes out once, leaves the unsent list and reaches both logs once.
  const posts = [];
  bob.page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === messagesPath) posts.push(r.postDataJSON().body);
  });
  await failed.getByRole("button", { name: "Retry" }).click();
  await failed.waitFor({ state: "detached", timeout: 10000 });
  assert.equal(await unsent.count(), 0);
  for (const p of [alice, bob]) {
    await p.page.getByRole("log").locator("li.message", { hasText: downText }).waitFor({ timeout: 10000 });
  }
  assert.equal(await aliceBox.inputValue(), "draft kept while offline");
  assert.deepEqual(posts, [downText], "Retry posts once");
  // Every earlier message is still there, unchanged and in order; the two new ones follow,
  // once each.
  for (const p of [alice, bob]) {
    const now = await logOf(p);
    assert.equal(new Set(now.map((m) => m.id)).size, now.length, "no duplicates after the resync");
    assert.deepEqual(now.slice(0, earlier.length), earlier, "earlier messages kept");
    assert.deepEqual(now.slice(earlier.length).map((m) => m.body), ["sent right after the restart", downText]);
  }
  const endOfOutage = [alice, bob].map((p) => p.problems.length);

  // Dark theme, then the other apps.
  await alice.page.getByRole("button", { name: "Dark theme" }).click();
  assert.ok(await alice.page.evaluate(() => document.documentElement.classList.contains("theme-dark")));
  await shot(alice.page, "channel-dark");
  await alice.page.getByRole("link", { name: "Drive" }).click();
  await alice.page.getByRole("heading", { name: "Drive" }).waitFor();
  await shot(alice.page, "drive");

  // While the server was down the browser logged refused connections to it: the socket,
  // the socket's ticket, Bob's failed message (and the channel list if its poll came
  // then). Nothing else, and nothing at all before or after.
  const refused = (method, path) => ({ method, path, error: "net::ERR_CONNECTION_REFUSED" });
  const outage = [
    refused("POST", "/api/v1/realtime/ticket"),
    refused("GET", `/api/v1/workspaces/${workspaceId}/channels`),
  ];
  const socket = new RegExp(`^console: WebSocket connection to 'ws://127\\.0\\.0\\.1:${port}/ws' failed: .*net::ERR_CONNECTION_REFUSED$`);
  for (const [i, p] of [alice, bob].entries()) {
    assert.deepEqual(await p.csp(), [], "zero CSP violations");
    const during = p.problems.slice(0, endOfOutage[i]);
    const expected = p === bob ? [...outage, refused("POST", messagesPath)] : outage;
    assert.deepEqual(unexpected(during, expected).filter((x) => !socket.test(x)), [], "during the outage");
    if (p === bob) assert.ok(during.includes(`requestfailed: POST ${messagesPath} net::ERR_CONNECTION_REFUSED`));
    assert.deepEqual(p.problems.slice(endOfOutage[i]), [], "after the outage");
  }
  await alice.context.close();
  await bob.context.close();
});

test("a tampered wasm is refused: the loader's SRI pin is enforced", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  let refused;
  const integrity = new Promise((resolve) => { refused = resolve; });
  const record = (e) => { errors.push(e); if (/integrity/i.test(e)) refused(); };
  page.on("console", (m) => { if (m.type() === "error") record(m.text()); });
  page.on("pageerror", (e) => record(String(e)));
  await page.route("**/*_bg.wasm", async (route) => {
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[body.length - 1] ^= 1;
    await route.fulfill({ response: res, body });
  });
  await page.goto(base + "/signin");
  // The refusal is reported; the wasm never runs, so the app cannot start later on.
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no integrity error within 15 s: ${errors}`)), 15000);
  });
  await Promise.race([integrity, timeout]).finally(() => clearTimeout(timer));
  assert.equal(await page.getByRole("heading").count(), 0, "app must not start");
  await context.close();
});
