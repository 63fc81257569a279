// The windowed message list on the demo's #history channel (10,000 messages): it opens at
// the newest message, scrolling up loads older pages while the DOM stays bounded and the
// message being read stays in place, new messages do not move a reader who scrolled up,
// and "Jump to newest" returns to the bottom.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, nextFrames, person, readMarkers, shot, signInDemo, until } from "./harness.mjs";

const WINDOW = 150; // src/message_window.rs: SIZE
const env = demoEnvironment();

/** What the message list shows: DOM size, first/last message numbers, scroll state. */
const state = (page) => page.evaluate(() => {
  const el = document.querySelector(".message-scroll");
  const items = [...el.querySelectorAll("li.message")];
  const num = (li) => Number(li?.textContent.match(/History message (\d+)/)?.[1]);
  const box = el.getBoundingClientRect();
  const firstVisible = items.find((li) => li.getBoundingClientRect().bottom > box.top + 1);
  return {
    count: items.length, first: num(items[0]), last: num(items.at(-1)),
    firstVisible: num(firstVisible), firstVisibleTop: firstVisible?.getBoundingClientRect().top - box.top,
    atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 2,
  };
});

/**
 * Opens #history and waits until its list is idle: the channel's first page and the page
 * that follows the relay's confirmation of the subscription (the resync) are both in.
 * (A scroll to the top while a page is loading is acted on only once the page is in: see
 * the last test.)
 */
async function openHistory(p, who) {
  await signInDemo(p.page, env.base, who);
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  const link = p.page.getByRole("link", { name: "# history" });
  const id = (await link.getAttribute("href")).match(/\/c\/(\d+)/)[1];
  let latest = 0;
  p.page.on("requestfinished", (r) => {
    const url = new URL(r.url());
    if (r.method() === "GET" && url.pathname === `/api/v1/channels/${id}/messages` && !url.searchParams.has("before")) latest++;
  });
  await link.click();
  await p.page.getByRole("log").getByText("History message 10000 of 10000").waitFor();
  await until(() => latest >= 2, 15000, "the first page and the resync's page of #history");
  await p.page.locator('[role="log"][aria-busy="false"]').waitFor();
  await nextFrames(p.page);
  return id;
}

