// The gap between loading a channel's history and the relay forwarding its room: a
// message sent in between must still reach the reader without a reload. Playwright
// routes Bob's WebSocket and holds back his `subscribe` frame for #random while Alice
// posts; once the frame goes through and the relay confirms it, Bob's page refetches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, person, shot, signInDemo } from "./harness.mjs";

const env = demoEnvironment();

async function openChannel(p, who, channel) {
  await signInDemo(p.page, env.base, who);
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("link", { name: `# ${channel}` }).click();
  await p.page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
}

/** Polls `ok()` every 50 ms for up to `ms`. */
async function until(ok, ms, what) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a message sent while a channel's subscription is pending still arrives", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);

  // Bob's socket goes through a route that can hold his subscribe frames back.
  let hold = false, relay;
  const held = [];
  await bob.page.routeWebSocket(/\/ws$/, (ws) => {
    relay = ws.connectToServer();
    ws.onMessage((frame) => {
      if (hold && typeof frame === "string" && JSON.parse(frame).type === "subscribe") held.push(frame);
      else relay.send(frame);
    });
    relay.onMessage((frame) => ws.send(frame));
  });

  await openChannel(alice, "alice", "random");
  await openChannel(bob, "bob", "general");

  // Bob opens #random: its history loads, its subscription waits.
  const link = bob.page.getByRole("link", { name: "# random" });
  const id = (await link.getAttribute("href")).match(/\/c\/(\d+)/)[1];
  hold = true;
  const history = bob.page.waitForResponse((r) =>
    new URL(r.url()).pathname === `/api/v1/channels/${id}/messages` && r.request().method() === "GET");
  await link.click();
  await history;
  await until(() => held.length > 0, 10000, "Bob's subscribe frame");

  const text = "Sent while Bob's subscription was on its way";
  const box = alice.page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill(text);
  await box.press("Enter");
  await alice.page.getByRole("log").getByText(text).waitFor();
  // The server has pushed it by now; the relay had no subscription of Bob's to send it to.
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await bob.page.getByRole("log").getByText(text).count(), 0, "the frame was held");

  hold = false;
  for (const frame of held.splice(0)) relay.send(frame);
  // The relay confirms the subscription; Bob's page refetches and shows the message.
  await bob.page.getByRole("log").getByText(text).waitFor({ timeout: 5000 });
  await shot(bob.page, "subscribe-gap");

  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
    await p.context.close();
  }
});
