// What the messages page does when the API fails (Playwright makes the requests fail: cut
// off, or answered 500): a failed message stays with its text and Retry, and Retry sends
// it exactly once; a failed thread reply keeps its text and says why; a failed edit keeps
// the edit box and its text; and the composer's draft survives a channel switch. The
// failures provoked on purpose are the only problems the pages may log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, messageMenu, person, unexpected, openDemoChannel, until } from "./harness.mjs";

const env = demoEnvironment();
const MESSAGES = "**/api/v1/channels/*/messages";

const openChannel = (p, who, channel) => openDemoChannel(p, env.base, who, channel);

/** A 500 answer in the API's error format. */
const serverError = (message) => ({
  status: 500,
  contentType: "application/json",
  body: JSON.stringify({ error: { code: "INTERNAL", message } }),
});

const composer = (p) => p.page.getByRole("textbox", { name: "Message", exact: true });
const log = (p) => p.page.getByRole("log", { name: "Messages" });

/** Posts `text` in the open channel and returns its item in the log. */
async function post(p, text) {
  await composer(p).fill(text);
  await composer(p).press("Enter");
  const item = log(p).locator("li.message", { hasText: text });
  await item.waitFor();
  return item;
}

/** No CSP violation; no problem but the `expected` ones, each of which happened. */
async function finish(p, expected = [], provoked = []) {
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(unexpected(p.problems, expected), []);
  for (const line of provoked) assert.ok(p.problems.includes(line), `${line} in ${p.problems}`);
  await p.context.close();
}

test("a failed message stays with its text and Retry; Retry sends it exactly once", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  const ch = await openChannel(alice, "alice", "general");
  await openChannel(bob, "bob", "general");
  const path = `/api/v1/channels/${ch}/messages`;

  // Alice's posts: first cut off, then answered 500, then let through.
  const attempts = [];
  let fail = "abort";
  await alice.page.route(MESSAGES, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    attempts.push(fail ?? "sent");
    if (fail === "abort") return route.abort();
    if (fail === "500") return route.fulfill(serverError("the database is on fire"));
    return route.fallback();
  });

  const text = "Kept after a failed send";
  await composer(alice).fill(text);
  await composer(alice).press("Enter");
  const unsent = alice.page.getByRole("list", { name: "Unsent messages" }).getByRole("listitem");
  const item = unsent.filter({ hasText: text });
  await item.getByRole("alert").filter({ hasText: /^Not sent: cannot reach the server/ }).waitFor();
  await item.getByRole("button", { name: "Retry" }).waitFor();
  assert.equal(await unsent.count(), 1);
  assert.equal(await log(alice).getByText(text).count(), 0, "not in the log");

  // Retry fails again, with the server's message this time; the item stays, once.
  fail = "500";
  await item.getByRole("button", { name: "Retry" }).click();
  await item.getByRole("alert").filter({ hasText: "Not sent: the database is on fire" }).waitFor();
  await item.getByRole("button", { name: "Retry" }).waitFor();
  assert.equal(await unsent.count(), 1);
  assert.equal(await log(alice).getByText(text).count(), 0, "still not in the log");

  // Retry goes through: the item leaves the unsent list; the message is in both logs once.
  fail = null;
  await item.getByRole("button", { name: "Retry" }).click();
  await item.waitFor({ state: "detached", timeout: 10000 });
  await log(alice).locator("li.message", { hasText: text }).waitFor();
  await log(bob).locator("li.message", { hasText: text }).waitFor({ timeout: 10000 });
  assert.deepEqual(attempts, ["abort", "500", "sent"], "one post per Enter or Retry");
  assert.equal(await unsent.count(), 0);
  assert.equal(await log(alice).locator("li.message", { hasText: text }).count(), 1);
  assert.equal(await log(bob).locator("li.message", { hasText: text }).count(), 1);
  // The server has it once too.
  await alice.page.reload();
  await log(alice).locator("li.message", { hasText: text }).waitFor();
  assert.equal(await log(alice).locator("li.message", { hasText: text }).count(), 1);

  await finish(alice, [
    { method: "POST", path, error: "net::ERR_FAILED" },
    { method: "POST", path, status: 500 },
  ], [`requestfailed: POST ${path} net::ERR_FAILED`, `response: POST ${path} 500`]);
  await finish(bob);
});

