// Invitations and invite links, on the demo workspace (Alice owns it): an invitation
// sent to an e-mail address before its account exists is seen on the home page once
// that person signs up, declined, sent again and accepted; an invitation is withdrawn;
// an invite link is made, copied, followed signed out through sign-up and back, and
// stops at its use limit; a revoked link and a made-up one say why they lead nowhere.
// axe on the pages involved; no CSP violation anywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { audit, demoEnvironment, person, shot, signInDemo, unexpected } from "./harness.mjs";

const env = demoEnvironment();

async function openPeople(p) {
  await signInDemo(p.page, env.base, "alice");
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("link", { name: "People" }).click();
  await p.page.getByRole("heading", { name: "Invite people" }).waitFor();
}

async function signUp(page, name) {
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Email").fill(`${name}@example.com`);
  await page.getByLabel("Password (at least 10 characters)").fill("long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
}

test("an invitation waits for an account, is declined, sent again, accepted; another is withdrawn", async () => {
  const alice = await person(env.browser);
  // Dora's pages are audited with axe, which needs the CSP bypassed in her context.
  const dora = await person(env.browser, { bypassCSP: true });
  await openPeople(alice);
  const invite = alice.page.getByLabel("Invite (username or email)");
  const waiting = alice.page.getByRole("list", { name: "Waiting for an answer" });

  // Dora has no account yet: the invitation is sent all the same, to her address.
  await invite.fill("dora@example.com");
  await alice.page.getByRole("button", { name: "Send invitation" }).click();
  await alice.page.getByRole("status").getByText("Invitation sent to dora@example.com").waitFor();
  assert.equal(await invite.inputValue(), "", "the field is cleared once sent");
  await waiting.getByText("dora@example.com").waitFor();

  await dora.page.goto(env.base + "/signup");
  await signUp(dora.page, "dora");
  const invitations = dora.page.getByRole("region", { name: "Invitations" });
  await invitations.getByText("Alice Martin invited you to Demo workspace").waitFor();
  await audit(dora.page, "home with an invitation");
  await shot(dora.page, "home-invitation");
  await dora.page.getByRole("button", { name: "Decline the invitation to Demo workspace" }).click();
  await dora.page.getByRole("status").getByText("You declined the invitation to Demo workspace").waitFor();
  await invitations.waitFor({ state: "detached" });
  await alice.page.reload();
  await alice.page.getByText("No invitation is waiting.").waitFor();

  // Asked again, by username this time, she joins.
  await invite.fill("dora");
  await alice.page.getByRole("button", { name: "Send invitation" }).click();
  await waiting.getByText("dora", { exact: true }).waitFor();
  await dora.page.reload();
  await dora.page.getByRole("button", { name: "Join Demo workspace" }).click();
  // Accepting opens the workspace, at its #general.
  await dora.page.getByRole("heading", { name: "# general" }).waitFor();
  assert.match(new URL(dora.page.url()).pathname, /^\/w\/\d+\/c\/\d+$/);
  await alice.page.reload();
  await alice.page.getByRole("list", { name: "People" }).getByText("dora", { exact: true }).waitFor();
  await alice.page.getByText("No invitation is waiting.").waitFor();

  // An invitation sent by mistake is withdrawn.
  await invite.fill("someone-else");
  await alice.page.getByRole("button", { name: "Send invitation" }).click();
  await alice.page.getByRole("button", { name: "Withdraw the invitation to someone-else" }).click();
  await alice.page.getByRole("status").getByText("The invitation to someone-else was withdrawn").waitFor();
  await alice.page.getByText("No invitation is waiting.").waitFor();

  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(alice.problems, []);
  assert.deepEqual(dora.problems, []);
  await alice.context.close();
  await dora.context.close();
});

test("an invite link: made, copied, followed signed out through sign-up, used up, revoked", async () => {
  const alice = await person(env.browser, { permissions: ["clipboard-read", "clipboard-write"] });
  const erin = await person(env.browser);
  const frank = await person(env.browser);
  // Signed out, audited with axe.
  const grace = await person(env.browser, { bypassCSP: true });
  await openPeople(alice);
  const links = alice.page.getByRole("list", { name: "Invite links" });

  // One person, for a day.
  await alice.page.getByLabel("Works for").selectOption({ label: "1 day" });
  await alice.page.getByLabel("How many people (1 to 1000)").fill("1");
  await alice.page.getByRole("button", { name: "Make a link" }).click();
  const shown = alice.page.getByLabel(/^New invite link/);
  await shown.waitFor();
  const address = await shown.inputValue();
  assert.match(address, new RegExp(`^${env.base}/join#[0-9a-f]{64}$`));
  await alice.page.getByRole("button", { name: "Copy link" }).click();
  await alice.page.getByRole("status").getByText("The link was copied").waitFor();
  assert.equal(await alice.page.evaluate(() => navigator.clipboard.readText()), address);
  await links.getByText("0 of 1 used").waitFor();
  await shot(alice.page, "people-invite-link");

  // Grace, signed out, sees where it leads.
  await grace.page.goto(address);
  await grace.page.getByText("Alice Martin invited you to join Demo workspace.").waitFor();
  await grace.page.getByRole("link", { name: "Create an account" }).waitFor();
  await audit(grace.page, "join, signed out");

  // Erin follows it signed out: the token leaves the address at once; she signs up and
  // comes back to join.
  await erin.page.goto(address);
  await erin.page.getByText("Alice Martin invited you to join Demo workspace.").waitFor();
  assert.equal(new URL(erin.page.url()).hash, "", "the token is taken out of the address");
  await erin.page.getByRole("link", { name: "Create an account" }).click();
  await signUp(erin.page, "erin");
  await erin.page.getByRole("button", { name: "Join Demo workspace" }).click();
  await erin.page.getByRole("link", { name: "# general" }).waitFor();
  await shot(erin.page, "joined-by-link");

  // Used up: gone from Alice's list; Frank is told why.
  await alice.page.reload();
  await alice.page.getByText("No link is working.").waitFor();
  await frank.page.goto(address);
  await frank.page.getByRole("alert")
    .getByText("This invite link has let in as many people as it may: ask whoever sent it for a new one.").waitFor();

  // A revoked link, and one that never was.
  await alice.page.getByRole("button", { name: "Make a link" }).click();
  const revoked = await shown.inputValue();
  await links.getByRole("button", { name: /^Revoke the link/ }).click();
  await alice.page.getByRole("status").getByText("The link was revoked: it no longer lets anyone in").waitFor();
  await frank.page.goto(revoked);
  await frank.page.getByRole("alert").getByText("This invite link was revoked: ask whoever sent it for a new one.").waitFor();
  await frank.page.goto(env.base + "/join#not-a-real-link");
  await frank.page.getByRole("alert").getByText(/^This invite link is not valid/).waitFor();

  for (const p of [alice, erin, frank]) assert.deepEqual(await p.csp(), []);
  assert.deepEqual(alice.problems, []);
  assert.deepEqual(erin.problems, []);
  assert.deepEqual(unexpected(frank.problems, [
    { method: "POST", path: "/api/v1/invite-links/preview", status: 410 },
    { method: "POST", path: "/api/v1/invite-links/preview", status: 404 },
  ]), []);
  for (const p of [alice, erin, frank, grace]) await p.context.close();
});

test("the sidebar's Invite dialog invites from any channel; members are not offered it", async () => {
  const alice = await person(env.browser, { bypassCSP: true });
  await signInDemo(alice.page, env.base, "alice");
  await alice.page.getByRole("link", { name: "Demo workspace" }).click();
  await alice.page.getByRole("heading", { name: "# general" }).waitFor();
  const open = alice.page.getByRole("button", { name: "Invite people…" });
  await open.click();
  const dialog = alice.page.getByRole("dialog", { name: "Invite people" });
  const field = dialog.getByLabel("Invite (username or email)");
  await field.waitFor();
  await audit(alice.page, "invite dialog");
  await shot(alice.page, "invite-dialog");
  await field.fill("erin@example.com");
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await dialog.getByRole("status").getByText("Invitation sent to erin@example.com").waitFor();
  await dialog.getByRole("list", { name: "Waiting for an answer" }).getByText("erin@example.com").waitFor();
  // Escape closes it and the focus goes back to the button.
  await alice.page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await alice.page.evaluate(() => document.activeElement?.textContent), "Invite people…");
  // Not on the People page, which has the same forms.
  await alice.page.getByRole("link", { name: "People" }).click();
  await alice.page.getByRole("heading", { name: "Invite people" }).waitFor();
  assert.equal(await open.count(), 0);

  // Carol is a member: no button.
  const carol = await person(env.browser);
  await signInDemo(carol.page, env.base, "carol");
  await carol.page.getByRole("link", { name: "Demo workspace" }).click();
  await carol.page.getByRole("heading", { name: "# general" }).waitFor();
  await carol.page.getByRole("button", { name: "New channel…" }).waitFor();
  assert.equal(await carol.page.getByRole("button", { name: "Invite people…" }).count(), 0);

  for (const p of [alice, carol]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
  }
  await alice.context.close();
  await carol.context.close();
});
