// axe-core on every page of the app (demo data, signed in as Alice): no serious or
// critical accessibility violations. axe is injected with `bypassCSP` in this context
// only; CSP compliance itself is checked, without bypass, in messages.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launchChromium } from "../js/helpers.mjs";
import { ARTIFACTS, audit, startServer, tempDb, until } from "./harness.mjs";

let server, base, browser;

before(async () => {
  const s = startServer({ db: tempDb("huddle-a11y-"), demo: true });
  server = s.proc;
  base = await s.url;
  browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => { await browser?.close(); server?.kill(); });

test("no serious or critical axe violations on any page", async () => {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ bypassCSP: true, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(base + "/signin");
    await page.getByRole("heading", { name: "Sign in to Huddle" }).waitFor();
    await audit(page, `signin ${scheme}`);
    await page.goto(base + "/signup");
    await page.getByRole("heading", { name: "Create your Huddle account" }).waitFor();
    await audit(page, `signup ${scheme}`);
    await page.goto(base + "/signin");
    await page.getByLabel("Username or email").fill("alice");
    await page.getByLabel("Password").fill("huddle-demo-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Your workspaces" }).waitFor();
    await page.getByRole("link", { name: "Demo workspace" }).waitFor();
    await audit(page, `home ${scheme}`);
    await page.getByRole("link", { name: "Demo workspace" }).click();
    await page.getByRole("link", { name: "# general" }).click();
    await page.getByRole("log").getByText("Welcome to").waitFor();
    await audit(page, `channel ${scheme}`);
    // With a thread open, and with the workspace switcher open.
    await page.getByRole("button", { name: "Reply in thread" }).first().click();
    await page.getByRole("complementary", { name: "Thread" }).waitFor();
    await audit(page, `thread ${scheme}`);
    await page.getByRole("button", { name: "Close thread" }).click();
    await page.locator(".switcher summary").click();
    await page.getByRole("link", { name: "All workspaces…" }).waitFor();
    await audit(page, `switcher ${scheme}`);
    await page.locator(".switcher summary").click();
    await page.screenshot({ path: path.join(ARTIFACTS, `demo-channel-${scheme}.png`), fullPage: true });
    // A private channel with its settings open (topic, name, archiving), its members,
    // its menu and its pinned messages.
    await page.getByRole("link", { name: "# design" }).click();
    await page.locator(".channel-settings summary").click();
    await page.getByRole("button", { name: "Set topic" }).waitFor();
    await audit(page, `channel settings ${scheme}`);
    await page.locator(".channel-settings summary").click();
    await page.getByRole("button", { name: /^\d+ members$/ }).click();
    await page.getByRole("dialog", { name: "Members" }).getByRole("button", { name: "Leave channel" }).waitFor();
    await audit(page, `channel members ${scheme}`);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Channel menu" }).click();
    await page.getByRole("menuitemradio", { name: "Notify me of mentions only" }).waitFor();
    await audit(page, `channel menu ${scheme}`);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Pinned messages" }).click();
    await page.getByRole("dialog", { name: "Pinned messages" }).getByText(/Nothing is pinned yet|Open in channel/).first().waitFor();
    await audit(page, `pinned messages ${scheme}`);
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "# history" }).click();
    await page.getByRole("log").getByText("History message 10000 of 10000").waitFor();
    await audit(page, `long channel ${scheme}`);
    await page.getByRole("link", { name: "People" }).click();
    await page.getByRole("list", { name: "People" }).getByText("Alice Martin", { exact: true }).waitFor();
    await audit(page, `people ${scheme}`);
    // With an invite link just made (its address shown once) and the list of links.
    await page.getByRole("button", { name: "Make a link" }).click();
    await page.getByLabel(/^New invite link/).waitFor();
    await page.getByRole("list", { name: "Invite links" }).getByRole("listitem").first().waitFor();
    await audit(page, `people with an invite link ${scheme}`);
    await page.screenshot({ path: path.join(ARTIFACTS, `people-${scheme}.png`), fullPage: true });
    for (const app of ["Drive", "Tasks", "Calendar"]) {
      await page.getByRole("link", { name: app }).click();
      await page.getByRole("heading", { name: app }).waitFor();
      await audit(page, `${app} ${scheme}`);
    }
    // The account page, from the name in the top bar.
    await page.getByRole("link", { name: "Alice Martin" }).click();
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await page.getByRole("list", { name: "Where you are signed in" }).getByText("this browser").waitFor();
    await audit(page, `account ${scheme}`);
    await context.close();
  }
});

test("phone-sized screen: no sideways scrolling, no serious axe violations", async () => {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(base + "/signin");
  await page.getByLabel("Username or email").fill("bob");
  await page.getByLabel("Password").fill("huddle-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("link", { name: "Demo workspace" }).click();
  // The workspace opens at #general; the channels are in a drawer.
  await page.getByRole("log").getByText("Welcome to").waitFor();
  const toggle = page.getByRole("button", { name: "Channels and apps" });
  const drawer = page.getByRole("navigation", { name: "Apps" });
  assert.equal(await drawer.isVisible(), false, "the drawer starts closed");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await until(() => page.evaluate(() => document.activeElement?.textContent === "Messages"), 5000, "focus in the drawer");
  await until(() => drawer.evaluate((n) => getComputedStyle(n).transform === "none"), 5000, "the drawer slid in");
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-drawer.png") });
  await page.keyboard.press("Escape");
  await until(async () => !(await drawer.isVisible()), 5000, "the drawer to close");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Channels and apps");
  await toggle.click();
  await drawer.getByRole("link", { name: "# random" }).click();
  await page.getByRole("heading", { name: "# random" }).waitFor();
  await until(async () => !(await drawer.isVisible()), 5000, "a choice to close the drawer");
  // The composer is on screen, at the bottom.
  const composer = await page.locator("#composer-input").boundingBox();
  assert.ok(composer && composer.y + composer.height <= 844, `composer at ${JSON.stringify(composer)}`);
  await toggle.click();
  await drawer.getByRole("link", { name: "# general" }).click();
  await page.getByRole("log").getByText("Welcome to").waitFor();
  const sideways = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(sideways <= 0, `page scrolls sideways by ${sideways}px`);
  await audit(page, "channel on a phone");
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-channel.png"), fullPage: true });
  await toggle.click();
  await drawer.getByRole("link", { name: "People" }).click();
  await page.getByRole("list", { name: "People" }).getByText("Alice Martin", { exact: true }).waitFor();
  await audit(page, "people on a phone");
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-people.png"), fullPage: true });
  await context.close();
});
