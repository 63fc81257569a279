// How a channel reads, in Chromium, on the demo data: messages of one author grouped
// under one header with an avatar, a day heading, the "New messages" line where the
// reader stopped, the time as a link with the full date on focus; the actions toolbar
// and its "More actions" menu from the keyboard (copy link, delete after a confirmation),
// a copied link opening the channel at the message for someone else, Up in an empty
// composer editing one's last message. Screenshots light and dark; axe with the menu and
// the confirmation open; no CSP violation, no console error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { audit, demoEnvironment, nextFrames, openDemoChannel, person, shot, until } from "./harness.mjs";

const env = demoEnvironment();

const log = (page) => page.getByRole("log", { name: "Messages" });
const item = (page, text) => log(page).locator("li.message", { hasText: text });

async function send(page, text) {
  await page.locator("#composer-input").fill(text);
  await page.keyboard.press("Enter");
  await log(page).getByText(text).waitFor();
}

test("grouping, headings, the new-messages line, links, the menu, Up to edit", async () => {
  // Bob reads #general, then leaves it.
  const bob = await person(env.browser, { permissions: [] });
  const channel = await openDemoChannel(bob, env.base, "bob", "general");
  await nextFrames(bob.page);
  await bob.page.getByRole("link", { name: "# random" }).click();
  await bob.page.getByRole("heading", { name: "# random" }).waitFor();

  const alice = await person(env.browser, { permissions: ["clipboard-read", "clipboard-write"] });
  await openDemoChannel(alice, env.base, "alice", "general");
  const { page } = alice;
  for (const t of ["Grouped one", "Grouped two", "Grouped three"]) await send(page, t);
  // One header (avatar, name, time) for the three.
  assert.equal(await item(page, "Grouped one").evaluate((li) => li.classList.contains("grouped")), false);
  for (const t of ["Grouped two", "Grouped three"]) {
    assert.equal(await item(page, t).evaluate((li) => li.classList.contains("grouped")), true, t);
    assert.equal(await item(page, t).locator(".avatar").count(), 0, t);
  }
  assert.equal(await item(page, "Grouped one").locator(".avatar").count(), 1);
  // Screen readers still hear who wrote each.
  assert.equal(await item(page, "Grouped two").locator(".author").textContent(), "Alice Martin");
  await log(page).getByRole("heading", { name: "Today" }).waitFor();

  // The time: a link to the message, the full date on focus.
  const time = item(page, "Grouped one").locator("a.message-time");
  await time.focus();
  const tip = page.locator(`#${await time.getAttribute("aria-describedby")}`);
  await until(async () => (await tip.evaluate((t) => getComputedStyle(t).visibility)) === "visible", 5000, "the date");
  assert.match(await tip.textContent(), /\d{4}/, "a full date");
  assert.equal(await time.locator("time").textContent(), "just now");

  // The toolbar shows on focus; "More actions" from the keyboard: Copy link.
  const mine = item(page, "Grouped three");
  const more = mine.getByRole("button", { name: "More actions" });
  await more.focus();
  await until(async () => (await mine.locator(".message-actions").evaluate((t) => getComputedStyle(t).opacity)) === "1", 5000, "the toolbar");
  const focusOn = (text) => until(() => page.evaluate((t) => document.activeElement?.textContent === t, text), 5000, `focus on ${text}`);
  await page.keyboard.press("Enter");
  await focusOn("Edit");
  await page.keyboard.press("ArrowDown");
  await focusOn("Copy link");
  await shot(page, "message-menu-light");
  await page.keyboard.press("Enter");
  await page.getByRole("region", { name: "Notifications" }).getByText("Link copied.").waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const id = await mine.getAttribute("data-id");
  assert.equal(link, `${env.base}/w/1/c/${channel}?m=${id}`);

  // Bob comes back to #general: the line sits before the first message he has not read.
  await bob.page.goto(`${env.base}/w/1/c/${channel}`);
  const line = log(bob.page).getByText("New messages");
  await line.waitFor();
  assert.equal(await bob.page.evaluate(() => {
    const l = [...document.querySelectorAll("li.new-divider")][0];
    return l?.nextElementSibling?.textContent.includes("Grouped one");
  }), true);
  await shot(bob.page, "message-list-new-line");
  // The link opens the channel at the message, for him too: marked and focused.
  await bob.page.goto(link);
  await bob.page.locator(`li.message.found[data-id="${id}"]`).waitFor();
  await until(() => bob.page.evaluate((id) => document.activeElement?.getAttribute("data-id") === id, id), 5000, "focus on the linked message");

  // Delete asks first; Cancel is where the focus starts.
  await more.focus();
  await page.keyboard.press("ArrowUp"); // opens on the last item: Delete
  await focusOn("Delete");
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: "Delete this message?" });
  await confirm.waitFor();
  await focusOn("Cancel");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.locator(`li.message[data-id="${id}"]`).getByText("This message was deleted.").waitFor();
  await item(bob.page, "Grouped two").waitFor();

  // Up in the empty composer edits my last message; Enter saves, the focus comes back.
  const two = await item(page, "Grouped two").getAttribute("data-id");
  await page.locator("#composer-input").focus();
  await page.keyboard.press("ArrowUp");
  const box = page.locator(`li.message[data-id="${two}"]`).getByRole("textbox", { name: "Edit message" });
  await box.waitFor();
  await until(() => page.evaluate(() => document.activeElement?.id?.startsWith("edit-")), 5000, "focus in the edit box");
  await box.fill("Grouped two, edited with Up");
  await page.keyboard.press("Enter");
  await log(bob.page).getByText("Grouped two, edited with Up").waitFor();
  await until(() => page.evaluate(() => document.activeElement?.id === "composer-input"), 5000, "focus back in the composer");

  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
  }
  await alice.context.close();
  await bob.context.close();
});

