// The other engines, through WebDriver (tests/e2e/webdriver.mjs): Firefox ESR and
// WebKitGTK (Safari's engine). In each, on the demo data: two people sign in, each in a
// browser of their own, and chat live in #general (a Markdown message, a reaction, a
// reply in its thread, an edit), and the component kit (/kit) works from the keyboard
// (the menu button, the modal dialog); screenshots of the chat and of the kit in light
// and dark; no CSP violation in any page. The message list has one scrollbar.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { By, Key, until as located } from "selenium-webdriver";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, stopServer, tempDb } from "./harness.mjs";
import { freePort, makeCertificates } from "./tls.mjs";
import { cspViolations, engine, shot, until, watchCsp } from "./webdriver.mjs";

// Over HTTPS, as deployed: WebKitGTK keeps no `Secure` cookie from a plain-HTTP
// origin, not even 127.0.0.1's. The certificate is for localhost, from a CA of the
// test's own; the browsers are told to accept it (`acceptInsecureCerts`).
const env = {};
before(async () => {
  env.dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-engines-"));
  makeCertificates(env.dir, "localhost");
  const port = await freePort();
  const s = startServer({ db: tempDb(), demo: true, listen: `127.0.0.1:${port}`, args: [
    "--tls-cert", path.join(env.dir, "fullchain.pem"), "--tls-key", path.join(env.dir, "privkey.pem"),
    "--public-origin", `https://localhost:${port}`] });
  env.server = s.proc;
  await s.url;
  env.base = `https://localhost:${port}`;
});
after(async () => {
  if (env.server) await stopServer(env.server);
  if (env.dir) fs.rmSync(env.dir, { recursive: true, force: true });
});

const text = (d, css) => d.executeScript(`return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent).join("\\n")`, css);

/**
 * Types `value` into the field `by` finds, once the page has settled: the page may
 * render it again while it starts (the answer of the session check), which makes a
 * found element go stale (WebKit then says "no such element").
 */
async function fill(d, by, value) {
  await until(async () => {
    try {
      await d.wait(located.elementLocated(by), 20000);
      const el = await d.findElement(by);
      await el.clear();
      await el.sendKeys(value);
      return (await el.getAttribute("value")) === value;
    } catch {
      return false;
    }
  }, 20000, `typing into ${by}`);
}

/** Signs `who` in and opens #general of the demo workspace, connected to the relay. */
async function openGeneral(d, who) {
  await d.get(`${env.base}/signin`);
  await watchCsp(d);
  await fill(d, By.id("login"), who);
  await fill(d, By.id("password"), "huddle-demo-password");
  await d.findElement(By.xpath("//button[normalize-space()='Sign in']")).click();
  await until(async () => (await text(d, "h1")).includes("Your workspaces"), 20000, `${who}'s workspaces`);
  await (await d.wait(located.elementLocated(By.linkText("Demo workspace")), 20000)).click();
  await until(async () => (await text(d, "h1.channel-title")) === "# general", 20000, `${who}'s #general`);
  await until(async () => (await text(d, ".conn")).includes("Connected"), 20000, `${who} connected`);
}

/** The message of `log` (a driver's page) whose text includes `t`. */
async function message(d, t) {
  let found;
  await until(async () => {
    const items = await d.findElements(By.css("[role=log] li.message"));
    for (const li of items) {
      if ((await li.getText()).includes(t)) {
        found = li;
        return true;
      }
    }
    return false;
  }, 20000, `a message with “${t}”`);
  return found;
}

/** What has focus: its role (or tag) and its label (or text). */
const focused = (d) => d.executeScript(`const el = document.activeElement;
  return (el?.getAttribute("role") ?? el?.tagName.toLowerCase()) + ": " + (el?.getAttribute("aria-label") ?? el?.textContent ?? "").trim();`);

async function expectFocus(d, want) {
  await until(async () => (await focused(d)) === want, 5000, `focus on ${want} (it is on ${await focused(d)})`);
}

const press = (d, ...keys) => d.actions().sendKeys(...keys).perform();

/** Sets the signed-in person's theme through the API the settings page uses. */
async function setTheme(d, theme) {
  const status = await d.executeAsyncScript(`const done = arguments[arguments.length - 1];
    fetch("/api/v1/auth/me", { method: "PATCH", headers: { "content-type": "application/json", "x-requested-with": "huddle" },
      body: JSON.stringify({ theme: arguments[0] }) }).then((r) => done(r.status), (e) => done(String(e)));`, theme);
  assert.equal(status, 200);
}

