// Live events and REST pages must not lose each other.
// - The gap between loading a channel's history and the relay forwarding its room: a
//   message sent in between must still reach the reader without a reload. Playwright
//   routes Bob's WebSocket and holds back his `subscribe` frame for #random while Alice
//   posts; once the frame goes through and the relay confirms it, Bob's page refetches.
// - A thread's first page answered after a live reply: the reply must stay. Playwright
//   holds the page (fetched before the reply existed) until the reply has arrived live.
// - A channel page answered after a live edit: the edit must stay (every message carries
//   a revision; an older copy never replaces a newer one).
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, messageMenu, person, readMarkers, shot, until, openDemoChannel } from "./harness.mjs";

const env = demoEnvironment();

const openChannel = (p, who, channel) => openDemoChannel(p, env.base, who, channel);

/**
 * Makes `page` note every response body its code reads (`text()`/`json()`), by path, one
 * task after the read: by then the code that awaited the body has run (the app's
 * continuations are microtasks). `consumed(page, path)` counts them.
 */
async function noteConsumed(page) {
  await page.addInitScript(() => {
    window.__consumed = [];
    for (const name of ["text", "json"]) {
      const read = Response.prototype[name];
      Response.prototype[name] = function () {
        const path = new URL(this.url).pathname;
        return read.call(this).then((body) => {
          setTimeout(() => window.__consumed.push(path), 0);
          return body;
        });
      };
    }
  });
}
const consumed = (page, path) => page.evaluate((p) => window.__consumed.filter((x) => x === p).length, path);
/** Waits until `page` has read at least `n` response bodies from `path`. */
const waitConsumed = (page, path, n) => page.waitForFunction(
  ([p, k]) => window.__consumed.filter((x) => x === p).length >= k, [path, n], { timeout: 15000 });

/** Alice (or anyone) posts `text` in the open channel and sees it. */
async function post(p, text) {
  const box = p.page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill(text);
  await box.press("Enter");
  const item = p.page.getByRole("log").locator("li.message", { hasText: text });
  await item.waitFor();
  return item;
}

/**
 * Holds back the answer to the first GET of `page` matching `pattern`: the request
 * reaches the server at once (so the answer is a snapshot of that moment) and the page
 * gets it only after `release()`. `asked()` says whether the request was made;
 * `fulfilled` resolves once the answer has been handed to the page.
 */
async function holdFirstAnswer(page, pattern) {
  let release, done, asked = false;
  const gate = new Promise((resolve) => { release = resolve; });
  const fulfilled = new Promise((resolve) => { done = resolve; });
  await page.route(pattern, async (route) => {
    if (asked || route.request().method() !== "GET") return route.continue();
    asked = true;
    const response = await route.fetch();
    await gate;
    await route.fulfill({ response });
    done();
  });
  return { asked: () => asked, release: () => release(), fulfilled };
}

/** No CSP violation, no console error, then closes the contexts. */
async function finish(...people) {
  for (const p of people) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
    await p.context.close();
  }
}

test("a message sent while a channel's subscription is pending still arrives", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);

  // Bob's socket goes through a route that can hold his subscribe frames back.
  let hold = false, relay;
  const held = [];
  await bob.page.routeWebSocket(/\/ws$/, (ws) => {
    relay = ws.connectToServer();
    ws.onMessage((frame) => {
      if (hold && typeof frame === "string" && JSON.parse(frame).type === "subscribe") held.push(frame);
      else relay.send(frame);
    });
    relay.onMessage((frame) => ws.send(frame));
  });

  await openChannel(alice, "alice", "random");
  await openChannel(bob, "bob", "general");

  // Bob opens #random: its history loads, its subscription waits.
  const link = bob.page.getByRole("link", { name: "# random" });
  const id = (await link.getAttribute("href")).match(/\/c\/(\d+)/)[1];
  hold = true;
  const history = bob.page.waitForResponse((r) =>
    new URL(r.url()).pathname === `/api/v1/channels/${id}/messages` && r.request().method() === "GET");
  await link.click();
  await history;
  await until(() => held.length > 0, 10000, "Bob's subscribe frame");

  const text = "Sent while Bob's subscription was on its way";
  // Alice's page marks a message read when it arrives live: her read marker with its id
  // shows that the relay has forwarded the server's event. It had no subscription of
  // Bob's to send it to.
  const aliceReads = readMarkers(alice.page, id);
  const sent = Number(await (await post(alice, text)).getAttribute("data-id"));
  await until(() => aliceReads.includes(sent), 15000, "the message to reach Alice live");
  assert.equal(await bob.page.getByRole("log").getByText(text).count(), 0, "the frame was held");

  hold = false;
  for (const frame of held.splice(0)) relay.send(frame);
  // The relay confirms the subscription; Bob's page refetches and shows the message.
  await bob.page.getByRole("log").getByText(text).waitFor({ timeout: 5000 });
  await shot(bob.page, "subscribe-gap");

  await finish(alice, bob);
});

