// Channel management in the browser, two people live: a topic and archiving reach the
// other person at once (an archived channel has no composer and moves to "Archived"),
// a member who did not create a channel is not offered to rename or archive it, and
// taking someone out of a private channel cuts them off at once (their open page says
// so; the room was re-keyed). Then roles on the People page: the owner makes Bob an
// admin, and Bob can then invite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, openDemoChannel, person, unexpected, until } from "./harness.mjs";

const env = demoEnvironment();

/** Opens the channel settings disclosure of the page's channel. */
async function settings(page) {
  const summary = page.locator(".channel-settings summary");
  if (!(await page.locator(".channel-settings").evaluate((d) => d.open))) await summary.click();
}

test("topic and archiving reach the other person live; members cannot rename or archive", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  await openDemoChannel(alice, env.base, "alice", "random");
  await openDemoChannel(bob, env.base, "bob", "random");

  // Bob, a member who did not create #random, may set its topic but not rename or archive.
  await settings(bob.page);
  await bob.page.getByLabel("Topic (empty clears it)").waitFor();
  assert.equal(await bob.page.getByLabel("New name").count(), 0);
  assert.equal(await bob.page.getByRole("button", { name: "Archive channel" }).count(), 0);

  await settings(alice.page);
  await alice.page.getByLabel("Topic (empty clears it)").fill("Lunch plans and the like");
  await alice.page.getByRole("button", { name: "Set topic" }).click();
  await bob.page.locator(".channel-topic").getByText("Lunch plans and the like").waitFor({ timeout: 10000 });

  // A name taken by another channel: the reason, and what was typed stays.
  const name = alice.page.getByLabel("New name");
  await name.fill("General");
  await alice.page.getByRole("button", { name: "Rename" }).click();
  await alice.page.getByRole("alert").getByText("a channel with that name exists").waitFor();
  assert.equal(await name.inputValue(), "General");
  await name.fill("lunch");
  await alice.page.getByRole("button", { name: "Rename" }).click();
  await bob.page.getByRole("heading", { name: "# lunch" }).waitFor({ timeout: 10000 });
  await bob.page.getByRole("link", { name: "# lunch" }).waitFor();

  // Archived: read-only for everyone, listed apart; unarchived: writable again.
  await alice.page.getByRole("button", { name: "Archive channel" }).click();
  await bob.page.getByText("This channel is archived").waitFor({ timeout: 10000 });
  await bob.page.getByRole("textbox", { name: "Message", exact: true }).waitFor({ state: "detached" });
  await bob.page.getByRole("heading", { name: "Archived" }).waitFor();
  assert.ok(await bob.page.getByRole("log").getByText("Anyone up for lunch?").isVisible(), "still readable");
  await alice.page.getByRole("button", { name: "Unarchive channel" }).click();
  const box = bob.page.getByRole("textbox", { name: "Message", exact: true });
  await box.waitFor({ timeout: 10000 });
  await box.fill("Back in business");
  await box.press("Enter");
  await alice.page.getByRole("log").getByText("Back in business").waitFor({ timeout: 10000 });

  for (const p of [alice, bob]) assert.deepEqual(await p.csp(), []);
  assert.deepEqual(unexpected(alice.problems, [{ method: "PATCH", path: /\/api\/v1\/channels\/\d+/, status: 409 }]), []);
  assert.deepEqual(bob.problems, []);
  await alice.context.close();
  await bob.context.close();
});

test("taking someone out of a private channel cuts them off at once", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  const design = await openDemoChannel(alice, env.base, "alice", "design");
  await openDemoChannel(bob, env.base, "bob", "design");
  // The member count in the header opens the members.
  await alice.page.getByRole("button", { name: /^\d+ members$/ }).click();
  const members = alice.page.getByRole("dialog", { name: "Members" });
  await members.getByRole("button", { name: "Remove Bob Chen" }).click();
  await bob.page.getByRole("alert").getByText("You no longer have access to this channel.").waitFor({ timeout: 10000 });
  await bob.page.getByRole("link", { name: "# design" }).waitFor({ state: "detached", timeout: 20000 });
  // Alice adds Bob back from the same panel.
  await members.getByLabel("Add someone").selectOption({ label: "Bob Chen" });
  await members.getByRole("button", { name: "Add", exact: true }).click();
  await members.getByRole("button", { name: "Remove Bob Chen" }).waitFor();

  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(alice.problems, []);
  assert.deepEqual(await bob.csp(), []);
  // Bob's page asked for the channel after losing it: those answers are "not found".
  const gone = new RegExp(`/api/v1/(channels/${design}/.*|messages/\\d+.*|realtime/join)`);
  assert.deepEqual(unexpected(bob.problems, [
    { method: "GET", path: gone, status: 404 },
    { method: "POST", path: gone, status: 404 },
    { method: "PUT", path: gone, status: 404 },
  ]), []);
  await alice.context.close();
  await bob.context.close();
});

test("roles on the People page: the owner makes Bob an admin, who can then invite", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  await openDemoChannel(alice, env.base, "alice", "general");
  await openDemoChannel(bob, env.base, "bob", "general");
  await bob.page.getByRole("link", { name: "People" }).click();
  await bob.page.getByText("Admins and owners of the workspace invite people.").waitFor();
  await alice.page.getByRole("link", { name: "People" }).click();
  await alice.page.getByLabel("Role of Bob Chen").selectOption("admin");
  await alice.page.getByRole("status").getByText("Bob Chen is now admin").waitFor();
  // The last owner cannot step down: the reason, and the select shows what holds.
  await alice.page.getByLabel("Role of Alice Martin").selectOption("member");
  await alice.page.getByRole("alert").getByText("a workspace keeps at least one owner").waitFor();
  const own = alice.page.getByLabel("Role of Alice Martin");
  await until(async () => (await own.inputValue()) === "owner", 5000, "Alice's role to show owner again");
  await bob.page.reload();
  await bob.page.getByLabel("Invite (username or email)").waitFor();
  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(unexpected(alice.problems, [{ method: "PATCH", path: /\/api\/v1\/workspaces\/\d+\/members\/\d+/, status: 409 }]), []);
  assert.deepEqual(bob.problems, []);
  await alice.context.close();
  await bob.context.close();
});
