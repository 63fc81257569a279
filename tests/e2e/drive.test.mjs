// Drive in Chromium, two people of the demo workspace: Alice makes a folder, uploads
// files into it with the button and by dropping them, with their progress in the upload
// panel; Bob, on the same folder, sees each one arrive live. A file downloads as an
// attachment (an uploaded .html and .svg come back as application/octet-stream with a
// sandboxing CSP, never rendered); a rename keeps the typed name on a clash and says why;
// the trash and restore; a whole folder by the "Upload folder" picker, its tree made and
// seen by Bob. Share links: Alice shares a folder with a password and as a file drop;
// someone signed out, in a third browser context, opens the first (a wrong password keeps
// what was typed and says why), browses and downloads; through the second, they send a
// file, which Alice sees arrive live. No CSP violation, no console error, axe clean;
// screenshots.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { audit, demoEnvironment, person, shot, signInDemo, unexpected } from "./harness.mjs";

const env = demoEnvironment();

async function openDrive(p, who) {
  await signInDemo(p.page, env.base, who);
  await p.page.getByRole("link", { name: "Demo workspace" }).click();
  await p.page.getByRole("link", { name: "Drive" }).click();
  await p.page.getByRole("heading", { name: "Drive", level: 1 }).waitFor();
}

test("two people: a folder, uploads by button and drop seen live, downloads that never render, rename, trash", async () => {
  const alice = await person(env.browser, { acceptDownloads: true });
  const bob = await person(env.browser);
  await openDrive(alice, "alice");
  await openDrive(bob, "bob");
  const a = alice.page;
  const b = bob.page;

  // A folder, opened by both.
  await a.getByRole("button", { name: "New folder" }).click();
  await a.getByLabel("Folder name").fill("Reports");
  await a.getByRole("button", { name: "Create" }).click();
  await b.getByRole("link", { name: "Reports" }).waitFor();
  await a.getByRole("link", { name: "Reports" }).click();
  await a.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
  await b.getByRole("link", { name: "Reports" }).click();
  await b.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
  await a.getByText("This folder is empty").waitFor();

  // Upload by the button (the file picker), a text and an HTML page.
  await a.locator('input[type="file"][multiple]').setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello from alice\n") },
    { name: "page.html", mimeType: "text/html", buffer: Buffer.from("<!doctype html><script>document.title='pwned'</script>") },
  ]);
  await a.getByRole("region", { name: "Uploads" }).getByText("Uploaded").first().waitFor();
  await a.getByRole("button", { name: "notes.txt", exact: true }).waitFor();
  await b.getByRole("button", { name: "notes.txt", exact: true }).waitFor({ timeout: 10000 });
  await b.getByRole("button", { name: "page.html", exact: true }).waitFor({ timeout: 10000 });

  // Upload by dropping a file (a bigger one: several pieces) onto the folder.
  const big = Buffer.alloc(9 * 1024 * 1024 + 17, 7);
  const drop = await a.evaluateHandle(({ name, size }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(size).fill(7)], name, { type: "application/octet-stream" }));
    return dt;
  }, { name: "image.svg", size: 300 });
  await a.getByRole("region", { name: "Files and folders" }).dispatchEvent("drop", { dataTransfer: drop });
  const bigDrop = await a.evaluateHandle(({ size }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(size).fill(7)], "big.bin"));
    return dt;
  }, { size: big.length });
  await a.getByRole("region", { name: "Files and folders" }).dispatchEvent("drop", { dataTransfer: bigDrop });
  await b.getByRole("button", { name: "big.bin", exact: true }).waitFor({ timeout: 30000 });
  await b.getByRole("button", { name: "image.svg", exact: true }).waitFor();
  const bigRow = a.getByRole("row").filter({ hasText: "big.bin" });
  await bigRow.getByText("9 MB").waitFor();
  await shot(a, "drive-folder");
  await audit(a, "drive folder");

  // Downloads: the text as it was; the HTML as an attachment that is never rendered.
  const urls = new Map();
  for (const [name, body] of [["notes.txt", "hello from alice\n"], ["page.html", null]]) {
    const [download] = await Promise.all([
      a.waitForEvent("download"),
      a.getByRole("button", { name, exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), name);
    urls.set(name, download.url());
    const stream = await download.createReadStream();
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    if (body) assert.equal(Buffer.concat(chunks).toString(), body);
  }
  // The headers the browser got, asked again within the link's minute (a range request
  // does not use the link up).
  const again = await fetch(new URL(urls.get("page.html"), env.base), { headers: { range: "bytes=0-" } });
  assert.equal(again.status, 206);
  assert.equal(again.headers.get("content-type"), "application/octet-stream");
  assert.equal(again.headers.get("content-security-policy"), "sandbox; default-src 'none'");
  assert.equal(again.headers.get("x-content-type-options"), "nosniff");
  assert.match(again.headers.get("content-disposition"), /^attachment; filename="page\.html"/);
  assert.notEqual(await a.title(), "pwned");

  // Rename: a clash keeps the typed name and says why; then a free name.
  const notes = a.getByRole("row").filter({ hasText: "notes.txt" });
  await notes.getByRole("button", { name: "Actions for notes.txt", exact: true }).click();
  await a.getByRole("menuitem", { name: "Rename" }).click();
  const field = a.getByLabel("New name");
  await field.fill("page.html");
  await field.press("Enter");
  await a.getByRole("alert").filter({ hasText: "already an item" }).waitFor();
  assert.equal(await field.inputValue(), "page.html");
  await field.fill("minutes.txt");
  await field.press("Enter");
  await b.getByRole("button", { name: "minutes.txt", exact: true }).waitFor();

  // Trash and restore.
  const minutes = a.getByRole("row").filter({ hasText: "minutes.txt" });
  await minutes.getByRole("button", { name: "Actions for minutes.txt", exact: true }).click();
  await a.getByRole("menuitem", { name: "Move to trash" }).click();
  await b.getByRole("button", { name: "minutes.txt", exact: true }).waitFor({ state: "detached" });
  await a.getByRole("link", { name: "Trash" }).click();
  await a.getByRole("heading", { name: "Trash", level: 1 }).waitFor();
  await shot(a, "drive-trash");
  await audit(a, "drive trash");
  await a.getByRole("button", { name: "Restore" }).click();
  await b.getByRole("button", { name: "minutes.txt", exact: true }).waitFor();

  // A whole folder by the "Upload folder" picker: its folders are made, its files go in
  // them; Bob sees the folder arrive and opens it. (A folder dropped from the desktop
  // goes through the same code once walked; a test cannot make a dropped folder.)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-drive-"));
  fs.mkdirSync(path.join(dir, "Plans", "2026"), { recursive: true });
  fs.writeFileSync(path.join(dir, "Plans", "readme.md"), "# Plans\n");
  fs.writeFileSync(path.join(dir, "Plans", "2026", "q1.txt"), "first quarter\n");
  const top = (page) => page.getByRole("navigation", { name: "Folder path" }).getByRole("link", { name: "Drive" });
  await top(a).click();
  await a.getByRole("button", { name: "Upload folder" }).waitFor();
  await top(b).click();
  await b.getByRole("link", { name: "Reports", exact: true }).waitFor();
  await a.locator('input[type="file"][webkitdirectory]').setInputFiles(path.join(dir, "Plans"));
  await b.getByRole("link", { name: "Plans", exact: true }).click();
  await b.getByRole("heading", { name: "Plans", level: 1 }).waitFor();
  await b.getByRole("button", { name: "readme.md", exact: true }).waitFor();
  await b.getByRole("link", { name: "2026", exact: true }).click();
  await b.getByRole("button", { name: "q1.txt", exact: true }).waitFor();
  await shot(b, "drive-uploaded-folder");

  assert.deepEqual(unexpected(alice.problems, [
    { method: "PATCH", path: /\/api\/v1\/drive\/items\/\d+/, status: 409 },
  ]), []);
  assert.deepEqual(unexpected(bob.problems, []), []);
  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(await bob.csp(), []);
  await alice.context.close();
  await bob.context.close();
});

