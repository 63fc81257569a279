// The tab's relay connection follows the session: one socket per tab however often the
// workspace is opened; signing out closes it and nothing reconnects; a session that ends
// behind the page's back (signed out elsewhere) closes the socket from the relay's side,
// and the page signs itself out instead of retrying. Changing one's password on one
// device, or "Sign out everywhere else", signs the other out the same way. No console
// error, no CSP violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, nextFrames, person, shot, signInDemo, unexpected, until } from "./harness.mjs";

const env = demoEnvironment();

/** Records the page's relay sockets and its ticket requests. */
function watchSockets(page) {
  const sockets = [];
  const tickets = [];
  page.on("websocket", (ws) => {
    if (!ws.url().endsWith("/ws")) return;
    const s = { closed: false };
    ws.on("close", () => { s.closed = true; });
    sockets.push(s);
  });
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/v1/realtime/ticket") tickets.push(r);
  });
  return { sockets, tickets };
}

async function openWorkspace(page) {
  await page.getByRole("link", { name: "Demo workspace" }).click();
  await page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
}

/**
 * `who` on two devices: the phone with the workspace open (its relay socket watched),
 * the laptop on the account page.
 */
async function twoDevices(who) {
  const phone = await person(env.browser);
  const { sockets } = watchSockets(phone.page);
  await signInDemo(phone.page, env.base, who);
  await openWorkspace(phone.page);
  const laptop = await person(env.browser);
  await signInDemo(laptop.page, env.base, who);
  await laptop.page.getByRole("link", { name: "Your account" }).click();
  await laptop.page.getByRole("heading", { name: "Your account" }).waitFor();
  return { phone, laptop, sockets };
}

/** The phone's socket is closed by the relay and its page shows the sign-in form. */
async function signedOut(phone, sockets) {
  await until(() => sockets[0]?.closed, 10000, "the phone's socket to close");
  await phone.page.getByRole("heading", { name: /Sign in/ }).waitFor({ timeout: 10000 });
}

test("one socket per tab, closed on sign-out, and no reconnecting after", async () => {
  const p = await person(env.browser);
  const { page } = p;
  const { sockets, tickets } = watchSockets(page);
  await signInDemo(page, env.base, "alice");
  await openWorkspace(page);
  // Home and back, three times: the same socket.
  for (let i = 0; i < 3; i++) {
    await page.getByRole("link", { name: "Huddle", exact: true }).click();
    await page.getByRole("heading", { name: "Your workspaces" }).waitFor();
    await openWorkspace(page);
  }
  assert.equal(sockets.length, 1, "one socket for the tab");
  assert.equal(sockets[0].closed, false);
  const ticketsBefore = tickets.length;
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: /Sign in/ }).waitFor();
  await until(() => sockets[0].closed, 10000, "the socket to close");
  // Nothing tries again: the first retry would come after 1 s; allow 2.5 s.
  await page.waitForTimeout(2500);
  assert.equal(sockets.length, 1, "no new socket");
  assert.equal(tickets.length, ticketsBefore, "no ticket asked for");
  assert.deepEqual(unexpected(p.problems, []), []);
  assert.deepEqual(await p.csp(), []);
});

test("a session ended elsewhere closes the socket and signs the page out", async () => {
  const p = await person(env.browser);
  const { page } = p;
  const { sockets } = watchSockets(page);
  await signInDemo(page, env.base, "bob");
  await openWorkspace(page);
  // The session ends without this page's knowing (as from another device or an expiry):
  // the relay closes the socket, the page's ticket request is refused, and the page
  // shows the sign-in form rather than retrying.
  await page.evaluate(() => fetch("/api/v1/auth/signout", { method: "POST", headers: { "x-requested-with": "huddle", "content-type": "application/json" }, body: "{}" }));
  await until(() => sockets[0]?.closed, 10000, "the relay to close the socket");
  await page.getByRole("heading", { name: /Sign in/ }).waitFor({ timeout: 10000 });
  await nextFrames(page);
  await page.waitForTimeout(2500);
  assert.equal(sockets.length, 1, "no new socket");
  // What the page asked for between the session's end and its learning of it (a resync
  // after the socket closed, or the read mark of the channel it had just opened, which
  // can still be on its way when the session ends) is refused too.
  assert.deepEqual(unexpected(p.problems, [
    { method: "POST", path: "/api/v1/realtime/ticket", status: 401 },
    { method: "GET", path: /\/api\/v1\/(channels|workspaces)\/.*/, status: 401 },
    { method: "PUT", path: /\/api\/v1\/channels\/\d+\/read/, status: 401 },
  ]), []);
  assert.deepEqual(await p.csp(), []);
});