test("a failed thread reply keeps its text and shows why", async () => {
  const p = await person(env.browser);
  const ch = await openChannel(p, "alice", "general");
  const path = `/api/v1/channels/${ch}/messages`;
  const root = await post(p, "A thread whose first reply fails");
  await root.getByRole("button", { name: "Reply in thread" }).click();
  const thread = p.page.getByRole("complementary", { name: "Thread" });
  const box = thread.getByRole("textbox", { name: "Reply", exact: true });
  const replies = thread.getByRole("list", { name: "Replies" });
  const error = thread.locator(":scope > p.error"); // the panel's own (each reply has one)

  // Replies (posts with a thread_root_id) are answered 500; other posts go through.
  let failures = 0;
  await p.page.route(MESSAGES, async (route) => {
    const r = route.request();
    if (r.method() !== "POST" || r.postDataJSON().thread_root_id == null) return route.fallback();
    failures++;
    return route.fulfill(serverError("replies are switched off for a moment"));
  });
  const text = "A reply that must not be lost";
  await box.fill(text);
  await box.press("Enter");
  await error.filter({ hasText: "replies are switched off for a moment" }).waitFor();
  assert.equal(await error.getAttribute("role"), "alert");
  assert.equal(failures, 1);
  assert.equal(await box.inputValue(), text, "the reply box keeps the text");
  assert.equal(await replies.locator("li.message").count(), 0);
  assert.equal(await root.getByRole("button", { name: "Reply in thread" }).count(), 1, "no reply counted");

  // Sent again once the API answers: it appears once, the box empties, the error goes.
  await p.page.unroute(MESSAGES);
  await thread.getByRole("button", { name: "Send reply" }).click();
  await replies.getByText(text).waitFor();
  await root.getByRole("button", { name: "1 reply" }).waitFor();
  assert.equal(await replies.locator("li.message").count(), 1);
  assert.equal(await box.inputValue(), "");
  assert.equal((await error.textContent()).trim(), "", "the error is gone");

  await finish(p, [{ method: "POST", path, status: 500 }], [`response: POST ${path} 500`]);
});

test("a failed edit keeps the edit box and its text", async () => {
  const p = await person(env.browser);
  await openChannel(p, "alice", "general");
  const id = await (await post(p, "An edit that fails at first")).getAttribute("data-id");
  // By id: while it is being edited, the item does not show the text.
  const mine = log(p).locator(`li.message[data-id="${id}"]`);
  const path = `/api/v1/messages/${id}`;

  let failures = 0;
  await p.page.route(`**${path}`, async (route) => {
    if (route.request().method() !== "PATCH") return route.fallback();
    failures++;
    return route.fulfill(serverError("edits are paused"));
  });
  await messageMenu(mine, "Edit");
  const box = mine.getByRole("textbox", { name: "Edit message" });
  const text = "The edit that must not be lost";
  await box.fill(text);
  await box.press("Enter");
  await mine.getByRole("alert").filter({ hasText: "edits are paused" }).waitFor();
  assert.equal(failures, 1);
  assert.equal(await box.inputValue(), text, "the edit box keeps the text");
  assert.equal(await mine.locator(".body").count(), 0, "still editing");
  assert.equal(await mine.getByText("(edited)").count(), 0);

  // Saved again once the API answers: the message shows the new text, the box closes,
  // the error goes.
  await p.page.unroute(`**${path}`);
  await mine.getByRole("button", { name: "Save" }).click();
  await mine.locator(".body").filter({ hasText: text }).waitFor();
  await mine.getByText("(edited)").waitFor();
  assert.equal(await box.count(), 0, "the edit box closed");
  assert.equal((await mine.getByRole("alert").textContent()).trim(), "", "the error is gone");

  await finish(p, [{ method: "PATCH", path, status: 500 }], [`response: PATCH ${path} 500`]);
});

