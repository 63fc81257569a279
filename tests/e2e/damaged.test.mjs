// A message whose sealed text is damaged in the database (here: overwritten behind the
// running server's back with the sqlite3 shell) is shown as unreadable, alone: the rest
// of the channel reads as usual. Its author can write it again, and everyone sees the new
// text live. No console error, no CSP violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDemoChannel, person, serverEnvironment, shot, unexpected } from "./harness.mjs";

// SQLite on purpose (the damage is done with the sqlite3 shell).
const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "huddle-damaged-")), "huddle.sqlite");
const env = serverEnvironment({ db, demo: true });

test("a damaged message is marked unreadable, the rest reads, its author writes it again", async () => {
  // Bob's "Hi all." in #general: its ciphertext replaced by another value.
  const sql = "UPDATE messages SET body = 'damaged' WHERE id = (SELECT min(id) + 1 FROM messages)";
  execFileSync("sqlite3", ["-cmd", ".timeout 5000", db, sql]);

  const alice = await person(env.browser);
  await openDemoChannel(alice, env.base, "alice", "general");
  const log = alice.page.getByRole("log", { name: "Messages" });
  const damaged = log.locator("li.message").filter({ hasText: "cannot be read" });
  await damaged.getByText("This message cannot be read: its text is damaged on the server.").waitFor();
  assert.match(await damaged.locator(".author").textContent(), /Bob Chen/);
  // Not the author: nothing to write again.
  assert.equal(await damaged.getByRole("button", { name: "Write it again" }).count(), 0);
  // The rest of the channel reads as usual.
  await log.getByText("Quote of the day: ship small, ship often.").waitFor();
  await log.getByText("Three things I like:").waitFor();

  const bob = await person(env.browser);
  await openDemoChannel(bob, env.base, "bob", "general");
  const his = bob.page.getByRole("log", { name: "Messages" }).locator("li.message").filter({ hasText: "cannot be read" });
  await his.getByRole("button", { name: "Write it again" }).click();
  const box = bob.page.getByRole("textbox", { name: "Edit message" });
  await box.fill("Hi all, again: the protocol is in docs/protocol.md.");
  await shot(bob.page, "damaged-message");
  await bob.page.getByRole("button", { name: "Save" }).click();
  await bob.page.getByRole("log", { name: "Messages" }).getByText("Hi all, again: the protocol is in docs/protocol.md.").waitFor();
  // Alice sees the new text live, in place of the mark.
  await log.getByText("Hi all, again: the protocol is in docs/protocol.md.").waitFor();
  assert.equal(await log.getByText("cannot be read").count(), 0);

  for (const p of [alice, bob]) {
    assert.deepEqual(unexpected(p.problems, []), []);
    assert.deepEqual(await p.csp(), []);
  }
});