test("a live reply that overtakes the thread's first page stays", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  await noteConsumed(bob.page);
  await openChannel(alice, "alice", "design");
  await openChannel(bob, "bob", "design");
  const root = "A thread whose first page comes late";
  const rootOnAlice = await post(alice, root);
  const rootOnBob = bob.page.getByRole("log").locator("li.message", { hasText: root });
  await rootOnBob.waitFor({ timeout: 10000 });

  // Bob's request for the replies reaches the server now; its answer waits.
  const held = await holdFirstAnswer(bob.page, /\/api\/v1\/messages\/\d+\/replies/);
  await rootOnBob.getByRole("button", { name: "Reply in thread" }).click();
  await until(held.asked, 10000, "Bob's request for the replies");

  const reply = "A reply that overtook the page";
  await rootOnAlice.getByRole("button", { name: "Reply in thread" }).click();
  await alice.page.getByLabel("Reply", { exact: true }).fill(reply);
  await alice.page.getByLabel("Reply", { exact: true }).press("Enter");
  const pane = bob.page.getByRole("complementary", { name: "Thread" });
  await pane.getByText(reply).waitFor({ timeout: 10000 }); // live

  // The page (older than the reply) is handed over and read by the app: the reply stays.
  const repliesPath = `/api/v1/messages/${await rootOnBob.getAttribute("data-id")}/replies`;
  assert.equal(await consumed(bob.page, repliesPath), 0, "the page was held");
  held.release();
  await held.fulfilled;
  await waitConsumed(bob.page, repliesPath, 1);
  assert.equal(await pane.getByText(reply).count(), 1, "the page (older than the reply) did not erase it");

  await finish(alice, bob);
});

test("a channel page fetched before a live edit does not undo it", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  await openChannel(alice, "alice", "design");
  const before = "Edit race: the first words";
  const mine = await post(alice, before);

  // Bob's first request for #design's page reaches the server now; its answer waits.
  await noteConsumed(bob.page);
  await openChannel(bob, "bob", "general");
  const link = bob.page.getByRole("link", { name: "# design" });
  const id = (await link.getAttribute("href")).match(/\/c\/(\d+)/)[1];
  const pagePath = `/api/v1/channels/${id}/messages`;
  const held = await holdFirstAnswer(bob.page, `**${pagePath}?**`);
  await link.click();
  await until(held.asked, 10000, "Bob's first request for the page");
  // The relay confirms Bob's subscription; the refetch that follows (not held) shows the
  // message as it was: from now on the edit can only reach Bob live.
  const log = bob.page.getByRole("log");
  await waitConsumed(bob.page, pagePath, 1);
  await log.getByText(before).waitFor();

  const after = "Edit race: the second words";
  await messageMenu(mine, "Edit");
  await alice.page.getByLabel("Edit message").fill(after);
  await alice.page.getByLabel("Edit message").press("Enter");
  await log.getByText(after).waitFor({ timeout: 10000 }); // live

  // The first page (older than the edit) is handed over and read by the app.
  assert.equal(await consumed(bob.page, pagePath), 1, "the first page was held");
  held.release();
  await held.fulfilled;
  await waitConsumed(bob.page, pagePath, 2);
  assert.equal(await log.getByText(after).count(), 1, "the edit stays");
  assert.equal(await log.getByText(before).count(), 0, "the stale page did not bring the old text back");

  await finish(alice, bob);
});
