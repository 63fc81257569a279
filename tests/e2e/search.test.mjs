// Search on the demo data: `/` focuses the box in the top bar, results show channel,
// author and time with the searched words marked, choosing one opens its channel at that
// message (pages back through #history to reach it) and highlights and focuses it; a
// private channel's messages are not found by someone outside it; Escape closes the
// results. No console error, no CSP violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, person, shot, signInDemo, unexpected } from "./harness.mjs";

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
  await page.keyboard.type("history MESSAGE 9000");
  await page.keyboard.press("Enter");
  const results = page.getByRole("region", { name: "Search results" });
  const hit = results.getByRole("button", { name: /History message 9000 of 10000/ });
  await hit.waitFor();
  assert.equal(await results.getByRole("status").textContent(), "1 message");
  const marks = await hit.locator("mark").allTextContents();
  assert.deepEqual(marks, ["History", "message", "9000"]);
  assert.match(await hit.textContent(), /#history · Alice Martin|#history · Bob Chen|#history · Carol Diaz/);
  await shot(page, "search-results");
  await hit.click();
  // The channel opens at the message, 1,000 messages back: in view, highlighted, focused.
  await page.getByRole("heading", { name: "# history" }).waitFor();
  const found = page.locator("li.message.found");
  await found.waitFor({ timeout: 20000 });
  assert.match(await found.textContent(), /History message 9000 of 10000/);
  assert.equal(await found.evaluate((el) => el === document.activeElement), true);
  const inView = await found.evaluate((el) => {
    const box = el.closest(".message-scroll").getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.top >= box.top && r.bottom <= box.bottom;
  });
  assert.ok(inView, "the found message is scrolled into view");
  assert.ok(await page.locator("li.message").count() <= 150, "the DOM stays bounded");
  await shot(page, "search-opened");
  assert.deepEqual(unexpected(alice.problems, []), []);
  assert.deepEqual(await alice.csp(), []);
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