test("the composer's draft survives a channel switch and a visit to another app", async () => {
  const p = await person(env.browser);
  await openChannel(p, "alice", "general");
  await composer(p).fill("A draft for #general");
  await p.page.getByRole("link", { name: "# random" }).click();
  await p.page.getByRole("heading", { name: "# random" }).waitFor();
  assert.equal(await composer(p).inputValue(), "", "each channel has its own draft");
  await composer(p).fill("A draft for #random");
  await p.page.getByRole("link", { name: "# general" }).click();
  await p.page.getByRole("heading", { name: "# general" }).waitFor();
  assert.equal(await composer(p).inputValue(), "A draft for #general");
  await p.page.getByRole("link", { name: "# random" }).click();
  await p.page.getByRole("heading", { name: "# random" }).waitFor();
  assert.equal(await composer(p).inputValue(), "A draft for #random");
  // Another part of the workspace (People, Drive) and back: the drafts are still there.
  await p.page.getByRole("link", { name: "People" }).click();
  await p.page.getByRole("heading", { name: "People", exact: true }).waitFor();
  await p.page.getByRole("link", { name: "Drive" }).click();
  await p.page.getByRole("heading", { name: "Drive" }).waitFor();
  await p.page.getByRole("link", { name: "# general" }).click();
  await p.page.getByRole("heading", { name: "# general" }).waitFor();
  assert.equal(await composer(p).inputValue(), "A draft for #general", "kept across apps");
  await p.page.getByRole("link", { name: "# random" }).click();
  await p.page.getByRole("heading", { name: "# random" }).waitFor();
  assert.equal(await composer(p).inputValue(), "A draft for #random");
  await finish(p);
});

// An unsent message belongs to the channel it was written in: it is shown there only, and
// its Retry posts there, whichever channel is open. (Before, the unsent list followed the
// person across channels and Retry posted to the channel open at the time.)
test("an unsent message stays with its channel, and Retry posts it there", async () => {
  const alice = await person(env.browser);
  const general = await openChannel(alice, "alice", "general");
  let fail = true;
  await alice.page.route(MESSAGES, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    if (fail) return route.abort();
    return route.fallback();
  });
  const text = "Written in general, unsent";
  await composer(alice).fill(text);
  await composer(alice).press("Enter");
  const unsent = alice.page.getByRole("list", { name: "Unsent messages" }).getByRole("listitem");
  await unsent.filter({ hasText: text }).getByRole("button", { name: "Retry" }).waitFor();

  // In #random: not shown.
  await alice.page.getByRole("link", { name: "# random" }).click();
  await alice.page.getByRole("heading", { name: "# random" }).waitFor();
  assert.equal(await unsent.count(), 0, "not in #random");
  // Back in #general: there, and Retry posts to #general.
  await alice.page.getByRole("link", { name: "# general" }).click();
  await alice.page.getByRole("heading", { name: "# general" }).waitFor();
  fail = false;
  const posted = alice.page.waitForRequest((r) => r.method() === "POST" && r.url().includes("/messages"));
  await unsent.filter({ hasText: text }).getByRole("button", { name: "Retry" }).click();
  assert.equal(new URL((await posted).url()).pathname, `/api/v1/channels/${general}/messages`);
  await log(alice).getByText(text).waitFor();
  await until(async () => (await unsent.count()) === 0, 10000, "the unsent list to empty");
  await finish(alice, [{ method: "POST", path: `/api/v1/channels/${general}/messages`, error: "net::ERR_FAILED" }]);
});