test("share links: a password-protected folder opened signed out, and a file drop", async () => {
  const alice = await person(env.browser);
  await openDrive(alice, "alice");
  const a = alice.page;
  await a.getByRole("button", { name: "New folder" }).click();
  await a.getByLabel("Folder name").fill("Shared");
  await a.getByRole("button", { name: "Create" }).click();
  await a.getByRole("link", { name: "Shared", exact: true }).click();
  await a.getByRole("heading", { name: "Shared", level: 1 }).waitFor();
  await a.locator('input[type="file"][multiple]').setInputFiles([
    { name: "hello.txt", mimeType: "text/plain", buffer: Buffer.from("hello, stranger\n") },
  ]);
  await a.getByRole("button", { name: "hello.txt", exact: true }).waitFor();
  await a.getByRole("navigation", { name: "Folder path" }).getByRole("link", { name: "Drive" }).click();

  // The share dialog: a link with a password, then a file drop link.
  const row = a.getByRole("row").filter({ hasText: "Shared" });
  await row.getByRole("button", { name: "Actions for Shared", exact: true }).click();
  await a.getByRole("menuitem", { name: "Share…" }).click();
  const dialog = a.getByRole("dialog", { name: "Share “Shared”" });
  await dialog.getByLabel("Password (optional)").fill("open sesame");
  await dialog.getByRole("button", { name: "Make link" }).click();
  const viewLink = await dialog.getByLabel("New link").inputValue();
  assert.match(viewLink, /\/s#[0-9a-f]{64}$/);
  await dialog.getByText("View and download · password").waitFor();
  await shot(a, "drive-share-dialog");
  await audit(a, "drive share dialog");
  await dialog.getByLabel("Upload only (file drop)").check();
  await dialog.getByLabel("Password (optional)").fill("");
  await dialog.getByRole("button", { name: "Make link" }).click();
  // The list shows both links once the second is made.
  await dialog.getByRole("list").getByRole("listitem").nth(1).waitFor();
  const dropLink = await dialog.getByLabel("New link").inputValue();
  assert.notEqual(dropLink, viewLink);
  await dialog.getByRole("button", { name: "Close" }).click();
  await a.getByRole("link", { name: "Shared", exact: true }).click();
  await a.getByRole("heading", { name: "Shared", level: 1 }).waitFor();

  // Someone signed out opens the protected link.
  const stranger = await person(env.browser, { acceptDownloads: true });
  const s = stranger.page;
  await s.goto(viewLink);
  await s.getByRole("heading", { name: "This link is protected" }).waitFor();
  const pw = s.getByLabel("Password");
  await pw.fill("not the password");
  await s.getByRole("button", { name: "Open" }).click();
  await s.getByRole("alert").filter({ hasText: "wrong password for this link" }).waitFor();
  assert.equal(await pw.inputValue(), "not the password");
  await pw.fill("open sesame");
  await s.getByRole("button", { name: "Open" }).click();
  await s.getByRole("heading", { name: "Shared", level: 1 }).waitFor();
  await shot(s, "drive-link-folder");
  await audit(s, "share link page");
  const [download] = await Promise.all([
    s.waitForEvent("download"),
    s.getByRole("button", { name: "hello.txt", exact: true }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "hello.txt");
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  assert.equal(Buffer.concat(chunks).toString(), "hello, stranger\n");

  // The file drop: they send a file; Alice sees it arrive.
  const drop = await stranger.context.newPage();
  await drop.goto(dropLink);
  await drop.getByRole("heading", { name: "Send files to “Shared”" }).waitFor();
  await drop.locator('input[type="file"]').setInputFiles([
    { name: "from-stranger.txt", mimeType: "text/plain", buffer: Buffer.from("dropped\n") },
  ]);
  await drop.getByRole("region", { name: "Uploads" }).getByText("Uploaded").waitFor();
  await a.getByRole("button", { name: "from-stranger.txt", exact: true }).waitFor({ timeout: 10000 });
  await shot(drop, "drive-link-drop");
  await audit(drop, "file drop page");

  assert.deepEqual(unexpected(stranger.problems, [
    { method: "POST", path: "/api/v1/public/share/unlock", status: 401 },
  ]), []);
  assert.deepEqual(unexpected(alice.problems, []), []);
  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(await stranger.csp(), []);
  await alice.context.close();
  await stranger.context.close();
});
