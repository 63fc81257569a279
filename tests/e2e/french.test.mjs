// French throughout one flow, in Chromium set to French (`locale: "fr-FR"`, so the
// browser's languages say French and the app follows them by default): a refused sign-in
// (the server's error, translated), the workspaces, a channel with a message posted
// (today's heading and the time written the French way), the message's menu, the
// settings; then English chosen in the settings (everything switches at once, and stays
// after a reload), and back to the browser's language. On each view, no string of the
// English catalog that French translates is shown, `<html lang>` says the language, axe
// finds nothing serious (what people wrote is theirs, and left out); no CSP violation, no console error but the refused sign-in.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../js/helpers.mjs";
import { audit, demoEnvironment, person, shot, unexpected, until } from "./harness.mjs";

const env = demoEnvironment();

function catalog(locale) {
  const dir = path.join(ROOT, "src/locales", locale);
  const out = {};
  for (const f of fs.readdirSync(dir)) out[path.basename(f, ".json")] = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
  return out;
}
const en = catalog("en");
const fr = catalog("fr");
const pairs = Object.entries(en).flatMap(([ns, keys]) => Object.entries(keys).map(([k, v]) => [v, fr[ns][k]]));

/** The French of an English string of the catalog (the same wherever it is used). */
function T(english) {
  const found = new Set(pairs.filter(([e]) => e === english).map(([, f]) => f));
  assert.equal(found.size, 1, `one French for ${JSON.stringify(english)}: ${[...found]}`);
  return [...found][0];
}

// English strings French says differently (and that no French string happens to be).
const frenchValues = new Set(pairs.map(([, f]) => f));
const englishOnly = new Set(pairs.filter(([e, f]) => e !== f && !e.includes("{{") && !frenchValues.has(e)).map(([e]) => e));

/** Fails if the page shows, or names for assistive technology, an English-only string. */
async function assertFrench(page, view) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), "fr", `${view}: <html lang>`);
  const shown = await page.evaluate(() => {
    const out = [];
    const where = (el) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""}`;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      // Not what people wrote (messages' Markdown bodies), which is in their language.
      if (el && el.closest("[hidden], template, script, style, .body")) continue;
      const t = n.textContent.trim();
      if (t) out.push([t, where(el)]);
    }
    for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder], [alt], [aria-description]")) {
      for (const a of ["aria-label", "title", "placeholder", "alt", "aria-description"]) {
        const v = el.getAttribute(a);
        if (v) out.push([v.trim(), `${where(el)}[${a}]`]);
      }
    }
    out.push([document.title, "title"]);
    return out;
  });
  const english = shown.filter(([s]) => englishOnly.has(s)).map(([s, at]) => `${s} (${at})`);
  assert.deepEqual(english, [], `${view}: English shown in French`);
}

test("French throughout one flow, and English chosen in the settings", async () => {
  const alice = await person(env.browser, { bypassCSP: true, locale: "fr-FR" });
  const { page } = alice;

  // Sign-in, refused: the server's reason in French.
  await page.goto(env.base + "/signin");
  await page.getByLabel(T("Username or email")).fill("alice");
  await page.getByLabel(T("Password"), { exact: true }).fill("not-her-password");
  await page.getByRole("button", { name: T("Sign in"), exact: true }).click();
  await page.getByRole("alert").getByText(fr.common.error_invalid_credentials).waitFor();
  await assertFrench(page, "sign-in");
  await audit(page, "sign-in in French");
  await shot(page, "french-signin");

  await page.getByLabel(T("Password"), { exact: true }).fill("huddle-demo-password");
  await page.getByRole("button", { name: T("Sign in"), exact: true }).click();
  await page.getByRole("heading", { name: T("Your workspaces") }).waitFor();
  await assertFrench(page, "workspaces");
  await audit(page, "workspaces in French");

  // A channel: a message posted today, its menu.
  await page.getByRole("link", { name: "Demo workspace" }).click();
  await page.getByRole("link", { name: "# general" }).click();
  await page.getByRole("heading", { name: "# general" }).waitFor();
  await page.getByRole("status").getByText(T("Connected")).waitFor({ timeout: 15000 });
  await page.locator("#composer-input").fill("Bonjour à toutes et à tous");
  await page.keyboard.press("Enter");
  const log = page.getByRole("log");
  const item = log.locator("li.message", { hasText: "Bonjour à toutes et à tous" });
  await item.waitFor();
  await log.getByRole("heading", { name: fr.common.today }).waitFor();
  // The exact date, written by `Intl` in French (e.g. "lundi 7 décembre 2026 à 06:40").
  const when = await item.getByRole("tooltip", { includeHidden: true }).first().textContent();
  assert.match(when, /(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \S+ \d{4}/, when);
  await item.hover();
  await item.getByRole("button", { name: T("More actions") }).click();
  await item.getByRole("menuitem", { name: T("Pin to channel") }).waitFor();
  await assertFrench(page, "channel with its message menu");
  await audit(page, "channel in French");
  await shot(page, "french-channel");
  await page.keyboard.press("Escape");

  // English, chosen in the settings: at once, and after a reload.
  await page.goto(env.base + "/settings");
  await page.getByRole("heading", { name: T("Profile and settings") }).waitFor();
  await assertFrench(page, "settings");
  await audit(page, "settings in French");
  await shot(page, "french-settings");
  await page.getByLabel("English", { exact: true }).check();
  await page.getByRole("heading", { name: "Profile and settings" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await until(async () => {
    const r = await page.evaluate(() => fetch("/api/v1/auth/me").then((r) => r.json()));
    return r.preferences?.language === "en";
  }, 5000, "the language saved on the server");
  await page.reload();
  await page.getByRole("heading", { name: "Profile and settings" }).waitFor();
  assert.equal(await page.getByLabel("English", { exact: true }).isChecked(), true);

  // Back to the browser's language: French again.
  await page.getByLabel("As the browser").check();
  await page.getByRole("heading", { name: T("Profile and settings") }).waitFor();
  await assertFrench(page, "settings, back to the browser's language");

  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(unexpected(alice.problems, [{ method: "POST", path: "/api/v1/auth/signin", status: 401 }]), []);
  await alice.context.close();
});
