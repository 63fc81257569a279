// Profile and settings, in Chromium, on the demo data: Carol renames herself, picks the
// dark theme and "every message" as her default notification level; a name the server
// refuses shows its reason and keeps what she typed; the settings hold after a reload and
// on another device (a new browser context), where the theme applies as soon as she is
// signed in, and the channels she set nothing for take the default. axe light and dark;
// no CSP violation, no console error other than the refused save.
import { test } from "node:test";
import assert from "node:assert/strict";
import { audit, demoEnvironment, person, shot, signInDemo, unexpected, until } from "./harness.mjs";

const env = demoEnvironment();
const themeClass = (page) => page.evaluate(() => document.documentElement.className);

test("name, theme and default notifications are kept on the server, for every device", async () => {
  const carol = await person(env.browser, { bypassCSP: true });
  const { page } = carol;
  await signInDemo(page, env.base, "carol");
  await page.getByRole("link", { name: "Profile and settings" }).click();
  await page.getByRole("heading", { name: "Profile and settings" }).waitFor();
  const name = page.getByLabel("Your name, as others see it");
  assert.equal(await name.inputValue(), "Carol Diaz");
  assert.equal(await page.getByLabel("As the system").isChecked(), true);
  assert.equal(await page.getByLabel("Of mentions only").isChecked(), true);
  await audit(page, "settings light");

  // Refused: the reason shows, what she typed stays.
  await name.fill("Carol\u202e");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("alert").getByText(/display_name/).waitFor();
  assert.equal(await name.inputValue(), "Carol\u202e");

  await name.fill("Carol D.");
  await page.getByLabel("Dark", { exact: true }).check();
  await page.getByLabel("Of every message").check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").getByText("Saved.").waitFor();
  assert.equal(await themeClass(page), "theme-dark");
  await page.getByRole("link", { name: "Carol D." }).waitFor();
  await audit(page, "settings dark");
  await shot(page, "settings-dark");

  // After a reload, the same.
  await page.reload();
  await page.getByRole("heading", { name: "Profile and settings" }).waitFor();
  assert.equal(await themeClass(page), "theme-dark");
  await page.getByLabel("Of every message").waitFor();
  assert.equal(await page.getByLabel("Of every message").isChecked(), true);
  assert.equal(await name.inputValue(), "Carol D.");

  // Another device: dark once signed in; #general takes her default level.
  const other = await person(env.browser);
  assert.equal(await themeClass(other.page), "");
  await signInDemo(other.page, env.base, "carol");
  assert.equal(await themeClass(other.page), "theme-dark");
  await other.page.getByRole("link", { name: "Demo workspace" }).click();
  await other.page.getByRole("heading", { name: "# general" }).waitFor();
  await other.page.getByRole("button", { name: "Channel menu" }).click();
  const every = other.page.getByRole("menuitemradio", { name: "Notify me of every message" });
  assert.equal(await every.getAttribute("aria-checked"), "true");
  // Her messages carry the new name.
  await other.page.locator("#composer-input").fill("Signed, Carol");
  await other.page.keyboard.press("Enter");
  await other.page.getByRole("log").locator("li.message", { hasText: "Signed, Carol" }).locator(".author", { hasText: "Carol D." }).waitFor();

  // The theme toggle in the top bar is the same setting.
  await other.page.getByRole("button", { name: "Dark theme" }).click();
  assert.equal(await themeClass(other.page), "theme-light");
  await page.goto(env.base + "/settings");
  await page.getByLabel("Light", { exact: true }).waitFor();
  await until(() => page.getByLabel("Light", { exact: true }).isChecked(), 5000, "light, chosen on the other device");

  for (const p of [carol, other]) assert.deepEqual(await p.csp(), []);
  assert.deepEqual(unexpected(carol.problems, [{ method: "PATCH", path: "/api/v1/auth/me", status: 400 }]), []);
  assert.deepEqual(other.problems, []);
  await carol.context.close();
  await other.context.close();
});