test("10,000 messages: bounded DOM, older pages on scroll, reading position kept", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  await openHistory(alice, "alice");
  await alice.page.waitForFunction(() => {
    const el = document.querySelector(".message-scroll");
    return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
  });
  let s = await state(alice.page);
  assert.equal(s.last, 10000);
  assert.ok(s.count <= WINDOW, `DOM holds ${s.count} messages`);

  // Scroll to the top again and again: older messages come in (from the API, then from
  // the window), the DOM never holds more than the window, and the message that was at
  // the top stays visible where it was.
  let oldest = s.first;
  for (let i = 0; i < 12; i++) {
    const before = await state(alice.page);
    await alice.page.evaluate(() => { document.querySelector(".message-scroll").scrollTop = 0; });
    await alice.page.waitForFunction((n) => {
      const t = document.querySelector("li.message")?.textContent.match(/History message (\d+)/);
      return t && Number(t[1]) < n;
    }, before.first, { timeout: 10000 });
    await nextFrames(alice.page); // the list puts the anchor back in a frame of its own
    s = await state(alice.page);
    assert.ok(s.count <= WINDOW, `DOM holds ${s.count} messages`);
    assert.ok(s.first < oldest);
    oldest = s.first;
    // The message that was at the top of the viewport (at scrollTop 0: the first one
    // rendered) is still on screen and the view did not jump to the new top.
    const kept = await alice.page.evaluate((n) => {
      const box = document.querySelector(".message-scroll").getBoundingClientRect();
      const li = [...document.querySelectorAll("li.message")].find((x) => x.textContent.includes(`History message ${n} of`));
      if (!li) return null;
      const r = li.getBoundingClientRect();
      return { top: r.top - box.top, visible: r.bottom > box.top && r.top < box.bottom };
    }, before.first);
    assert.ok(kept?.visible, `message ${before.first} still visible after loading older (${JSON.stringify(kept)})`);
  }
  assert.ok(oldest <= 10000 - 11 * 50, `went back to message ${oldest}`);
  await shot(alice.page, "history-scrolled-back");

  // Bob posts while Alice reads old messages: her view does not move; a button offers the
  // way back, which lands on Bob's message at the bottom.
  const history = await openHistory(bob, "bob");
  const reading = await state(alice.page);
  assert.ok(!reading.atBottom && reading.firstVisible < 10000 - 100, `Alice reads old messages (${JSON.stringify(reading)})`);
  const posted = bob.page.waitForResponse((r) => r.request().method() === "POST" &&
    new URL(r.url()).pathname === `/api/v1/channels/${history}/messages`);
  // Proof that Bob's message reached Alice's page: a live message is added to the list,
  // then marked read with its id, so once that marker leaves, the message is in her page.
  const aliceReads = readMarkers(alice.page, history);
  await bob.page.getByRole("textbox", { name: "Message", exact: true }).fill("A new message while Alice reads history");
  await bob.page.keyboard.press("Enter");
  const newId = (await (await posted).json()).id;
  await until(() => aliceReads.includes(newId), 15000, "Bob's message to reach Alice's page");
  await nextFrames(alice.page); // the list restores the reading position in a frame
  const after = await state(alice.page);
  assert.equal(after.firstVisible, reading.firstVisible, "the same message is at the top");
  assert.ok(Math.abs(after.firstVisibleTop - reading.firstVisibleTop) < 2,
    `view did not move (${reading.firstVisibleTop} -> ${after.firstVisibleTop})`);
  await alice.page.getByRole("button", { name: "Jump to newest" }).click();
  await alice.page.getByRole("log").getByText("A new message while Alice reads history").waitFor();
  await alice.page.waitForFunction(() => {
    const el = document.querySelector(".message-scroll");
    return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
  });
  s = await state(alice.page);
  assert.ok(s.count <= WINDOW);
  assert.equal(await alice.page.getByRole("button", { name: "Jump to newest" }).count(), 0);

  // The last message has a thread of 120 replies: the newest 100 first, then the rest.
  const root = alice.page.locator("li.message").filter({ hasText: "History message 10000 of 10000" });
  await root.getByRole("button", { name: "120 replies" }).click();
  const replies = alice.page.getByRole("list", { name: "Replies" });
  await replies.getByText("Reply 120 of 120").waitFor();
  assert.equal(await replies.locator("li.message").count(), 100);
  await alice.page.getByRole("button", { name: "Show earlier replies" }).click();
  await replies.getByText("Reply 1 of 120", { exact: true }).waitFor();
  assert.equal(await replies.locator("li.message").count(), 120);
  assert.equal(await alice.page.getByRole("button", { name: "Show earlier replies" }).count(), 0);
  await alice.page.keyboard.press("Escape");

  // At the bottom, new messages scroll into view.
  // Bob typing shows for Alice, named from the member list (the relay vouches for his id).
  await bob.page.getByRole("textbox", { name: "Message", exact: true }).fill("And one more");
  await alice.page.getByText("Bob Chen is typing…").waitFor();
  await bob.page.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
  await alice.page.getByRole("log").getByText("And one more").waitFor();
  await alice.page.waitForFunction(() => {
    const el = document.querySelector(".message-scroll");
    return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
  });
  await shot(alice.page, "history-newest");

  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
    await p.context.close();
  }
});

