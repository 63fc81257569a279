// The component kit (/kit) in Chromium: each component from the keyboard alone, as its
// WAI-ARIA pattern says (menu button, modal dialog and confirm, popover, tooltip,
// combobox, tabs, toasts with Undo, the `?` shortcut help); screenshots of the page and
// its open states in light and dark; axe on every state; no CSP violation, no console
// error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { audit, person, serverEnvironment, shot, until } from "./harness.mjs";

const env = serverEnvironment();

/** What has focus: its role or tag, and its text or label. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.getAttribute("role") ?? el?.tagName.toLowerCase()}: ${(el?.getAttribute("aria-label") ?? el?.textContent ?? "").trim()}`;
  });
}

async function expectFocus(page, want) {
  await until(async () => (await focused(page)) === want, 5000, `focus on ${want} (it is on ${await focused(page)})`);
}

async function open(p, scheme) {
  await p.page.goto(env.base + "/kit");
  await p.page.getByRole("heading", { name: "Component kit" }).waitFor();
  if (scheme) await p.page.emulateMedia({ colorScheme: scheme });
}

const said = (page) => page.locator(".kit-said");

test("every component from the keyboard", async () => {
  const p = await person(env.browser);
  await open(p);
  const { page } = p;

  // Menu button: Enter opens on the first item; arrows, End, Home, type-ahead; Escape
  // closes back to the button; Up opens on the last; Enter chooses.
  const more = page.getByRole("button", { name: "More actions" });
  await more.focus();
  await page.keyboard.press("Enter");
  assert.equal(await more.getAttribute("aria-expanded"), "true");
  await expectFocus(page, "menuitem: Edit");
  await page.keyboard.press("ArrowDown");
  await expectFocus(page, "menuitem: Copy link");
  await page.keyboard.press("ArrowDown");
  await expectFocus(page, "menuitem: Pin");
  await page.keyboard.press("Enter"); // disabled: nothing happens
  await expectFocus(page, "menuitem: Pin");
  await page.keyboard.press("End");
  await expectFocus(page, "menuitem: Delete");
  await page.keyboard.press("ArrowDown");
  await expectFocus(page, "menuitem: Edit");
  await page.keyboard.press("r");
  await expectFocus(page, "menuitem: Reply in thread");
  await shot(page, "kit-menu-open-light");
  await page.keyboard.press("Escape");
  await expectFocus(page, "button: More actions");
  assert.equal(await more.getAttribute("aria-expanded"), "false");
  await page.keyboard.press("ArrowUp");
  await expectFocus(page, "menuitem: Delete");
  await page.keyboard.press("Enter");
  await said(page).getByText("Delete chosen.").waitFor();
  await expectFocus(page, "button: More actions");

  // Modal dialog: focus starts in its field, Tab stays inside, Escape closes back to
  // the opener; Enter submits.
  const newChannel = page.getByRole("button", { name: "New channel…" });
  await newChannel.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "New channel" });
  await dialog.waitFor();
  await expectFocus(page, "input: ");
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), "focus stays in the dialog");
  }
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await expectFocus(page, "button: New channel…");
  await page.keyboard.press("Enter");
  await expectFocus(page, "input: ");
  await page.keyboard.press("Enter");
  await said(page).getByText("Created #design-review.").waitFor();
  await expectFocus(page, "button: New channel…");

  // Confirm: Cancel first; Tab to the action; Enter.
  const del = page.getByRole("button", { name: "Delete message…" });
  await del.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("dialog", { name: "Delete this message?" }).waitFor();
  await expectFocus(page, "button: Cancel");
  await page.keyboard.press("Tab");
  await expectFocus(page, "button: Delete");
  await page.keyboard.press("Enter");
  await said(page).getByText("Deleted.").waitFor();
  await expectFocus(page, "button: Delete message…");

  // Popover: opens onto its first control; Escape back to the button.
  const notif = page.getByRole("button", { name: "Notifications…" });
  await notif.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("dialog", { name: "Notification settings" }).waitFor();
  await expectFocus(page, "input: ");
  await page.keyboard.press("Escape");
  await expectFocus(page, "button: Notifications…");
  assert.equal(await notif.getAttribute("aria-expanded"), "false");

  // Tooltip: shown on focus, describes its button, Escape hides it.
  const react = page.getByRole("button", { name: "Add reaction" });
  await react.focus();
  const tip = page.locator("[role=tooltip]");
  await until(async () => (await tip.evaluate((t) => getComputedStyle(t).visibility)) === "visible", 5000, "the tooltip");
  const describedBy = await react.getAttribute("aria-describedby");
  assert.equal(await page.locator(`#${describedBy}`).textContent(), "Adds a reaction to the message");
  await page.keyboard.press("Escape");
  await until(async () => (await tip.evaluate((t) => getComputedStyle(t).visibility)) === "hidden", 5000, "the tooltip to hide");

  // Combobox: typing filters; Down moves the active option; Enter chooses; Escape
  // closes, a second clears.
  const combo = page.getByRole("combobox", { name: "Invite a member" });
  await combo.focus();
  await page.keyboard.type("a");
  const listbox = page.getByRole("listbox");
  await listbox.waitFor();
  const active = async () => {
    const id = await combo.getAttribute("aria-activedescendant");
    return id ? page.locator(`#${id}`).locator("span").first().textContent() : null;
  };
  assert.equal(await active(), "Alice Martin");
  await page.keyboard.press("ArrowDown");
  assert.equal(await active(), "Carol Nguyen");
  await page.keyboard.press("Enter");
  await said(page).getByText("Chose Carol Nguyen.").waitFor();
  assert.equal(await combo.inputValue(), "Carol Nguyen");
  assert.equal(await combo.getAttribute("aria-expanded"), "false");
  await page.keyboard.press("Escape");
  assert.equal(await combo.inputValue(), "");
  await page.keyboard.type("zz");
  await listbox.getByText("No matches").waitFor();
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");

  // Tabs: arrows move and select; only the selected tab is in the Tab order.
  const about = page.getByRole("tab", { name: "About" });
  await about.focus();
  await page.keyboard.press("ArrowRight");
  await expectFocus(page, "tab: Members");
  await page.getByRole("tabpanel").getByText("6 members.").waitFor();
  await page.keyboard.press("End");
  await expectFocus(page, "tab: Pinned");
  await page.keyboard.press("ArrowRight");
  await expectFocus(page, "tab: About");
  assert.deepEqual(await page.getByRole("tab").evaluateAll((ts) => ts.map((t) => t.tabIndex)), [0, -1, -1]);

  // Toasts: in the polite live region; Undo works.
  await page.getByRole("button", { name: "Show a toast with Undo" }).click();
  const region = page.getByRole("region", { name: "Notifications" });
  await region.getByRole("status").getByText("Message deleted.").waitFor();
  await region.getByRole("button", { name: "Undo" }).click();
  await said(page).getByText("Undone.").waitFor();
  await region.getByText("Message deleted.").waitFor({ state: "detached" });

  // `?` opens the shortcuts (not while typing in a field).
  await combo.focus();
  await page.keyboard.type("?");
  assert.equal(await page.getByRole("dialog", { name: "Keyboard shortcuts" }).isVisible(), false);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await page.getByRole("heading", { name: "Component kit" }).click();
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
  await expectFocus(page, "button: Close");
  await page.keyboard.press("Escape");
  await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor({ state: "hidden" });

  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.problems, []);
});

for (const scheme of ["light", "dark"]) {
  test(`screenshots and axe, ${scheme}`, async () => {
    const p = await person(env.browser, { bypassCSP: true, colorScheme: scheme });
    await open(p);
    const { page } = p;
    await page.getByRole("button", { name: "Show a toast", exact: true }).click();
    await page.getByRole("button", { name: "Show an error" }).click();
    await shot(page, `kit-${scheme}`);
    await audit(page, `kit, ${scheme}`);
    await page.getByRole("button", { name: "Channel menu" }).click();
    await page.getByRole("menu").waitFor();
    await audit(page, `kit, menu open, ${scheme}`);
    await shot(page, `kit-menu-${scheme}`);
    await page.keyboard.press("Escape");
    await page.getByRole("combobox", { name: "Invite a member" }).fill("o");
    await page.getByRole("listbox").waitFor();
    await audit(page, `kit, combobox open, ${scheme}`);
    await shot(page, `kit-combobox-${scheme}`);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Notifications…" }).click();
    await audit(page, `kit, popover open, ${scheme}`);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Delete message…" }).click();
    await page.getByRole("dialog", { name: "Delete this message?" }).waitFor();
    await audit(page, `kit, confirm open, ${scheme}`);
    await shot(page, `kit-confirm-${scheme}`);
    await page.keyboard.press("Escape");
    await page.getByRole("heading", { name: "Component kit" }).click();
    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await audit(page, `kit, shortcuts, ${scheme}`);
    await shot(page, `kit-shortcuts-${scheme}`);
    assert.deepEqual(p.problems, []);
    await p.context.close();
  });
}
