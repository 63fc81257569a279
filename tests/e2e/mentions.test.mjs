// Mentions, notifications and pins, in Chromium, on the demo data, two people:
// - Alice types `@bo` and picks Bob from the list with the keyboard; Bob's tab is hidden
//   and its browser context granted notifications: he gets a real browser notification
//   (the page's `Notification` is wrapped to record what it shows, then shown), the title
//   counts the unread mention until the tab shows again, the message and the name are
//   highlighted for him; a mention in another channel reaches him through the channel
//   list's refresh, and his sidebar shows it as a mention badge.
// - Pinning from the message menu (live for the other person), the pinned messages panel
//   and its link that opens the channel at the message; the notification level chosen in
//   the channel menu from the keyboard.
// Screenshots; axe with the list, the menu and the panel open; no CSP violation, no
// console error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { audit, demoEnvironment, messageMenu, openDemoChannel, person, shot, until } from "./harness.mjs";

const env = demoEnvironment();

const log = (page) => page.getByRole("log", { name: "Messages" });
const item = (page, text) => log(page).locator("li.message", { hasText: text });

/** Records each notification the page shows (and shows it). */
function recordNotifications() {
  window.__notes = [];
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options?.body ?? "" });
    }
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...a) => Real.requestPermission(...a);
  window.Notification = Recorded;
}

/** Makes the page report itself hidden (`hidden`) or shown, as a switch of tabs does. */
async function setHidden(page, hidden) {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  }, hidden);
}