test("a password changed on one device signs out the other", async () => {
  const { phone, laptop, sockets } = await twoDevices("carol");
  const { page } = laptop;
  // A wrong current password: a readable error, and what was typed stays.
  await page.getByLabel("Current password").fill("not the password");
  await page.getByLabel(/New password/).fill("carol's new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("alert").getByText(/current password is not right/).waitFor();
  assert.equal(await page.getByLabel(/New password/).inputValue(), "carol's new password");
  await page.getByLabel("Current password").fill("huddle-demo-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("status").getByText("Password changed. Your other sessions were signed out.").waitFor();
  await shot(page, "account-password-changed");
  await signedOut(phone, sockets);
  // The laptop is still signed in; the new password signs in.
  await page.getByRole("link", { name: "← Your workspaces" }).click();
  await page.getByRole("link", { name: "Demo workspace" }).waitFor();
  const other = await person(env.browser);
  await other.page.goto(env.base + "/signin");
  await other.page.getByLabel("Username or email").fill("carol");
  await other.page.getByLabel("Password").fill("carol's new password");
  await other.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await other.page.getByRole("heading", { name: "Your workspaces" }).waitFor();
  assert.deepEqual(unexpected(laptop.problems, [{ method: "POST", path: "/api/v1/auth/password", status: 403 }]), []);
  assert.deepEqual(unexpected(phone.problems, [{ method: "POST", path: "/api/v1/realtime/ticket", status: 401 }]), []);
  assert.deepEqual(await laptop.csp(), []);
});

test("signing out everywhere else closes the other devices' pages", async () => {
  const { phone, laptop, sockets } = await twoDevices("alice");
  const { page } = laptop;
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await page.getByRole("status").getByText("Every other session was signed out.").waitFor();
  await signedOut(phone, sockets);
  // This one stays signed in.
  await page.getByRole("link", { name: "← Your workspaces" }).click();
  await page.getByRole("link", { name: "Demo workspace" }).waitFor();
  assert.deepEqual(unexpected(laptop.problems, []), []);
  assert.deepEqual(unexpected(phone.problems, [{ method: "POST", path: "/api/v1/realtime/ticket", status: 401 }]), []);
  assert.deepEqual(await laptop.csp(), []);
});

test("the sessions list: the laptop signs the phone out by name", async () => {
  const android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
  const phone = await person(env.browser, { userAgent: android });
  const { sockets } = watchSockets(phone.page);
  await signInDemo(phone.page, env.base, "bob");
  await openWorkspace(phone.page);
  const laptop = await person(env.browser);
  await signInDemo(laptop.page, env.base, "bob");
  await laptop.page.getByRole("link", { name: "Your account" }).click();
  const list = laptop.page.getByRole("list", { name: "Where you are signed in" });
  await list.getByText("Chrome 131 on Android").waitFor();
  await list.getByText("this browser").waitFor();
  await shot(laptop.page, "account-sessions");
  await laptop.page.getByRole("button", { name: /^Sign out Chrome 131 on Android, last seen / }).click();
  await laptop.page.getByRole("status").getByText("Chrome 131 on Android was signed out.").waitFor();
  await signedOut(phone, sockets);
  await list.getByText("Chrome 131 on Android").waitFor({ state: "detached" });
  assert.deepEqual(unexpected(laptop.problems, []), []);
  assert.deepEqual(unexpected(phone.problems, [{ method: "POST", path: "/api/v1/realtime/ticket", status: 401 }]), []);
  assert.deepEqual(await laptop.csp(), []);
  assert.deepEqual(await phone.csp(), []);
  await phone.context.close();
  await laptop.context.close();
});
