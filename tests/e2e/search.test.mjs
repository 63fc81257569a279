// Search on the demo data: `/` focuses the box in the top bar, results show channel,
// author and time with the searched words marked, choosing one opens its channel at that
// message (one page around it, 5,000 messages back in #history, not every page between)
// and highlights and focuses it; scrolling down from there loads newer pages without a
// gap, and "Jump to newest" returns to the present, with what was posted meanwhile; a
// reply opens in its thread; a private channel's messages are not found by someone
// outside it; Escape closes the results. No console error, no CSP violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, openDemoChannel, person, shot, signInDemo, until, unexpected } from "./harness.mjs";

const env = demoEnvironment();

async function openWorkspace(p, who) {
  await signInDemo(p.page, env.base, who);
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
}

test("find a message deep in #history and open the channel at it", async () => {
  const alice = await person(env.browser);
  await openWorkspace(alice, "alice");
  const { page } = alice;
  // The shortcut focuses the box (not while typing elsewhere).
  await page.locator("main").click();
  await page.keyboard.press("/");
  const box = page.getByRole("searchbox", { name: "Search messages" });
  assert.equal(await box.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.type("history MESSAGE 5000");
  await page.keyboard.press("Enter");
  const results = page.getByRole("region", { name: "Search results" });
  const hit = results.getByRole("button", { name: /History message 5000 of 10000/ });
  await hit.waitFor();
  assert.equal(await results.getByRole("status").textContent(), "1 message");
  const marks = await hit.locator("mark").allTextContents();
  assert.deepEqual(marks, ["History", "message", "5000"]);
  assert.match(await hit.textContent(), /#history · Alice Martin|#history · Bob Chen|#history · Carol Diaz/);
  await shot(page, "search-results");
  const pageRequests = [];
  page.on("request", (r) => {
    if (/\/api\/v1\/channels\/\d+\/messages\?/.test(r.url())) pageRequests.push(new URL(r.url()).search);
  });
  await hit.click();
  // The channel opens at the message, 5,000 messages back: in view, highlighted, focused,
  // after one page around it (no paging back from the newest).
  await page.getByRole("heading", { name: "# history" }).waitFor();
  const found = page.locator("li.message.found");
  await found.waitFor({ timeout: 20000 });
  assert.match(await found.textContent(), /History message 5000 of 10000/);
  const fetched = `pages fetched: ${pageRequests.join(" ")}`;
  assert.equal(pageRequests.filter((q) => q.includes("around=")).length, 1, fetched);
  // At most one older page, fetched ahead when the window opens near its top (paging
  // back from the newest would take 100 pages of 50).
  assert.ok(pageRequests.filter((q) => q.includes("before=")).length <= 1, fetched);
  assert.ok(pageRequests.length <= 4, fetched);
  assert.equal(await found.evaluate((el) => el === document.activeElement), true);
  const inView = await found.evaluate((el) => {
    const box = el.closest(".message-scroll").getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= box.top && r.bottom <= box.bottom;
  });
  assert.ok(inView, "the found message is scrolled into view");
  assert.ok(await page.locator("li.message").count() <= 150, "the DOM stays bounded");
  await shot(page, "search-opened");

  // The numbers of the history messages in the DOM, which must follow each other.
  const shown = async () => {
    const texts = await page.locator("ol.messages li.message .body").allTextContents();
    return texts.map((t) => /History message (\d+) of/.exec(t)?.[1]).filter(Boolean).map(Number);
  };
  const consecutive = (ns) => ns.every((n, i) => i === 0 || n === ns[i - 1] + 1);
  // Meanwhile Bob posts in #history. Alice's list ends at 5,000-something: his message
  // is not added below it (that would leave a gap of 5,000 messages).
  const bob = await person(env.browser);
  await openDemoChannel(bob, env.base, "bob", "history");
  await bob.page.getByRole("textbox", { name: "Message" }).fill("Posted while Alice reads far back");
  await bob.page.keyboard.press("Enter");
  await bob.page.locator("ol.messages li.message").getByText("Posted while Alice reads far back").waitFor();
  // Scrolling down loads newer pages, in order, without a gap.
  const scroller = page.locator(".message-scroll");
  const startMax = Math.max(...(await shown()));
  for (let i = 0; i < 6; i++) {
    const before = Math.max(...(await shown()));
    await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await until(async () => Math.max(...(await shown())) > before, 10000, "a newer page while scrolling down");
  }
  const ns = await shown();
  assert.ok(consecutive(ns), `consecutive: ${ns[0]}…${ns.at(-1)}`);
  assert.ok(ns.at(-1) >= startMax + 150, `scrolled down to ${ns.at(-1)} from ${startMax}`);
  assert.ok(await page.locator("li.message").count() <= 150, "the DOM stays bounded");
  assert.equal(await page.locator("ol.messages").getByText("Posted while Alice reads far back").count(), 0);
  // Jump to newest: the present, with Bob's message right after message 10000.
  await page.getByRole("button", { name: "Jump to newest ↓" }).click();
  const last = page.locator("ol.messages li.message").last();
  await last.getByText("Posted while Alice reads far back").waitFor();
  const tail = await shown();
  assert.equal(tail.at(-1), 10000);
  assert.ok(consecutive(tail), `consecutive: ${tail[0]}…${tail.at(-1)}`);
  assert.deepEqual(unexpected(alice.problems, []), []);
  assert.deepEqual(unexpected(bob.problems, []), []);
  assert.deepEqual(await alice.csp(), []);
});

test("a reply found opens its thread at that reply", async () => {
  const carol = await person(env.browser);
  await openWorkspace(carol, "carol");
  const { page } = carol;
  await page.keyboard.press("Control+k");
  await page.keyboard.type("reply 7 of 120");
  await page.keyboard.press("Enter");
  const hit = page.getByRole("region", { name: "Search results" }).getByRole("button", { name: /Reply 7 of 120/ });
  await hit.click();
  // Its root, the last #history message, is highlighted in the channel; the thread is
  // open, with earlier replies loaded back to reply 7 (the first page holds 21 to 120).
  await page.locator("main li.message.found").getByText("History message 10000 of 10000").waitFor({ timeout: 20000 });
  const thread = page.getByRole("complementary", { name: "Thread" });
  const reply = thread.locator("li.message.found");
  await reply.waitFor({ timeout: 20000 });
  assert.match(await reply.textContent(), /Reply 7 of 120\b/);
  const inView = await reply.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok(inView, "the reply is scrolled into view");
  await shot(page, "search-reply");
  assert.deepEqual(unexpected(carol.problems, []), []);
  assert.deepEqual(await carol.csp(), []);
});

test("a private channel's messages are not found from outside it; Escape closes", async () => {
  const carol = await person(env.browser);
  await openWorkspace(carol, "carol");
  const { page } = carol;
  await page.keyboard.press("Control+k");
  await page.keyboard.type("private only Alice");
  await page.keyboard.press("Enter");
  const results = page.getByRole("region", { name: "Search results" });
  await results.getByRole("status").getByText(/No message has every word/).waitFor();
  await page.keyboard.press("Escape");
  await results.waitFor({ state: "detached" });
  // Alice, a member of #design, finds it.
  const alice = await person(env.browser);
  await openWorkspace(alice, "alice");
  await alice.page.keyboard.press("Control+k");
  await alice.page.keyboard.type("private only Alice");
  await alice.page.keyboard.press("Enter");
  await alice.page.getByRole("button", { name: /#design · Alice Martin/ }).waitFor();
  // An empty query is refused with a readable message, and what was typed stays.
  await page.getByRole("searchbox", { name: "Search messages" }).fill("!!!");
  await page.keyboard.press("Enter");
  await page.getByRole("region", { name: "Search results" }).getByRole("alert").getByText(/type a word/).waitFor();
  assert.equal(await page.getByRole("searchbox", { name: "Search messages" }).inputValue(), "!!!");
  assert.deepEqual(unexpected(carol.problems, [{ method: "GET", path: /\/api\/v1\/workspaces\/\d+\/search/, status: 400 }]), []);
  assert.deepEqual(unexpected(alice.problems, []), []);
  assert.deepEqual(await carol.csp(), []);
});
