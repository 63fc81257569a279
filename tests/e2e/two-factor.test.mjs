// Two-factor sign-in in Chromium, with a real authenticator (the `otpauth` package)
// reading the QR code the page draws (decoded from a screenshot with jsQR): setup,
// sign-in with a code (a wrong one first) and with a recovery code, turning it off.
// axe on every state of the new UI; no CSP violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { audit, demoEnvironment, person, shot, signInDemo, unexpected } from "./harness.mjs";

const env = demoEnvironment();
const PASSWORD = "huddle-demo-password";

/** What the QR code on the page holds. */
async function scan(page) {
  const png = PNG.sync.read(await page.locator("svg.qr").screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(found, "the QR code decodes");
  return found.data;
}

/** Sets up two-factor sign-in on the account page; the app and the recovery codes. */
async function setUp(p, check = async () => {}) {
  await p.page.getByRole("link", { name: "Your account" }).click();
  await p.page.getByRole("heading", { name: "Two-factor sign-in" }).waitFor();
  await check("off");
  await p.page.getByLabel("Password, to set up two-factor sign-in").fill(PASSWORD);
  await p.page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await p.page.getByRole("img", { name: "QR code of your two-factor secret" }).waitFor();
  const uri = await scan(p.page);
  const app = OTPAuth.URI.parse(uri);
  assert.ok(app instanceof OTPAuth.TOTP);
  assert.equal(app.issuer, "Huddle");
  // The key shown as text is the one in the QR code.
  const typed = (await p.page.getByLabel("Two-factor key").textContent()).replaceAll(" ", "");
  assert.equal(typed, app.secret.base32);
  await check("setup");
  await p.page.getByLabel("Then the 6-digit code the app shows").fill(app.generate());
  await p.page.getByRole("button", { name: "Turn on" }).click();
  await p.page.getByRole("status").getByText("Two-factor sign-in is on").waitFor();
  const codes = await p.page.locator(".recovery-codes li").allTextContents();
  assert.equal(codes.length, 10);
  await check("codes");
  await p.page.getByRole("button", { name: "I have saved them" }).click();
  await p.page.getByText("10 recovery codes left").waitFor();
  return { app, codes };
}

/** Signs in with the password; the code step is on screen, its field focused. */
async function passwordStep(page, who) {
  await page.goto(env.base + "/signin");
  await page.getByLabel("Username or email").fill(who);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const field = page.getByLabel("Code from your authenticator app, or a recovery code");
  await field.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "code");
  return field;
}

test("set up, sign in with a code and with a recovery code, turn off", async () => {
  const p = await person(env.browser, { deviceScaleFactor: 2 });
  await signInDemo(p.page, env.base, "carol");
  const { app, codes } = await setUp(p);
  await shot(p.page, "two-factor-on");

  // A second browser: the password, then a wrong code, then the app's next code.
  const q = await person(env.browser);
  const field = await passwordStep(q.page, "carol");
  await field.fill(app.generate({ timestamp: Date.now() + 3600_000 }));
  await q.page.getByRole("button", { name: "Verify" }).click();
  await q.page.getByRole("alert").getByText("that code is not right").waitFor();
  assert.equal(await field.inputValue(), "", "a wrong code is cleared for the next");
  await field.fill(app.generate({ timestamp: Date.now() + 30_000 }));
  await q.page.getByRole("button", { name: "Verify" }).click();
  await q.page.getByRole("heading", { name: "Your workspaces" }).waitFor();

  // A third: a recovery code; it is then used up.
  const r = await person(env.browser);
  await (await passwordStep(r.page, "carol")).fill(codes[0]);
  await r.page.getByRole("button", { name: "Verify" }).click();
  await r.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
  await p.page.reload();
  await p.page.getByText("9 recovery codes left").waitFor();

  // Off, with the password: the password alone signs in again.
  await p.page.getByLabel("Password, to turn two-factor sign-in off").fill(PASSWORD);
  await p.page.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await p.page.getByRole("status").getByText("Two-factor sign-in is off").waitFor();
  await p.page.getByRole("button", { name: "Set up two-factor sign-in" }).waitFor();
  const s = await person(env.browser);
  await signInDemo(s.page, env.base, "carol");

  for (const x of [p, q, r, s]) assert.deepEqual(await x.csp(), []);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(unexpected(q.problems, [{ method: "POST", path: "/api/v1/auth/signin/second-factor", status: 401 }]), []);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(s.problems, []);
  for (const x of [p, q, r, s]) await x.context.close();
});

test("axe on every state of two-factor sign-in, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const p = await person(env.browser, { bypassCSP: true, colorScheme, deviceScaleFactor: 2 });
    const who = colorScheme === "light" ? "bob" : "alice";
    await signInDemo(p.page, env.base, who);
    const { app } = await setUp(p, async (state) => audit(p.page, `two-factor ${state} ${colorScheme}`));
    await audit(p.page, `two-factor on ${colorScheme}`);
    const q = await person(env.browser, { bypassCSP: true, colorScheme });
    await passwordStep(q.page, who);
    await audit(q.page, `sign-in code step ${colorScheme}`);
    await shot(q.page, `signin-code-${colorScheme}`);
    await q.page.getByLabel("Code from your authenticator app, or a recovery code")
      .fill(app.generate({ timestamp: Date.now() + 30_000 }));
    await q.page.getByRole("button", { name: "Verify" }).click();
    await q.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
    await p.context.close();
    await q.context.close();
  }
});
