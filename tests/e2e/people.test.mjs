// People, presence, direct messages, removal and leaving, on the demo workspace (Alice
// owns it; Bob and Carol are members): who is online shows live; a direct message
// started from People arrives live with an
// unread badge; members cannot remove anyone; the owner removes Carol, who then sees a
// clear notice at once; Bob leaves; the last owner cannot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, person, shot, signInDemo, unexpected } from "./harness.mjs";

const env = demoEnvironment();

async function openPeople(p, who) {
  await signInDemo(p.page, env.base, who);
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("link", { name: "People" }).click();
  await p.page.getByRole("heading", { name: "People", exact: true }).waitFor();
  await p.page.getByRole("list", { name: "People" }).getByText("Alice Martin", { exact: true }).waitFor();
}

test("direct messages, removing a member, leaving", async () => {
  const [alice, bob, carol] = [await person(env.browser), await person(env.browser), await person(env.browser)];
  await openPeople(carol, "carol");
  const ws = new URL(carol.page.url()).pathname.match(/^\/w\/(\d+)/)[1];
  const members = carol.page.getByRole("list", { name: "People" });
  assert.equal(await members.getByRole("listitem").count(), 3);
  assert.equal(await members.getByRole("button", { name: /^Remove/ }).count(), 0, "members cannot remove");

  // Bob waits in #general; Carol messages him directly.
  await signInDemo(bob.page, env.base, "bob");
  await bob.page.getByRole("link", { name: "Demo workspace" }).click();
  await bob.page.getByRole("link", { name: "# general" }).click();
  // Presence: Bob shows as online for Carol as soon as he opens the workspace; Alice, not
  // signed in, does not.
  const row = (name) => members.getByRole("listitem").filter({ hasText: name });
  await row("Bob Chen").getByText("online", { exact: true }).waitFor({ timeout: 15000 });
  assert.equal(await row("Alice Martin").getByText("away", { exact: true }).count(), 1);
  assert.equal(await row("Carol Diaz").getByText("online", { exact: true }).count(), 1, "oneself");
  await members.getByRole("button", { name: "Message Bob Chen" }).click();
  await carol.page.getByRole("heading", { name: "Bob Chen" }).waitFor();
  const direct = new URL(carol.page.url()).pathname.match(/\/c\/(\d+)/)[1];
  const box = carol.page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill("Hi Bob, a direct message");
  await box.press("Enter");
  await carol.page.getByRole("log").getByText("Hi Bob, a direct message").waitFor();
  // Bob's list gains the conversation with an unread badge (refreshed within 15 s).
  const dm = bob.page.getByRole("list", { name: "Direct messages" }).getByRole("link", { name: /Carol Diaz/ });
  await dm.waitFor({ timeout: 20000 });
  await dm.getByLabel("1 unread").waitFor({ timeout: 20000 });
  await dm.click();
  await bob.page.getByRole("log").getByText("Hi Bob, a direct message").waitFor();
  await shot(bob.page, "direct-message");

  // Alice (owner) removes Carol, confirming first.
  await openPeople(alice, "alice");
  const remove = alice.page.getByRole("button", { name: "Remove Carol Diaz" });
  await remove.click();
  await alice.page.getByRole("button", { name: "Confirm removal Carol Diaz" }).click();
  await alice.page.getByRole("status").getByText("Carol Diaz was removed from the workspace").waitFor();
  await alice.page.waitForFunction(() => {
    const items = [...document.querySelectorAll(".member-list > li")].map((li) => li.textContent);
    return items.length === 2 && !items.some((t) => t.includes("Carol Diaz"));
  });
  await shot(alice.page, "people");
  // Carol's open page finds out at once: the server retires the rooms she was in, and
  // her client's attempt to join them again is refused. (Only that path writes the
  // channel-pane message; the channel list also refreshes every 15 s on its own.)
  await carol.page.getByRole("alert").getByText("You no longer have access to this channel.").waitFor({ timeout: 5000 });
  await carol.page.getByRole("alert").getByText("You are not a member of this workspace (any more).").waitFor({ timeout: 5000 });
  await shot(carol.page, "removed-member");
  // And on her next load.
  await carol.page.reload();
  await carol.page.getByRole("alert").getByText("You are not a member of this workspace (any more).").waitFor();

  // The last owner cannot leave; Bob can.
  await alice.page.getByRole("button", { name: "Leave workspace" }).click();
  await alice.page.getByRole("button", { name: "Confirm: leave" }).click();
  await alice.page.getByRole("alert").getByText("the last owner cannot leave the workspace").waitFor();
  await openPeople(bob, "bob");
  await bob.page.getByRole("button", { name: "Leave workspace" }).click();
  await bob.page.getByRole("button", { name: "Confirm: leave" }).click();
  await bob.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
  assert.equal(await bob.page.getByRole("link", { name: "Demo workspace" }).count(), 0);

  // The workspace switcher (a disclosure of links) names the current workspace.
  await alice.page.getByText("Demo workspace", { exact: true }).first().click();
  await alice.page.getByRole("link", { name: "Demo workspace" }).and(alice.page.locator("[aria-current=page]")).waitFor();
  await alice.page.getByRole("link", { name: "All workspaces…" }).click();
  await alice.page.getByRole("heading", { name: "Your workspaces" }).waitFor();

  // Refused requests are logged by Chromium: Alice's refused leave (409); Carol's
  // requests for the workspace after her removal and Bob's attempt to rejoin its rooms
  // after leaving, with the channel list that refusal reloads (404). Nothing else.
  const aliceId = (await alice.page.evaluate(() => fetch("/api/v1/auth/me").then((r) => r.json()))).id;
  const leave = `/api/v1/workspaces/${ws}/members/${aliceId}`;
  const refused = {
    alice: [{ method: "DELETE", path: leave, status: 409 }],
    // Bob's page learns he left when its rejoin is refused; the channel list it then
    // reloads may still go out before the page has moved on.
    bob: [
      { method: "POST", path: "/api/v1/realtime/join", status: 404 },
      { method: "GET", path: `/api/v1/workspaces/${ws}/channels`, status: 404 },
    ],
    carol: [
      { method: "GET", path: `/api/v1/workspaces/${ws}/channels`, status: 404 },
      { method: "GET", path: `/api/v1/workspaces/${ws}/members`, status: 404 },
      { method: "POST", path: "/api/v1/realtime/join", status: 404 },
      { method: "GET", path: `/api/v1/channels/${direct}/messages`, status: 404 }, // on reload
    ],
  };
  for (const [who, p] of Object.entries({ alice, bob, carol })) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(unexpected(p.problems, refused[who]), [], who);
  }
  assert.ok(alice.problems.includes(`response: DELETE ${leave} 409`));
  assert.ok(carol.problems.includes("response: POST /api/v1/realtime/join 404"), "Carol's rejoin was refused");
  for (const p of [alice, bob, carol]) await p.context.close();
});
