// Leaving a view before the browser's next frame: the views put off focusing and
// scrolling until then (a message list to its bottom, a menu or dialog to its first item),
// and by then the view is gone. Under load a person (or a test) is often that quick; the
// page must not panic ("a reactive value that has already been disposed"). Each case
// opens a view and leaves it in the same task, then lets a few frames pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, person, signInDemo } from "./harness.mjs";

const env = demoEnvironment();

/** Clicks `locators` (all on the page already) one after the other with no frame between. */
async function clickInOneTask(page, locators) {
  const handles = [];
  for (const l of locators) handles.push(await l.elementHandle());
  await page.evaluate(async (elements) => {
    for (const e of elements) {
      e.click();
      // Let the router and Leptos render what the click started (microtasks), not a frame.
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
  }, handles);
}

const frames = (page, n = 5) => page.evaluate((n) => new Promise((done) => {
  const step = (k) => (k === 0 ? done() : requestAnimationFrame(() => step(k - 1)));
  step(n);
}), n);

test("views left before their next frame do not panic", async () => {
  const alice = await person(env.browser);
  const { page } = alice;
  const link = (name) => page.getByRole("link", { name: new RegExp(`^${name}`) }).first();
  await signInDemo(page, env.base, "alice");
  await page.getByRole("link", { name: "Demo workspace" }).click();
  await page.getByRole("heading", { name: "# general" }).waitFor();

  // A channel's list (scrolled to its end on the next frame), left for People at once.
  await clickInOneTask(page, [link("# random"), link("People")]);
  await page.getByRole("heading", { name: "People", exact: true }).waitFor();
  await frames(page);
  // The channel menu (focus to its first item on the next frame), left for People.
  await page.getByRole("link", { name: "# general" }).click();
  await page.getByRole("heading", { name: "# general" }).waitFor();
  await clickInOneTask(page, [page.getByRole("button", { name: "Channel menu" }), link("People")]);
  await page.getByRole("heading", { name: "People", exact: true }).waitFor();
  await frames(page);
  // The "New channel…" dialog (focus to its field on the next frame), with a channel
  // opened under it meanwhile; it stays open, and Escape closes it.
  await clickInOneTask(page, [page.getByRole("button", { name: "New channel…" }), link("# general")]);
  await page.getByRole("heading", { name: "# general" }).waitFor();
  await frames(page);
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "hidden" });

  // A message sent, and the app left before the server answers it (the answer, and the
  // live copy, find the channel's view gone).
  await page.locator("#composer-input").fill("Sent on the way out");
  await clickInOneTask(page, [page.getByRole("button", { name: "Send", exact: true }), link("People")]);
  await page.getByRole("heading", { name: "People", exact: true }).waitFor();
  await frames(page, 30);
  await link("# general").click();
  await page.getByRole("log").getByText("Sent on the way out").waitFor();

  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(alice.problems, []);
  await alice.context.close();
});