for (const name of ["firefox", "webkit"]) {
  test(`${name}: two people chat live; the kit from the keyboard`, async () => {
    const e = await engine(name);
    try {
      const [alice, bob] = [await e.person(), await e.person()];
      await openGeneral(alice, "alice");
      await openGeneral(bob, "bob");

      // Alice writes; Bob reads it live, rendered.
      const box = await alice.findElement(By.id("composer-input"));
      await box.sendKeys(`Hello from **${name}**`, Key.ENTER);
      const onBob = await message(bob, `Hello from ${name}`);
      assert.equal(await onBob.findElement(By.css("strong")).getText(), name);

      // Bob reacts with 👍 (the toolbar shows on hover) and answers in the thread.
      await bob.actions().move({ origin: onBob }).perform();
      await onBob.findElement(By.css("button[aria-label='React with thumbs up']")).click();
      const onAlice = await message(alice, `Hello from ${name}`);
      await until(async () => (await onAlice.getText()).includes("👍 1"), 20000, "Bob's reaction at Alice's");
      await bob.actions().move({ origin: onBob }).perform();
      await onBob.findElement(By.css("button[aria-label='Reply in thread']")).click();
      const reply = await bob.findElement(By.css("aside.thread textarea"));
      await reply.sendKeys("An answer in the thread", Key.ENTER);
      await until(async () => (await onAlice.getText()).includes("1 reply"), 20000, "the reply count at Alice's");

      // Alice edits with Up in the empty composer; Bob sees the edit.
      await box.click();
      await press(alice, Key.ARROW_UP);
      const edit = await alice.findElement(By.css("textarea.edit-box"));
      await until(async () => (await alice.executeScript("return document.activeElement?.classList.contains('edit-box')")), 5000, "focus in the edit box");
      // Select all (the body as it was) and type over it.
      await alice.executeScript("document.activeElement.select()");
      await press(alice, `Hello again from ${name}`);
      await press(alice, Key.ENTER);
      await message(bob, `Hello again from ${name}`);
      await message(bob, "(edited)");
      await shot(alice, `${name}-chat`);

      // One scrollbar beside the messages: the page itself does not scroll.
      const scrolls = await alice.executeScript(`const s = document.scrollingElement;
        return s.scrollHeight > s.clientHeight + 1;`);
      assert.equal(scrolls, false, "the page scrolls besides the message list");

      for (const d of [alice, bob]) assert.deepEqual(await cspViolations(d), []);

      // The kit: the menu button and the dialog from the keyboard; light and dark.
      await setTheme(alice, "light");
      await alice.get(`${env.base}/kit`);
      await watchCsp(alice);
      await until(async () => (await text(alice, "h1")).includes("Component kit"), 20000, "the kit");
      await shot(alice, `${name}-kit-light`);
      const more = await alice.findElement(By.css("button[aria-label='More actions']"));
      await alice.executeScript("arguments[0].focus()", more);
      await press(alice, Key.ENTER);
      await expectFocus(alice, "menuitem: Edit");
      await press(alice, Key.ARROW_DOWN);
      await expectFocus(alice, "menuitem: Copy link");
      await press(alice, Key.ESCAPE);
      await expectFocus(alice, "button: More actions");
      assert.equal(await more.getAttribute("aria-expanded"), "false");
      const newChannel = await alice.findElement(By.xpath("//button[normalize-space()='New channel…']"));
      await alice.executeScript("arguments[0].focus()", newChannel);
      await press(alice, Key.ENTER);
      await until(() => alice.executeScript("return !!document.querySelector('dialog[open]')"), 5000, "the dialog");
      await expectFocus(alice, "input: ");
      await press(alice, Key.TAB);
      assert.equal(await alice.executeScript("return document.querySelector('dialog[open]').contains(document.activeElement)"), true);
      await press(alice, Key.ESCAPE);
      await until(() => alice.executeScript("return !document.querySelector('dialog[open]')"), 5000, "the dialog closed");
      await expectFocus(alice, "button: New channel…");
      // Dark: Alice's setting.
      await setTheme(alice, "dark");
      await alice.get(`${env.base}/kit`);
      await until(async () => (await text(alice, "h1")).includes("Component kit"), 40000, "the kit again");
      await until(() => alice.executeScript("return document.documentElement.classList.contains('theme-dark')"), 5000, "the dark theme");
      await watchCsp(alice);
      await shot(alice, `${name}-kit-dark`);
      assert.deepEqual(await cspViolations(alice), []);
    } finally {
      await e.close();
    }
  });
}
