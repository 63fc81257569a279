// Huddle end to end: the release build served by the real server, driven in headless
// Chromium. Two people sign up in two browser contexts, share a workspace and chat in
// real time (formatting, reactions, edits), survive a restart of the server's relay
// without losing a message, and every page runs under the strict CSP with zero
// violations and zero console errors. Screenshots go to tests/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../js/helpers.mjs";
import * as harness from "./harness.mjs";

const DB = harness.tempDb();
const startServer = (listen) => harness.startServer({ db: DB, listen });
const person = () => harness.person(browser);
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
    assert.match(csp, /require-trusted-types-for 'script'; trusted-types 'none'/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("x-frame-options"), "DENY");
    assert.equal(r.headers.get("referrer-policy"), "no-referrer");
  }
  const html = await (await fetch(base + "/")).text();
  assert.match(html, /<script type="module" src="\/loader-[0-9a-f]+\.js" integrity="sha384-/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script");
});

test("a bad sign-in shows a readable error and keeps what was typed", async () => {
  const p = await person();
  await p.page.goto(base + "/");
  await p.page.getByRole("heading", { name: "Sign in to Huddle" }).waitFor();
  await shot(p.page, "signin");
  await p.page.getByLabel("Username or email").fill("nobody");
  await p.page.getByLabel("Password").fill("wrong password");
  await p.page.getByRole("button", { name: "Sign in" }).click();
  await p.page.getByRole("alert").filter({ hasText: "wrong username, email or password" }).waitFor();
  assert.equal(await p.page.getByLabel("Username or email").inputValue(), "nobody");
  assert.deepEqual(await p.csp(), []);
  // The rejected sign-ins themselves are 401 responses, which Chromium logs; nothing else.
  assert.deepEqual(p.problems.filter((x) => !x.includes("status of 401")), []);
  assert.ok(p.problems.length <= 2);
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
  await alice.page.getByText("New channel, invite").click();
  await alice.page.getByLabel("Invite (username or email)").fill("bob");
  await alice.page.getByRole("button", { name: "Invite" }).click();
  await alice.page.getByText("bob was added").waitFor();
  await alice.page.getByRole("status").filter({ hasText: "Connected" }).waitFor();

  await bob.page.goto(base + "/");
  await bob.page.getByRole("link", { name: "Acme" }).click();
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
  await bobBox.press("Shift+Enter");
  await bobBox.type("Second line");
  assert.equal(await bobBox.inputValue(), "Hi Alice!\nSecond line");
  await bobBox.press("Enter");
  await alice.page.getByRole("log").getByText("Second line").waitFor({ timeout: 10000 });

  // Bob reacts to Alice's message; Alice edits it; both show up on the other side.
  const aliceMsgOnBob = bobLog.locator("li.message", { hasText: "Hello" });
  await aliceMsgOnBob.getByRole("button", { name: "React with thumbs up" }).click();
  await alice.page.getByRole("log").getByRole("button", { name: /1 reaction/ }).waitFor({ timeout: 10000 });
  const aliceMsg = alice.page.getByRole("log").locator("li.message", { hasText: "Hello" });
  await aliceMsg.getByRole("button", { name: "Edit" }).click();
  await alice.page.getByLabel("Edit message").fill("Hello **Bob** (edited by hand)");
  await alice.page.getByLabel("Edit message").press("Enter");
  await bobLog.getByText("(edited by hand)").waitFor({ timeout: 10000 });
  await bobLog.getByText("(edited)").waitFor();
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

  // The relay goes away: both pages show it, keep the draft, and come back.
  const port = new URL(base).port;
  server.kill();
  await alice.page.getByRole("status").filter({ hasText: "Offline" }).waitFor({ timeout: 10000 });
  await aliceBox.fill("draft kept while offline");
  const restarted = startServer(`127.0.0.1:${port}`);
  server = restarted.proc;
  await restarted.url;
  // A message posted while Alice's socket is still reconnecting must reach her anyway.
  await bobBox.fill("sent right after the restart");
  await bobBox.press("Enter");
  await alice.page.getByRole("status").filter({ hasText: "Connected" }).waitFor({ timeout: 40000 });
  await alice.page.getByRole("log").getByText("sent right after the restart").waitFor({ timeout: 15000 });
  assert.equal(await aliceBox.inputValue(), "draft kept while offline");
  const ids = await alice.page.getByRole("log").locator("li.message").evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.equal(new Set(ids).size, ids.length, "no duplicates after the resync");

  // Dark theme, then the other apps.
  await alice.page.getByRole("button", { name: "Dark theme" }).click();
  assert.ok(await alice.page.evaluate(() => document.documentElement.classList.contains("theme-dark")));
  await shot(alice.page, "channel-dark");
  await alice.page.getByRole("link", { name: "Drive" }).click();
  await alice.page.getByRole("heading", { name: "Drive" }).waitFor();
  await shot(alice.page, "drive");

  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), [], "zero CSP violations");
    // The restart makes the browser log failed socket attempts; nothing else may appear.
    assert.deepEqual(p.problems.filter((x) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(x)), []);
  }
  await alice.context.close();
  await bob.context.close();
});

test("a tampered wasm is refused: the loader's SRI pin is enforced", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.route("**/*_bg.wasm", async (route) => {
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[body.length - 1] ^= 1;
    await route.fulfill({ response: res, body });
  });
  await page.goto(base + "/signin");
  await page.waitForTimeout(1500);
  assert.equal(await page.getByRole("heading").count(), 0, "app must not start");
  assert.ok(errors.some((e) => /integrity/i.test(e)), `an integrity error: ${errors}`);
  await context.close();
});