test("the app nav marks where you are; a new workspace opens #general; bare addresses are links", async () => {
  const p = await person(env.browser);
  const { page } = p;
  await openDemoChannel(p, env.base, "bob", "general");
  const nav = page.getByRole("navigation", { name: "Apps" });
  const current = async () => nav.locator(".app-link[aria-current=page]").allTextContents();
  assert.deepEqual(await current(), ["Messages"]);
  for (const app of ["Drive", "People"]) {
    await page.getByRole("link", { name: app, exact: true }).click();
    await until(async () => (await current()).join() === app, 5000, `${app} marked (not Messages)`);
  }
  await nav.getByRole("link", { name: "Messages" }).click();
  await page.getByRole("heading", { name: "# general" }).waitFor();
  await send(page, "Docs at https://example.com/a_b_c, and more.");
  const link = log(page).getByRole("link", { name: "https://example.com/a_b_c" });
  assert.equal(await link.getAttribute("href"), "https://example.com/a_b_c");
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");

  // A new workspace: its #general opens at once; the home page has the account bar.
  await page.goto(env.base + "/");
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).waitFor();
  await page.getByLabel("New workspace name").fill("Fresh start");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "# general" }).waitFor();
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.problems, []);
  await p.context.close();
});

test("reactions from the emoji picker by keyboard, recently used first; :shortcodes: in the composer", async () => {
  const p = await person(env.browser);
  const { page } = p;
  await openDemoChannel(p, env.base, "carol", "random");
  await page.locator("#composer-input").focus();
  await page.keyboard.type("ship it :tada:");
  assert.equal(await page.locator("#composer-input").inputValue(), "ship it 🎉");
  await page.keyboard.press("Enter");
  const msg = item(page, "ship it 🎉");
  await msg.waitFor();

  const add = msg.getByRole("button", { name: "Add reaction" });
  await add.focus();
  await page.keyboard.press("Enter");
  const picker = page.getByRole("dialog", { name: "Add reaction" });
  await picker.waitFor();
  await until(() => page.evaluate(() => document.activeElement?.id === "emoji-search"), 5000, "focus in the search");
  await page.keyboard.type("rocket");
  await page.keyboard.press("ArrowDown");
  await until(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label") === "rocket"), 5000, "focus on the rocket");
  await shot(page, "emoji-picker");
  await page.keyboard.press("Enter");
  await msg.getByRole("button", { name: "1 reaction, yours", exact: true }).waitFor();
  assert.match(await msg.locator(".reactions").textContent(), /🚀 1/);
  await picker.waitFor({ state: "hidden" });
  await until(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label") === "Add reaction"), 5000, "focus back on the button");
  // Recently used comes first next time.
  await page.keyboard.press("Enter");
  await picker.waitFor();
  assert.equal(await picker.locator(".emoji").first().textContent(), "🚀");
  await page.keyboard.press("Escape");
  await picker.waitFor({ state: "hidden" });
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.problems, []);
  await p.context.close();
});

for (const scheme of ["light", "dark"]) {
  test(`a channel, its menu and the delete confirmation: screenshots and axe, ${scheme}`, async () => {
    const p = await person(env.browser, { bypassCSP: true, colorScheme: scheme });
    await openDemoChannel(p, env.base, "carol", "general");
    for (const t of [`Carol in ${scheme}`, `and a second line of hers, ${scheme}`]) await send(p.page, t);
    const mine = item(p.page, `and a second line of hers, ${scheme}`);
    await mine.hover();
    await shot(p.page, `message-list-${scheme}`);
    await audit(p.page, `channel, ${scheme}`);
    await mine.getByRole("button", { name: "More actions" }).click();
    await mine.getByRole("menu").waitFor();
    // Once the toolbar has faded in.
    await until(async () => (await mine.locator(".message-actions").evaluate((t) => getComputedStyle(t).opacity)) === "1", 5000, "the toolbar");
    await audit(p.page, `message menu, ${scheme}`);
    await mine.getByRole("menuitem", { name: "Delete" }).click();
    await p.page.getByRole("dialog", { name: "Delete this message?" }).waitFor();
    await audit(p.page, `delete confirmation, ${scheme}`);
    await shot(p.page, `message-delete-confirm-${scheme}`);
    await p.page.keyboard.press("Escape");
    await mine.hover();
    await mine.getByRole("button", { name: "Add reaction" }).click();
    await p.page.getByRole("dialog", { name: "Add reaction" }).waitFor();
    await audit(p.page, `emoji picker, ${scheme}`);
    await shot(p.page, `emoji-picker-${scheme}`);
    await p.page.keyboard.press("Escape");
    assert.deepEqual(p.problems, []);
    await p.context.close();
  });
}
