// Sign-up on a server that sends mail, in Chromium, with a real SMTP server (Debian's
// aiosmtpd, delivering into a Maildir): the form gives way to "Check your inbox", the
// link in the mail creates the account with one click, a username taken meanwhile is
// asked for again, a used link says so, and an address that has an account gets the same
// page (its owner gets a note instead of a link). axe on each new state; no CSP violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { audit, person, serverEnvironment, shot, unexpected, until } from "./harness.mjs";
import { freePort } from "./tls.mjs";

const PASSWORD = "correct horse battery";
const mailer = {};
before(() => {
  mailer.dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-mail-"));
  mailer.maildir = path.join(mailer.dir, "mail");
});
after(() => {
  mailer.smtpd?.kill();
  fs.rmSync(mailer.dir, { recursive: true, force: true });
});
const env = serverEnvironment(async () => {
  const smtp = await freePort();
  // Debian's interpreter, where Debian's aiosmtpd is (not a python3 earlier in PATH).
  mailer.smtpd = spawn("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${smtp}`,
    "-c", "aiosmtpd.handlers.Mailbox", mailer.maildir], { stdio: ["ignore", "ignore", "inherit"] });
  const port = await freePort();
  env.origin = `http://127.0.0.1:${port}`;
  return {
    listen: `127.0.0.1:${port}`,
    args: ["--public-origin", env.origin, "--smtp-url", `smtp://127.0.0.1:${smtp}`,
      "--mail-from", "Huddle <huddle@huddle.test>"],
  };
});

/** The mails delivered to `to` so far (quoted-printable soft breaks joined). */
function mailsTo(to) {
  const dir = path.join(mailer.maildir, "new");
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
    .map((f) => fs.readFileSync(f, "utf8").replace(/=\r?\n/g, ""))
    .filter((text) => text.includes(`\nX-RcptTo: ${to}\n`));
}

/** The `n`-th mail to `to` (from 1), once it has arrived. */
async function mail(to, n = 1) {
  await until(() => mailsTo(to).length >= n, 20000, `mail ${n} to ${to}`);
  return mailsTo(to)[n - 1];
}

/** The link of a confirmation mail. */
function link(text) {
  const m = text.match(/(http:\/\/\S+\/verify#[0-9a-f]{64})/);
  assert.ok(m, `a link in ${text}`);
  return m[1];
}

/** Fills the sign-up form and sends it; "Check your inbox" is on screen, focused. */
async function signUp(page, username, email) {
  await page.goto(env.base + "/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password (at least 10 characters)").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
  await until(async () => (await page.evaluate(() => document.activeElement?.textContent)) === "Check your inbox",
    5000, "the heading to take focus");
  await page.getByText(`We sent a link to ${email}.`).waitFor();
}

test("sign up, confirm from the mail, a taken name, a used link, a known address", async () => {
  const zoe = await person(env.browser);
  await signUp(zoe.page, "zoe", "zoe@example.com");
  await shot(zoe.page, "signup-check-inbox");
  // "Use another address" brings the form back as it was typed.
  await zoe.page.getByRole("button", { name: "Use another address" }).click();
  assert.equal(await zoe.page.getByLabel("Username").inputValue(), "zoe");
  assert.equal(await zoe.page.getByLabel("Email").inputValue(), "zoe@example.com");

  const first = await mail("zoe@example.com");
  assert.match(first, /Subject: Confirm your e-mail address for Huddle/);
  const zoeLink = link(first);
  assert.ok(zoeLink.startsWith(env.origin + "/verify#"));
  await zoe.page.goto(zoeLink);
  await zoe.page.getByRole("heading", { name: "Confirm your e-mail address" }).waitFor();
  // The token leaves the address bar (and the history) at once.
  assert.equal(new URL(zoe.page.url()).hash, "");
  await shot(zoe.page, "signup-verify");
  await zoe.page.getByRole("button", { name: "Create my account" }).click();
  await zoe.page.getByRole("heading", { name: "Your workspaces" }).waitFor();

  // Someone else asked for "zoe" before Zoe confirmed: asked for another name.
  const zed = await person(env.browser);
  await signUp(zed.page, "zoe", "zed@example.com");
  await zed.page.goto(link(await mail("zed@example.com")));
  await zed.page.getByRole("button", { name: "Create my account" }).click();
  await zed.page.getByRole("alert").getByText("Someone took that username in the meantime").waitFor();
  await until(async () => (await zed.page.evaluate(() => document.activeElement?.id)) === "username",
    5000, "the username field to take focus");
  await shot(zed.page, "signup-verify-name-taken");
  await zed.page.getByLabel("Username").fill("zed");
  await zed.page.getByRole("button", { name: "Create my account" }).click();
  await zed.page.getByRole("heading", { name: "Your workspaces" }).waitFor();

  // A used link says so, and offers the ways on.
  const late = await person(env.browser);
  await late.page.goto(zoeLink);
  await late.page.getByRole("button", { name: "Create my account" }).click();
  await late.page.getByRole("alert").getByText("This link was already used or has expired").waitFor();
  await late.page.getByRole("link", { name: "Sign up again" }).waitFor();

  // Zoe's address again, by someone else: the very same page; Zoe gets a note, no link.
  const eve = await person(env.browser);
  await signUp(eve.page, "eve", "zoe@example.com");
  const note = await mail("zoe@example.com", 2);
  assert.match(note, /Subject: You already have a Huddle account/);
  assert.ok(note.includes(`${env.origin}/signin`));
  assert.doesNotMatch(note, /\/verify#/);

  for (const p of [zoe, zed, late, eve]) assert.deepEqual(await p.csp(), []);
  assert.deepEqual(zoe.problems, []);
  assert.deepEqual(eve.problems, []);
  assert.deepEqual(unexpected(zed.problems, [{ method: "POST", path: "/api/v1/auth/signup/verify", status: 409 }]), []);
  assert.deepEqual(unexpected(late.problems, [{ method: "POST", path: "/api/v1/auth/signup/verify", status: 410 }]), []);
});

test("axe: check your inbox, confirm, a taken name, a dead link", async () => {
  const a = await person(env.browser, { bypassCSP: true });
  await signUp(a.page, "axel", "axel@example.com");
  await audit(a.page, "check your inbox");
  const axelLink = link(await mail("axel@example.com"));
  const b = await person(env.browser, { bypassCSP: true });
  await signUp(b.page, "axel", "axel2@example.com");
  await a.page.goto(axelLink);
  await a.page.getByRole("button", { name: "Create my account" }).waitFor();
  await audit(a.page, "confirm your address");
  await a.page.getByRole("button", { name: "Create my account" }).click();
  await a.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
  await b.page.goto(link(await mail("axel2@example.com")));
  await b.page.getByRole("button", { name: "Create my account" }).click();
  await b.page.getByLabel("Username").waitFor();
  await audit(b.page, "a taken name");
  await b.page.goto(axelLink);
  await b.page.getByRole("button", { name: "Create my account" }).click();
  await b.page.getByRole("alert").getByText("This link was already used").waitFor();
  await audit(b.page, "a dead link");
  for (const p of [a, b]) await p.context.close();
});
