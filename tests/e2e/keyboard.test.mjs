// Keyboard only: sign in, reach a channel, send a message, open a thread, reply, close it
// with Escape, react, switch the theme — with Tab, Shift+Tab, Enter, Space and Escape,
// never the mouse. Focus lands where the next keystroke is expected: in the composer after
// sending, in the reply box when a thread opens, back on the thread button when it closes,
// and it stays on a button whose message updates live.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, person } from "./harness.mjs";

const env = demoEnvironment();

/** What has focus: tag, accessible-ish name and a few attributes. */
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  const label = e?.id ? document.querySelector(`label[for="${e.id}"]`)?.textContent : null;
  return { tag: e?.tagName.toLowerCase(), text: (e?.getAttribute("aria-label") ?? label ?? e?.textContent ?? "").trim(),
           id: e?.id ?? "", thread: e?.getAttribute("data-thread") ?? null };
});

/** Presses Tab (or Shift+Tab) until `want(focused)` holds; fails after `max` presses. */
async function tabTo(page, want, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (want(f)) return f;
  }
  assert.fail(`not reachable with ${back ? "Shift+Tab" : "Tab"}: ${want}`);
}

test("the whole chat flow works from the keyboard, with focus where it belongs", async () => {
  const p = await person(env.browser);
  const { page } = p;
  await page.goto(env.base + "/signin");
  await page.getByRole("heading", { name: "Sign in to Huddle" }).waitFor();
  const skip = await tabTo(page, (f) => f.text === "Skip to content", { max: 1 });
  assert.equal(skip.tag, "a");
  await tabTo(page, (f) => f.text === "Username or email");
  await page.keyboard.type("alice");
  await tabTo(page, (f) => f.text === "Password");
  await page.keyboard.type("huddle-demo-password");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Your workspaces" }).waitFor();

  await tabTo(page, (f) => f.tag === "a" && f.text === "Demo workspace");
  await page.keyboard.press("Enter");
  await page.getByRole("link", { name: "# general" }).waitFor();
  await tabTo(page, (f) => f.tag === "a" && f.text.startsWith("# general"));
  await page.keyboard.press("Enter");
  await page.getByRole("log").getByText("Welcome to").waitFor();

  // The composer: Enter sends, focus stays for the next message.
  await tabTo(page, (f) => f.id === "composer-input");
  await page.keyboard.type("Typed without a mouse");
  await page.keyboard.press("Enter");
  await page.getByRole("log").getByText("Typed without a mouse").waitFor();
  assert.equal((await focused(page)).id, "composer-input");

  // Back to the new message's thread button; Enter opens the thread with the focus in
  // the reply box; Enter sends the reply; Escape closes and returns to the button.
  const opener = await tabTo(page, (f) => f.thread !== null && f.text === "Reply in thread", { back: true });
  const mine = await page.locator(`li.message:has(button[data-thread="${opener.thread}"])`).textContent();
  assert.match(mine, /Typed without a mouse/, "the nearest thread button is the new message's");
  await page.keyboard.press("Enter");
  await page.getByRole("complementary", { name: "Thread" }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "reply-input");
  await page.keyboard.type("A reply from the keyboard");
  await page.keyboard.press("Enter");
  await page.getByRole("list", { name: "Replies" }).getByText("A reply from the keyboard").waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("complementary", { name: "Thread" }).waitFor({ state: "detached" });
  await page.waitForFunction((id) => document.activeElement?.getAttribute("data-thread") === id, opener.thread);
  // The reply count shows under the message; the focused button stays focused.
  const item = page.locator(`li.message:has(button[data-thread="${opener.thread}"])`);
  await item.getByRole("button", { name: "1 reply" }).waitFor();
  assert.equal((await focused(page)).thread, opener.thread);

  // React from the keyboard: the item updates in place and the focus stays put.
  const thumbs = await tabTo(page, (f) => f.text === "React with thumbs up", { back: true });
  assert.equal(thumbs.tag, "button");
  await page.keyboard.press("Enter");
  await item.getByRole("button", { name: "1 reaction, yours", exact: true }).waitFor();
  assert.equal((await focused(page)).text, "React with thumbs up");

  // The theme toggle answers Space.
  const theme = () => page.evaluate(() => document.documentElement.className);
  const before = await theme();
  await tabTo(page, (f) => f.tag === "button" && f.text === "Dark theme", { back: true, max: 200 });
  await page.keyboard.press("Space");
  await page.waitForFunction((b) => document.documentElement.className !== b, before);
  assert.notEqual(await theme(), before);

  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.problems, []);
  await p.context.close();
});
