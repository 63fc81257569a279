// Passkeys in Chromium, with the DevTools virtual authenticator (a CTAP2 platform
// authenticator that keeps discoverable credentials and verifies the user): register
// one on the account page, sign in with it alone in another browser context (the same
// credential on that context's authenticator), rename it, remove it, after which it
// signs no one in; a passkey in place of the code after the password of an account with
// two-factor sign-in. axe on the new UI; no CSP violation. Over http://localhost: WebAuthn
// needs a domain name, and localhost is a secure context.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { audit, demoEnvironment, person, shot, signInDemo, unexpected } from "./harness.mjs";

const env = demoEnvironment();
const origin = () => env.base.replace("127.0.0.1", "localhost");

/** A virtual authenticator on `p`'s page (holding `credential`, if given). */
async function authenticator(p, credential) {
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", { options: {
    protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true, automaticPresenceSimulation: true } });
  if (credential) await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });
  return { cdp, authenticatorId };
}

async function openAccount(p, who) {
  await signInDemo(p.page, origin(), who);
  await p.page.getByRole("link", { name: "Your account" }).click();
  await p.page.getByRole("heading", { name: "Passkeys" }).waitFor();
}

async function addPasskey(p, name, password = "huddle-demo-password") {
  await p.page.getByLabel("Name for a new passkey (e.g. Laptop)").fill(name);
  await p.page.getByLabel("Your password").fill(password);
  await p.page.getByRole("button", { name: "Add a passkey" }).click();
  await p.page.getByRole("status").getByText(`Passkey “${name}” added`).waitFor();
}

/** Signs in on a fresh page with the passkey button; resolves once the attempt ended. */
async function passkeySignIn(q) {
  await q.page.goto(origin() + "/signin");
  await q.page.getByRole("button", { name: "Sign in with a passkey" }).click();
}

test("register a passkey, sign in with it alone, rename it, remove it", async () => {
  const p = await person(env.browser);
  const { cdp, authenticatorId } = await authenticator(p);
  await openAccount(p, "carol");
  await addPasskey(p, "Laptop");
  const list = p.page.getByRole("list", { name: "Passkeys" });
  await list.getByText("Laptop", { exact: true }).waitFor();
  await list.getByText(/never used yet/).waitFor();
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, "a discoverable credential");
  assert.equal(credentials[0].rpId, "localhost");

  // Another browser context holding the same credential signs in with it: no username,
  // no password.
  const q = await person(env.browser);
  await authenticator(q, credentials[0]);
  await passkeySignIn(q);
  await q.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
  await q.page.getByRole("link", { name: "Your account" }).click();
  await q.page.getByText("Signed in as Carol Diaz (carol)").waitFor();

  await p.page.reload();
  await list.getByText(/last used/).waitFor();
  await p.page.getByRole("button", { name: "Rename Laptop" }).click();
  await p.page.getByLabel("New name").fill("Work laptop");
  await p.page.getByRole("button", { name: "Save" }).click();
  await p.page.getByRole("status").getByText("Renamed to “Work laptop”").waitFor();
  await list.getByText("Work laptop", { exact: true }).waitFor();
  await shot(p.page, "passkeys");

  await p.page.getByRole("button", { name: "Remove Work laptop" }).click();
  await p.page.getByRole("button", { name: "Confirm: remove Work laptop" }).click();
  await p.page.getByRole("status").getByText("Passkey “Work laptop” removed").waitFor();
  await p.page.getByText("No passkey yet.").waitFor();

  // Removed: the authenticator still holds it, but it signs no one in.
  const r = await person(env.browser);
  await authenticator(r, credentials[0]);
  await passkeySignIn(r);
  await r.page.getByRole("alert").getByText("the passkey's answer did not check out: try again").waitFor();

  for (const x of [p, q, r]) assert.deepEqual(await x.csp(), []);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(q.problems, []);
  assert.deepEqual(unexpected(r.problems, [{ method: "POST", path: "/api/v1/auth/passkeys/signin/finish", status: 401 }]), []);
  for (const x of [p, q, r]) await x.context.close();
});

test("axe on the passkey UI, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const p = await person(env.browser, { bypassCSP: true, colorScheme });
    await authenticator(p);
    await openAccount(p, colorScheme === "light" ? "alice" : "bob");
    await audit(p.page, `account, no passkey ${colorScheme}`);
    await addPasskey(p, "Phone");
    await p.page.getByRole("button", { name: "Rename Phone" }).click();
    await p.page.getByLabel("New name").waitFor();
    await audit(p.page, `account with a passkey ${colorScheme}`);
    await p.page.goto(origin() + "/signin");
    await p.page.getByRole("button", { name: "Sign in with a passkey" }).waitFor();
    await audit(p.page, `sign-in page ${colorScheme}`);
    await p.context.close();
  }
});

test("a passkey in place of the code, after the password", async () => {
  const p = await person(env.browser);
  const { cdp, authenticatorId } = await authenticator(p);
  await p.page.goto(origin() + "/signup");
  await p.page.getByLabel("Username").fill("erin");
  await p.page.getByLabel("Email").fill("erin@example.com");
  await p.page.getByLabel("Password (at least 10 characters)").fill("long enough password");
  await p.page.getByRole("button", { name: "Create account" }).click();
  await p.page.getByRole("link", { name: "Your account" }).click();
  await p.page.getByLabel("Password, to set up two-factor sign-in").fill("long enough password");
  await p.page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const key = (await p.page.getByLabel("Two-factor key").textContent()).replaceAll(" ", "");
  const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key) });
  await p.page.getByLabel("Then the 6-digit code the app shows").fill(app.generate());
  await p.page.getByRole("button", { name: "Turn on" }).click();
  await p.page.getByRole("button", { name: "I have saved them" }).click();
  await addPasskey(p, "Phone", "long enough password");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });

  const q = await person(env.browser);
  await authenticator(q, credentials[0]);
  await q.page.goto(origin() + "/signin");
  await q.page.getByLabel("Username or email").fill("erin");
  await q.page.getByLabel("Password").fill("long enough password");
  await q.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await q.page.getByLabel("Code from your authenticator app, or a recovery code").waitFor();
  await q.page.getByRole("button", { name: "Use a passkey instead" }).click();
  await q.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
  for (const x of [p, q]) {
    assert.deepEqual(await x.csp(), []);
    assert.deepEqual(x.problems, []);
    await x.context.close();
  }
});