test("a scroll to the top while a page loads loads older messages once it is in", async () => {
  const p = await person(env.browser);
  // The socket goes through a route that can hold the channel's subscribe frame: the
  // relay's confirmation of it brings the resync (a refetch of the newest page), which
  // must start only after the first page is in, so that nothing else ends the loading.
  let hold = false, relay;
  const held = [];
  await p.page.routeWebSocket(/\/ws$/, (ws) => {
    relay = ws.connectToServer();
    ws.onMessage((frame) => {
      if (hold && typeof frame === "string" && JSON.parse(frame).type === "subscribe") held.push(frame);
      else relay.send(frame);
    });
    relay.onMessage((frame) => ws.send(frame));
  });
  await signInDemo(p.page, env.base, "carol");
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
  const link = p.page.getByRole("link", { name: "# history" });
  const id = (await link.getAttribute("href")).match(/\/c\/(\d+)/)[1];
  const pagePath = `/api/v1/channels/${id}/messages`;

  // The newest page (GET …/messages?limit=50) goes through the first time; the second
  // time (the resync) its answer waits for `release`. Older pages (…&before=…) are
  // noted, and their answers wait for `releaseOlder`.
  let newest = 0, resyncAsked = false, release, releaseOlder;
  const gate = new Promise((r) => { release = r; });
  const olderGate = new Promise((r) => { releaseOlder = r; });
  const older = [];
  await p.page.route((url) => url.pathname === pagePath, async (route) => {
    if (route.request().method() !== "GET") return route.fallback();
    const url = new URL(route.request().url());
    if (url.searchParams.has("before")) {
      older.push(url.searchParams.get("before"));
      await olderGate;
      return route.fallback();
    }
    if (++newest === 2) {
      resyncAsked = true;
      await gate;
    }
    return route.fallback();
  });

  hold = true;
  await link.click();
  const log = p.page.getByRole("log", { name: "Messages" });
  await log.getByText("History message 10000 of 10000").waitFor();
  await until(() => held.length > 0, 10000, "the subscribe frame for #history");
  await p.page.locator('[role="log"][aria-busy="false"]').waitFor();
  await p.page.waitForFunction(() => {
    const el = document.querySelector(".message-scroll");
    return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
  });
  const first = (await state(p.page)).first;
  assert.ok(first > 9900, `the newest page is shown (first: ${first})`);

  // The subscription goes through; the relay confirms it; the resync's page is asked for
  // and held: the list is loading.
  hold = false;
  for (const frame of held.splice(0)) relay.send(frame);
  await until(() => resyncAsked, 10000, "the resync's request for the newest page");
  await p.page.locator('[role="log"][aria-busy="true"]').waitFor();

  // Scrolled to the top while it loads: no older page is asked for (one load at a time).
  await p.page.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector(".message-scroll");
    el.addEventListener("scroll", () => resolve(), { once: true });
    el.scrollTop = 0;
  }));
  await nextFrames(p.page);
  assert.deepEqual(older, [], "no older page while loading");
  assert.equal((await state(p.page)).first, first);
  // From here on, any scroll event is counted: the older page must come without one.
  await p.page.evaluate(() => {
    window.__scrolls = 0;
    document.querySelector(".message-scroll").addEventListener("scroll", () => window.__scrolls++);
  });

  // The resync's page comes in (nothing new in it): the list, still at the top, asks for
  // the older page by itself.
  release();
  await until(() => older.length > 0, 10000, "a request for older messages after the load ended");
  assert.equal(await p.page.evaluate(() => window.__scrolls), 0, "asked for without a scroll");
  assert.equal((await state(p.page)).first, first, "nothing new before the older page");
  releaseOlder();
  await p.page.waitForFunction((n) => {
    const t = document.querySelector(".message-scroll li.message")?.textContent.match(/History message (\d+)/);
    return t && Number(t[1]) < n;
  }, first, { timeout: 10000 });
  assert.equal(older.length, 1, "one older page");
  assert.equal(newest, 2, "the first page and the resync's");

  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.problems, []);
  await p.context.close();
});

// The first page and the resync's page can be out at once: the list is loading until both
// are in. Before the fix one flag was cleared by whichever answer came first, so the list
// said it was idle (and could start an older page) while the other was still out.
test("the list stays busy until every page it asked for is in", async () => {
  const p = await person(env.browser);
  await signInDemo(p.page, env.base, "bob");
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
  const link = p.page.getByRole("link", { name: "# history" });
  const id = (await link.getAttribute("href")).match(/\/c\/(\d+)/)[1];
  const pagePath = `/api/v1/channels/${id}/messages`;
  // Both newest-page requests (the first load, then the resync) wait for their release.
  const gates = [], asked = [];
  await p.page.route((url) => url.pathname === pagePath && !url.searchParams.has("before"), async (route) => {
    if (route.request().method() !== "GET") return route.fallback();
    let release;
    gates.push(new Promise((r) => { release = r; }));
    asked.push(release);
    await gates.at(-1);
    return route.fallback();
  });
  await link.click();
  await until(() => asked.length === 2, 15000, "the first page and the resync's page to be asked for");
  const log = p.page.locator('[role="log"][aria-label="Messages"]');
  assert.equal(await log.getAttribute("aria-busy"), "true");
  // The first answer comes in and is shown; the other is still out: still busy.
  asked[0]();
  await log.getByText("History message 10000 of 10000").waitFor();
  await nextFrames(p.page);
  assert.equal(await log.getAttribute("aria-busy"), "true", "busy while the resync's page is out");
  asked[1]();
  await p.page.locator('[role="log"][aria-label="Messages"][aria-busy="false"]').waitFor();
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.problems, []);
  await p.context.close();
});