test("a mention picked from the keyboard notifies a hidden tab, counts in the title and the badge", async () => {
  const bob = await person(env.browser, { bypassCSP: false });
  await bob.context.grantPermissions(["notifications"], { origin: env.base });
  await bob.page.addInitScript(recordNotifications);
  const general = await openDemoChannel(bob, env.base, "bob", "general");
  // The menu says notifications are on (the context granted them).
  await bob.page.getByRole("button", { name: "Channel menu" }).click();
  await bob.page.getByRole("menuitem", { name: "Desktop notifications are on" }).waitFor();
  await bob.page.keyboard.press("Escape");
  await setHidden(bob.page, true);

  const alice = await person(env.browser, { bypassCSP: true });
  await openDemoChannel(alice, env.base, "alice", "general");
  const { page } = alice;
  const box = page.locator("#composer-input");
  await box.focus();
  await page.keyboard.type("Have a look @bo");
  const list = page.getByRole("listbox", { name: "People to mention" });
  await list.getByRole("option", { name: /@bob/ }).waitFor();
  assert.equal(await box.getAttribute("aria-activedescendant"), "mention-0");
  assert.equal(await list.getByRole("option").first().getAttribute("aria-selected"), "true");
  await audit(page, "mention list");
  await shot(page, "mention-list");
  await page.keyboard.press("Enter"); // chooses, does not send
  assert.equal(await box.inputValue(), "Have a look @bob ");
  assert.equal(await list.isHidden(), true);
  // Escape closes the list and keeps the text.
  await page.keyboard.type("and @ca");
  await list.getByRole("option", { name: /@carol/ }).waitFor();
  await page.keyboard.press("Escape");
  assert.equal(await list.isHidden(), true);
  await page.keyboard.type("rol, please");
  await page.keyboard.press("Enter");
  const text = "Have a look @bob and @carol, please";
  await log(page).getByText(text).waitFor();

  // Bob's hidden tab: a notification, and the unread mention in the title.
  await until(() => bob.page.evaluate(() => window.__notes.length > 0), 10000, "a notification");
  const [note] = await bob.page.evaluate(() => window.__notes);
  assert.equal(note.title, "Alice Martin in #general");
  assert.equal(note.body, text);
  await until(async () => (await bob.page.title()) === "(1) Huddle", 10000, "the title count");
  // Highlighted for him: the message and his name.
  const mine = item(bob.page, text);
  assert.equal(await mine.evaluate((li) => li.classList.contains("mentions-me")), true);
  await mine.locator(".mention.mention-me", { hasText: "@bob" }).waitFor();
  assert.equal(await mine.locator(".mention", { hasText: "@carol" }).evaluate((s) => s.classList.contains("mention-me")), false);
  // Shown again: read, and the title clears.
  await setHidden(bob.page, false);
  await until(async () => (await bob.page.title()) === "Huddle", 10000, "the title cleared");
  await shot(bob.page, "mention-highlight");

  // A mention in another channel, while hidden: found by the list's refresh (15 s).
  await setHidden(bob.page, true);
  await page.getByRole("link", { name: "# random" }).click();
  await page.getByRole("heading", { name: "# random" }).waitFor();
  await box.fill("@bob over here");
  await page.keyboard.press("Enter");
  await log(page).getByText("@bob over here").waitFor();
  await until(() => bob.page.evaluate(() => window.__notes.some((n) => n.body === "@bob over here")), 25000, "a notification from #random");
  const badge = bob.page.getByRole("link", { name: /# random/ }).locator(".mention-badge");
  await badge.waitFor();
  assert.equal(await badge.getAttribute("aria-label"), "1 mention");
  assert.equal(await bob.page.title(), "(1) Huddle");
  await shot(bob.page, "mention-badge");

  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
  }
  assert.ok(general);
  await alice.context.close();
  await bob.context.close();
});

test("pins live, the pinned panel opens the channel at a message; the level from the keyboard", async () => {
  const alice = await person(env.browser, { bypassCSP: true });
  const bob = await person(env.browser);
  await openDemoChannel(alice, env.base, "alice", "general");
  await openDemoChannel(bob, env.base, "bob", "general");
  const { page } = alice;
  await page.locator("#composer-input").fill("Worth keeping");
  await page.keyboard.press("Enter");
  const kept = item(page, "Worth keeping");
  await kept.waitFor();
  const id = await kept.getAttribute("data-id");
  await messageMenu(kept, "Pin to channel");
  await page.getByRole("region", { name: "Notifications" }).getByText("Message pinned.").waitFor();
  await kept.getByText("📌 Pinned").waitFor();
  // Live for Bob.
  await item(bob.page, "Worth keeping").getByText("📌 Pinned").waitFor({ timeout: 10000 });

  // Bob scrolls away (another channel), opens the pins of #general and follows one.
  await bob.page.getByRole("button", { name: "Pinned messages" }).click();
  const panel = bob.page.getByRole("dialog", { name: "Pinned messages" });
  const pin = panel.getByRole("listitem").filter({ hasText: "Worth keeping" });
  await pin.waitFor();
  await shot(bob.page, "pinned-messages");
  await bob.page.keyboard.press("Escape");
  await bob.page.getByRole("link", { name: "# random" }).click();
  await bob.page.getByRole("heading", { name: "# random" }).waitFor();
  await bob.page.getByRole("link", { name: "# general" }).click();
  await bob.page.getByRole("button", { name: "Pinned messages" }).click();
  await panel.getByRole("link", { name: /^Open in channel/ }).first().click();
  await bob.page.locator(`li.message.found[data-id="${id}"]`).waitFor();
  assert.match(bob.page.url(), new RegExp(`\\?m=${id}$`));
  assert.equal(await panel.isHidden(), true);

  // The menu, from the keyboard: mute the channel.
  const menuButton = page.getByRole("button", { name: "Channel menu" });
  await menuButton.focus();
  await page.keyboard.press("Enter");
  const mentionsOnly = page.getByRole("menuitemradio", { name: "Notify me of mentions only" });
  await mentionsOnly.waitFor();
  assert.equal(await mentionsOnly.getAttribute("aria-checked"), "true");
  await audit(page, "channel menu");
  await shot(page, "channel-menu");
  const focused = () => page.evaluate(() => document.activeElement?.textContent);
  while ((await focused()) !== "Mute this channel") await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.getByRole("region", { name: "Notifications" }).getByText("This channel is muted.").waitFor();
  await menuButton.click();
  assert.equal(await page.getByRole("menuitemradio", { name: "Mute this channel" }).getAttribute("aria-checked"), "true");
  await page.keyboard.press("Escape");
  // Unpinning from the panel.
  await page.getByRole("button", { name: "Pinned messages" }).click();
  const alicePanel = page.getByRole("dialog", { name: "Pinned messages" });
  await audit(page, "pinned messages");
  await alicePanel.getByRole("listitem").filter({ hasText: "Worth keeping" }).getByRole("button", { name: /^Unpin/ }).click();
  await alicePanel.getByRole("listitem").filter({ hasText: "Worth keeping" }).waitFor({ state: "detached" });
  await page.keyboard.press("Escape");
  await item(bob.page, "Worth keeping").getByText("📌 Pinned").waitFor({ state: "detached", timeout: 10000 });

  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
  }
  await alice.context.close();
  await bob.context.close();
});
