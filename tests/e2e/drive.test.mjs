// Drive in Chromium, two people of the demo workspace: Alice makes a folder, uploads
// files into it with the button and by dropping them, with their progress in the upload
// panel; Bob, on the same folder, sees each one arrive live. A file downloads as an
// attachment (an uploaded .html and .svg come back as application/octet-stream with a
// sandboxing CSP, never rendered); a rename keeps the typed name on a clash and says why;
// the trash and restore; a whole folder by the "Upload folder" picker, its tree made and
// seen by Bob. Share links: Alice shares a folder with a password and as a file drop;
// someone signed out, in a third browser context, opens the first (a wrong password keeps
// what was typed and says why), browses and downloads; through the second, they send a
// file, which Alice sees arrive live. Files in Messages: Alice attaches three (by the
// button, by dropping, by pasting), each uploading with its progress, and sends them;
// Bob sees the cards live, a thumbnail, the viewer; the files are in no Drive listing.
// No CSP violation, no console error, axe clean; screenshots.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { audit, openDemoChannel, person, serverEnvironment, shot, signInDemo, unexpected } from "./harness.mjs";

// A quota (1 GiB), so that the usage bar shows.
const env = serverEnvironment({ demo: true, args: ["--drive-quota", String(1024 ** 3)] });

/** A PNG of `w` × `h` pixels, a red-to-blue gradient (made here: no image library). */
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + 3 * w);
    for (let x = 0; x < w; x++) row.set([Math.round((255 * x) / w), 40, Math.round((255 * y) / h)], 1 + 3 * x);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A one-page PDF (A4) with a black rectangle over the top half of its page. */
function pdf() {
  const content = "0 0 0 rg 50 421 495 371 re f";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets = objects.map((o, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

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
    { name: "sunset.png", mimeType: "image/png", buffer: png(640, 360) },
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
  // What the workspace's files take, against its quota.
  const usageBar = a.locator("meter.drive-usage-bar");
  assert.equal(await usageBar.getAttribute("max"), String(1024 ** 3));
  assert.ok(Number(await usageBar.getAttribute("value")) > 9 * 1024 * 1024);
  await a.getByText("of 1 GB used").waitFor();
  await shot(a, "drive-folder");
  await audit(a, "drive folder");
  // As a grid: bigger thumbnails.
  await a.getByRole("button", { name: "Grid", exact: true }).click();
  await a.locator("li.drive-card").filter({ hasText: "sunset.png" }).locator(".drive-thumb img").waitFor();
  await shot(a, "drive-grid");
  await audit(a, "drive folder as a grid");
  await a.getByRole("button", { name: "List", exact: true }).click();

  // Sorting: by size, largest first on the second click (the header says so).
  const sizeHeader = a.getByRole("columnheader", { name: "Size" });
  const firstFile = () => a.locator("tbody tr.drive-row").first().locator(".drive-name").innerText();
  await sizeHeader.getByRole("button").click();
  assert.equal(await sizeHeader.getAttribute("aria-sort"), "ascending");
  assert.match(await firstFile(), /notes\.txt/);
  await sizeHeader.getByRole("button").click();
  assert.equal(await sizeHeader.getAttribute("aria-sort"), "descending");
  assert.match(await firstFile(), /big\.bin/);
  await a.getByRole("columnheader", { name: "Name" }).getByRole("button").click();
  assert.match(await firstFile(), /big\.bin/);

  // Previews: the image's thumbnail in its row (on Bob's side too), the image and the
  // text in the viewer.
  const thumb = (page) => page.getByRole("row").filter({ hasText: "sunset.png" }).locator(".drive-thumb img");
  await thumb(a).waitFor();
  await thumb(b).waitFor();
  assert.match(await thumb(b).getAttribute("src"), /^blob:/);
  const size = await thumb(a).evaluate((img) => [img.naturalWidth, img.naturalHeight]);
  assert.deepEqual(size, [256, 144]);
  await b.getByRole("button", { name: "sunset.png", exact: true }).click();
  const viewer = b.getByRole("dialog", { name: "sunset.png" });
  const full = viewer.getByRole("img", { name: "sunset.png" });
  await full.waitFor();
  await b.waitForFunction(() => document.querySelector(".drive-viewer img")?.naturalWidth === 640);
  await shot(b, "drive-viewer-image");
  await audit(b, "drive viewer");
  await viewer.getByRole("button", { name: "Close" }).click();
  await b.getByRole("button", { name: "notes.txt", exact: true }).click();
  const textViewer = b.getByRole("dialog", { name: "notes.txt" });
  await textViewer.getByText("hello from alice").waitFor();
  await textViewer.getByRole("button", { name: "Close" }).click();

  // Downloads: the text as it was (from the row's menu: its name opens the viewer); the
  // HTML, which cannot be shown, by its name, as an attachment that is never rendered.
  const urls = new Map();
  for (const [name, body] of [["notes.txt", "hello from alice\n"], ["page.html", null]]) {
    const start = async () => {
      if (name === "page.html") return a.getByRole("button", { name, exact: true }).click();
      await a.getByRole("row").filter({ hasText: name }).getByRole("button", { name: `Actions for ${name}`, exact: true }).click();
      await a.getByRole("menuitem", { name: "Download" }).click();
    };
    const [download] = await Promise.all([a.waitForEvent("download"), start()]);
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

  // Versions: a new one uploaded from the dialog, then the first made current again.
  const notesRow = a.getByRole("row").filter({ hasText: "notes.txt" });
  await notesRow.getByRole("button", { name: "Actions for notes.txt", exact: true }).click();
  await a.getByRole("menuitem", { name: "Versions…" }).click();
  const versions = a.getByRole("dialog", { name: "Versions of “notes.txt”" });
  await versions.getByText("Version 1").waitFor();
  await versions.locator('input[type="file"]').setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello again, longer\n") },
  ]);
  await versions.getByText("Version 2").waitFor();
  await versions.getByRole("button", { name: "Make current (version 1)" }).waitFor();
  await shot(a, "drive-versions");
  await audit(a, "drive versions");
  await versions.getByRole("button", { name: "Make current (version 1)" }).click();
  await versions.getByRole("button", { name: "Make current (version 2)" }).waitFor();
  await versions.getByRole("button", { name: "Close" }).click();

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
  // them; Bob sees the folder arrive and opens it.
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

  // A folder dropped from the desktop (the browser's own drag, through the DevTools
  // protocol, with real files: the dropped entries are walked), with its progress; Bob
  // sees it arrive.
  fs.mkdirSync(path.join(dir, "Drafts", "old"), { recursive: true });
  fs.writeFileSync(path.join(dir, "Drafts", "draft.txt"), "a draft\n");
  fs.writeFileSync(path.join(dir, "Drafts", "old", "big.bin"), Buffer.alloc(5 * 1024 * 1024, 9));
  await top(b).click();
  await b.getByRole("link", { name: "Plans", exact: true }).waitFor();
  const cdp = await a.context().newCDPSession(a);
  const area = await a.getByRole("region", { name: "Files and folders" }).boundingBox();
  const at = { x: area.x + area.width / 2, y: area.y + area.height / 2 };
  const dragged = { items: [], files: [path.join(dir, "Drafts")], dragOperationsMask: 1 };
  for (const type of ["dragEnter", "dragOver", "drop"]) {
    await cdp.send("Input.dispatchDragEvent", { type, ...at, data: dragged });
  }
  await a.getByRole("region", { name: "Uploads" }).getByRole("progressbar", { name: "Drafts/old/big.bin" }).waitFor();
  await b.getByRole("link", { name: "Drafts", exact: true }).click();
  await b.getByRole("button", { name: "draft.txt", exact: true }).waitFor();
  await b.getByRole("link", { name: "old", exact: true }).click();
  await b.getByRole("button", { name: "big.bin", exact: true }).waitFor({ timeout: 20000 });
  await cdp.detach();
  await top(a).click();
  await top(b).click();

  // Moving with the folder picker: Plans into Reports.
  await a.getByRole("row").filter({ hasText: "Plans" }).getByRole("button", { name: "Actions for Plans", exact: true }).click();
  await a.getByRole("menuitem", { name: "Move to…" }).click();
  const mover = a.getByRole("dialog", { name: "Move “Plans”" });
  assert.equal(await mover.getByRole("button", { name: "Move here" }).isDisabled(), true);
  await mover.getByRole("button", { name: "Reports", exact: true }).click();
  await mover.getByRole("heading", { name: "Reports" }).waitFor();
  await audit(a, "drive move dialog");
  await mover.getByRole("button", { name: "Move here" }).click();
  await mover.waitFor({ state: "detached" });
  await a.getByRole("link", { name: "Plans", exact: true }).waitFor({ state: "detached" });
  await a.getByRole("link", { name: "Reports", exact: true }).click();
  await a.getByRole("link", { name: "Plans", exact: true }).waitFor();

  // Copying it where it is: "Plans (2)", with what Plans holds.
  await a.getByRole("row").filter({ hasText: "Plans" }).getByRole("button", { name: "Actions for Plans", exact: true }).click();
  await a.getByRole("menuitem", { name: "Copy to…" }).click();
  const copier = a.getByRole("dialog", { name: "Copy “Plans”" });
  await copier.getByRole("heading", { name: "Reports" }).waitFor();
  await copier.getByRole("button", { name: "Copy here" }).click();
  await copier.waitFor({ state: "detached" });
  await a.getByRole("link", { name: "Plans (2)", exact: true }).click();
  await a.getByRole("heading", { name: "Plans (2)", level: 1 }).waitFor();
  await a.getByRole("button", { name: "readme.md", exact: true }).waitFor();
  await a.getByRole("link", { name: "2026", exact: true }).waitFor();

  // Selecting: a click, then Shift+↓ from the keyboard; the toolbar says how many.
  await top(a).click();
  await a.getByRole("link", { name: "Reports", exact: true }).click();
  await a.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
  await a.getByRole("checkbox", { name: "Select Plans", exact: true }).click();
  await a.keyboard.press("Shift+ArrowDown");
  const bar = a.getByRole("group", { name: "Selected items" });
  await bar.getByText("2 selected").waitFor();
  assert.equal(await a.getByRole("checkbox", { name: "Select Plans (2)" }).isChecked(), true);
  assert.equal(await a.getByRole("checkbox", { name: "Select all" }).isChecked(), false);
  await audit(a, "drive selection");
  await shot(a, "drive-selection");
  // Escape closes the bulk Move dialog and leaves the selection as it was.
  await bar.getByRole("button", { name: "Move to…" }).click();
  const bulkMove = a.getByRole("dialog", { name: "Move 2 items" });
  await bulkMove.getByRole("heading", { name: "Reports" }).waitFor();
  await a.keyboard.press("Escape");
  await bulkMove.waitFor({ state: "detached" });
  await bar.getByText("2 selected").waitFor();
  // Both as one zip, named after the folder.
  const [zip] = await Promise.all([a.waitForEvent("download"), bar.getByRole("button", { name: "Download" }).click()]);
  assert.equal(zip.suggestedFilename(), "Reports.zip");
  // Delete puts them in the trash; Undo takes them out.
  await a.keyboard.press("Delete");
  await a.getByRole("link", { name: "Plans (2)", exact: true }).waitFor({ state: "detached" });
  await a.getByRole("link", { name: "Plans", exact: true }).waitFor({ state: "detached" });
  await bar.waitFor({ state: "detached" });
  await a.getByText("2 moved to the trash").waitFor();
  await a.getByRole("button", { name: "Undo" }).click();
  await a.getByRole("link", { name: "Plans (2)", exact: true }).waitFor();
  await a.getByRole("link", { name: "Plans", exact: true }).waitFor();
  // Ctrl+A selects everything; Escape clears.
  await a.getByRole("checkbox", { name: "Select Plans", exact: true }).focus();
  await a.keyboard.press("Control+a");
  const rows = await a.locator("tbody tr.drive-row").count();
  assert.ok(rows > 2);
  await bar.getByText(`${rows} selected`).waitFor();
  assert.equal(await a.getByRole("checkbox", { name: "Select all" }).isChecked(), true);
  await a.keyboard.press("Escape");
  await bar.waitFor({ state: "detached" });
  // The help lists Drive's keys (`?` works from a checkbox, which takes no text).
  await a.keyboard.press("?");
  const help = a.getByRole("dialog", { name: "Keyboard shortcuts" });
  await help.getByText("Drive: select every item of the folder").waitFor();
  await help.getByRole("button", { name: "Close" }).click();

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

  // Alice finds the file by name from the top of her drive: it opens its folder.
  await a.getByRole("navigation", { name: "Folder path" }).getByRole("link", { name: "Drive" }).click();
  const driveSearch = a.getByRole("searchbox", { name: "Search Drive by name" });
  await driveSearch.fill("HELL");
  await driveSearch.press("Enter");
  const results = a.getByRole("region", { name: "Found for “HELL”" });
  await results.getByText("in Shared").waitFor();
  await results.getByRole("link", { name: "hello.txt" }).click();
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

  // The whole folder as a zip.
  const [zip] = await Promise.all([
    s.waitForEvent("download"),
    s.getByRole("button", { name: "Download as zip" }).click(),
  ]);
  assert.equal(zip.suggestedFilename(), "Shared.zip");
  const zipped = [];
  for await (const c of await zip.createReadStream()) zipped.push(c);
  const bytes = Buffer.concat(zipped);
  assert.equal(bytes.subarray(0, 2).toString(), "PK");
  assert.ok(bytes.includes(Buffer.from("Shared/hello.txt")));

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

test("a folder of 1,500 items: only what is on screen is drawn, and all of it is reachable", async () => {
  const alice = await person(env.browser);
  await openDrive(alice, "alice");
  const a = alice.page;
  const api = a.context().request;
  const h = { "x-requested-with": "huddle" };
  const ws = Number(new URL(a.url()).pathname.split("/")[2]);
  const made = await api.post(`${env.base}/api/v1/workspaces/${ws}/drive/folders`, { headers: h, data: { name: "Big" } });
  const big = (await made.json()).id;
  const N = 1500;
  const name = (i) => `item ${String(i).padStart(4, "0")}`;
  for (let i = 0; i < N; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, N - i) }, (_, k) =>
      api.post(`${env.base}/api/v1/workspaces/${ws}/drive/folders`, { headers: h, data: { name: name(i + k), parent_id: big } })));
  }
  const start = Date.now();
  await a.getByRole("link", { name: "Big", exact: true }).click();
  await a.getByRole("link", { name: name(0), exact: true }).waitFor();
  console.log(`a folder of ${N} items shown in ${Date.now() - start} ms`);
  const drawn = await a.locator("tbody tr.drive-row").count();
  assert.ok(drawn < 120, `${drawn} rows drawn`);
  assert.equal(await a.getByRole("table").getAttribute("aria-rowcount"), String(N + 1));
  // The end, by scrolling: the last item is drawn, the first no longer.
  await a.locator("main.drive").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await a.getByRole("link", { name: name(N - 1), exact: true }).waitFor();
  await a.getByRole("link", { name: name(0), exact: true }).waitFor({ state: "detached" });
  assert.equal(await a.getByRole("row").filter({ hasText: name(N - 1) }).getAttribute("aria-rowindex"), String(N + 1));
  // Every item in a selection, though few are drawn.
  await a.getByRole("checkbox", { name: `Select ${name(N - 1)}` }).focus();
  await a.keyboard.press("Control+a");
  await a.getByRole("group", { name: "Selected items" }).getByText(`${N} selected`).waitFor();
  // From the keyboard, back up past the drawn rows: focus scrolls, and the rows follow.
  await a.keyboard.press("Escape");
  for (let i = 0; i < 150; i++) await a.keyboard.press("ArrowUp");
  // Every press counts, though the rows come a moment after the keys.
  const focusOn = async (label) => {
    try {
      await a.waitForFunction((l) => document.activeElement?.getAttribute("aria-label") === l, label, { timeout: 5000 });
    } catch (e) {
      const now = await a.evaluate(() => { const rows = [...document.querySelectorAll("tbody tr.drive-row")]; const m = document.querySelector("main.drive"); const sp = [...document.querySelectorAll("tr.drive-spacer td")].map(t => t.style.height); return `${document.activeElement?.tagName} ${document.activeElement?.getAttribute("aria-label")} rows ${rows[0]?.getAttribute("aria-rowindex")}-${rows.at(-1)?.getAttribute("aria-rowindex")} scroll ${m.scrollTop}/${m.scrollHeight}/${m.clientHeight} tbodytop ${document.querySelector("tbody").getBoundingClientRect().top} rowh ${rows[0]?.getBoundingClientRect().height} spacers ${sp} focustop ${document.activeElement.getBoundingClientRect().top}`; });
      throw new Error(`focus on ${now}, not ${label}`);
    }
  };
  await focusOn(`Select ${name(N - 151)}`);
  for (let i = 0; i < 30; i++) await a.keyboard.press("Shift+ArrowUp");
  await a.getByRole("group", { name: "Selected items" }).getByText("31 selected").waitFor();
  await focusOn(`Select ${name(N - 181)}`);
  await shot(a, "drive-large-folder");
  await audit(a, "drive large folder");

  // The same folder as a grid: cards drawn only where on screen too, the whole count told;
  // ←/→ go card by card, ↑/↓ a row of cards at a time.
  await a.keyboard.press("Escape");
  await a.getByRole("button", { name: "Grid", exact: true }).click();
  await a.locator("main.drive").evaluate((el) => { el.scrollTop = 0; });
  const card = (i) => a.locator("li.drive-card").filter({ has: a.getByRole("link", { name: name(i), exact: true }) });
  await card(0).waitFor();
  const cards = await a.locator("li.drive-card").count();
  assert.ok(cards < 400, `${cards} cards drawn`);
  assert.equal(await card(0).getAttribute("aria-setsize"), String(N));
  const columns = await a.locator("ul.drive-grid").evaluate((ul) => getComputedStyle(ul).gridTemplateColumns.split(" ").length);
  assert.ok(columns > 1, `${columns} columns`);
  await a.getByRole("checkbox", { name: `Select ${name(0)}` }).focus();
  await a.keyboard.press("ArrowRight");
  await focusOn(`Select ${name(1)}`);
  for (let i = 0; i < 40; i++) await a.keyboard.press("ArrowDown");
  await focusOn(`Select ${name(1 + 40 * columns)}`);
  await a.locator("main.drive").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await card(N - 1).waitFor();
  assert.equal(await card(N - 1).getAttribute("aria-posinset"), String(N));
  await shot(a, "drive-large-grid");
  await audit(a, "drive grid");
  // The choice stays for the next visit.
  await a.reload();
  await a.locator("ul.drive-grid").waitFor();
  await a.getByRole("button", { name: "List", exact: true }).click();
  await a.locator("table.drive-table").waitFor();
  assert.deepEqual(unexpected(alice.problems, []), []);
  assert.deepEqual(await alice.csp(), []);
  await alice.context.close();
});

test("an upload interrupted by a reload goes on from where the server is once its file is picked again", async () => {
  const alice = await person(env.browser);
  await openDrive(alice, "alice");
  const a = alice.page;
  // A file on disk: picked again, it has the same date.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huddle-resume-"));
  const file = path.join(dir, "backup.bin");
  fs.writeFileSync(file, Buffer.alloc(14 * 1024 * 1024 + 3, 5));
  // Pieces go slowly, so that the reload comes in the middle of the upload.
  await a.route("**/api/v1/drive/uploads/*", async (route) => {
    if (route.request().method() === "PATCH") await new Promise((r) => setTimeout(r, 700));
    // A request of the page before the reload has no one to go on for.
    await route.continue().catch(() => {});
  });
  const firstPiece = a.waitForResponse((r) => r.request().method() === "PATCH" && r.status() === 204);
  await a.locator('input[type="file"][multiple]').setInputFiles(file);
  const panel = a.getByRole("region", { name: "Uploads" });
  // Speed and time left, once it has run a second.
  await panel.getByText(/ left$/).waitFor({ timeout: 10000 });
  await firstPiece;
  await a.reload();
  await a.getByRole("heading", { name: "Drive", level: 1 }).waitFor();
  await panel.getByText(/^Interrupted/).waitFor();
  await shot(a, "drive-upload-interrupted");
  await audit(a, "interrupted upload");
  // Another file (same name, another size) is refused, with the reason.
  const resume = panel.getByRole("button", { name: "Resume… the upload of backup.bin" });
  let [chooser] = await Promise.all([a.waitForEvent("filechooser"), resume.click()]);
  await chooser.setFiles({ name: "backup.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(10, 1) });
  await panel.getByText("That is not the same file", { exact: false }).waitFor();
  // The same file: only what the server does not have yet is sent.
  const offsets = [];
  a.on("request", (r) => {
    if (r.method() === "PATCH") offsets.push(Number(r.headers()["upload-offset"]));
  });
  [chooser] = await Promise.all([a.waitForEvent("filechooser"), resume.click()]);
  await chooser.setFiles(file);
  await panel.getByText("Uploaded").waitFor({ timeout: 30000 });
  assert.ok(offsets[0] >= 4 * 1024 * 1024, `resumed at ${offsets.join(", ")}`);
  await a.getByRole("button", { name: "backup.bin", exact: true }).waitFor();
  await panel.getByText(/^Interrupted/).waitFor({ state: "detached" });
  // What arrived is the whole file.
  const ws = Number(new URL(a.url()).pathname.split("/")[2]);
  const top = await (await a.context().request.get(`${env.base}/api/v1/workspaces/${ws}/drive`)).json();
  const backup = top.items.filter((i) => i.name.startsWith("backup"));
  assert.deepEqual(backup.map((i) => [i.name, i.size]), [["backup.bin", 14 * 1024 * 1024 + 3]]);
  fs.rmSync(dir, { recursive: true });
  // Signing out removes what the browser keeps of the person (uploads to resume).
  await a.evaluate(() => localStorage.setItem("huddle.private.probe", "1"));
  await a.getByRole("button", { name: "Sign out" }).click();
  await a.waitForURL(/\/signin$/);
  const kept = await a.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("huddle.private.")));
  assert.deepEqual(kept, []);

  assert.deepEqual(unexpected(alice.problems, []), []);
  assert.deepEqual(await alice.csp(), []);
  await alice.context.close();
});

test("files in messages: attached by button, drop and paste, seen live by the other with previews", async () => {
  const alice = await person(env.browser);
  const bob = await person(env.browser);
  await openDemoChannel(alice, env.base, "alice", "random");
  await openDemoChannel(bob, env.base, "bob", "random");
  const a = alice.page;
  const b = bob.page;
  const drafts = a.getByRole("list", { name: "Files to send" });

  // The button opens the file picker.
  const [chooser] = await Promise.all([
    a.waitForEvent("filechooser"),
    a.getByRole("button", { name: "Attach files" }).click(),
  ]);
  await chooser.setFiles([
    { name: "sunset.png", mimeType: "image/png", buffer: png(640, 360) },
    { name: "report.pdf", mimeType: "application/pdf", buffer: pdf() },
  ]);
  await drafts.getByText("sunset.png").waitFor();
  // Dropped on the composer.
  const dropped = await a.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["# Minutes\n\n- ship the **attachments**\n"], "minutes.md", { type: "text/markdown" }));
    return dt;
  });
  await a.locator("form.composer").dispatchEvent("drop", { dataTransfer: dropped });
  // Pasted into the text field (as a screenshot or a copied file would be).
  await a.getByLabel("Message", { exact: true }).evaluate((field) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(6 * 1024 * 1024).fill(3)], "data.bin"));
    field.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await drafts.getByRole("progressbar", { name: "Uploading data.bin" }).waitFor();
  await shot(a, "messages-attaching");
  await audit(a, "composer with files");
  await drafts.getByText("6 MB").waitFor({ timeout: 30000 });
  // A file taken out of the draft is deleted on the server at once.
  await a.getByLabel("Message", { exact: true }).evaluate((field) => {
    const dt = new DataTransfer();
    dt.items.add(new File(["oops"], "oops.txt"));
    field.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await drafts.getByText("4 B").waitFor();
  const deleted = a.waitForResponse((r) => r.request().method() === "DELETE" && /\/api\/v1\/drive\/items\/\d+$/.test(r.url()));
  await drafts.getByRole("button", { name: "Remove oops.txt" }).click();
  assert.equal((await deleted).status(), 204);
  await drafts.getByText("oops.txt").waitFor({ state: "detached" });
  // A file already in Drive, picked in a dialog.
  const wsOf = (page) => Number(new URL(page.url()).pathname.split("/")[2]);
  const stored = await a.context().request.post(`${env.base}/api/v1/workspaces/${wsOf(a)}/drive/uploads`, {
    headers: {
      "x-requested-with": "huddle",
      "tus-resumable": "1.0.0",
      "upload-length": "12",
      "upload-metadata": `filename ${Buffer.from("handbook.txt").toString("base64")}`,
      "content-type": "application/offset+octet-stream",
    },
    data: Buffer.from("the handbook"),
  });
  assert.equal(stored.status(), 201);
  await a.getByRole("button", { name: "Attach from Drive" }).click();
  const picker = a.getByRole("dialog", { name: "Attach from Drive" });
  await picker.getByRole("checkbox", { name: "handbook.txt" }).check();
  await audit(a, "attach from Drive");
  await picker.getByRole("button", { name: "Attach (1)" }).click();
  await drafts.getByText("handbook.txt").waitFor();
  await a.getByLabel("Message", { exact: true }).fill("Minutes and the picture");
  await a.getByLabel("Message", { exact: true }).press("Enter");
  await drafts.waitFor({ state: "detached" });

  // Bob sees the message with its three cards, live.
  const message = b.locator("li.message").filter({ hasText: "Minutes and the picture" });
  const cards = message.getByRole("list", { name: "Files" });
  await cards.getByRole("button", { name: "minutes.md", exact: true }).waitFor({ timeout: 10000 });
  await cards.getByText("data.bin").waitFor();
  await cards.getByRole("button", { name: "handbook.txt", exact: true }).waitFor();
  const thumb = cards.locator("li.attachment").filter({ hasText: "sunset.png" }).locator(".drive-thumb img");
  await thumb.waitFor();
  assert.match(await thumb.getAttribute("src"), /^blob:/);
  await cards.getByRole("button", { name: "minutes.md", exact: true }).click();
  const viewer = b.getByRole("dialog", { name: "minutes.md" });
  await viewer.getByRole("heading", { name: "Minutes" }).waitFor();
  await viewer.getByText("attachments").waitFor();
  await shot(b, "messages-attachment-viewer");
  await viewer.getByRole("button", { name: "Close" }).click();
  await cards.getByRole("button", { name: "sunset.png", exact: true }).click();
  await b.getByRole("dialog", { name: "sunset.png" }).getByRole("img", { name: "sunset.png" }).waitFor();
  await b.keyboard.press("Escape");
  // A PDF: its first page, rendered on the server, in the viewer (and as its thumbnail).
  await cards.locator("li.attachment").filter({ hasText: "report.pdf" }).locator(".drive-thumb img").waitFor();
  await cards.getByRole("button", { name: "report.pdf", exact: true }).click();
  const pdfViewer = b.getByRole("dialog", { name: "report.pdf" });
  const page = pdfViewer.getByRole("img", { name: "The first page of report.pdf" });
  await page.waitFor();
  await pdfViewer.getByText("The first page, rendered on the server").waitFor();
  assert.deepEqual(await page.evaluate((img) => [img.naturalWidth, img.naturalHeight]), [989, 1400]);
  await shot(b, "messages-pdf-page");
  await b.keyboard.press("Escape");
  await shot(b, "messages-attachments");
  await audit(b, "message with files");

  // A reply in the thread takes a file too (the thread's own attach button).
  await message.getByRole("button", { name: "Reply in thread" }).click();
  const thread = b.getByRole("complementary", { name: "Thread" });
  await thread.getByRole("list", { name: "Files" }).getByText("report.pdf").waitFor();
  const [replyChooser] = await Promise.all([
    b.waitForEvent("filechooser"),
    thread.getByRole("button", { name: "Attach files" }).click(),
  ]);
  await replyChooser.setFiles([{ name: "answer.txt", mimeType: "text/plain", buffer: Buffer.from("my answer\n") }]);
  await thread.getByRole("list", { name: "Files to send" }).getByText("10 B").waitFor();
  await thread.getByRole("button", { name: "Send reply" }).click();
  await thread.getByRole("list", { name: "Replies" }).getByRole("button", { name: "answer.txt", exact: true }).waitFor();
  await a.getByRole("button", { name: "1 reply" }).waitFor();
  await audit(b, "thread with files");

  // Files of a channel are in no listing of Drive.
  const ws = Number(new URL(b.url()).pathname.split("/")[2]);
  const top = await b.context().request.get(`${env.base}/api/v1/workspaces/${ws}/drive`);
  const names = (await top.json()).items.map((i) => i.name);
  for (const n of ["sunset.png", "report.pdf", "minutes.md", "data.bin"]) assert.ok(!names.includes(n), names.join());

  assert.deepEqual(unexpected(alice.problems, []), []);
  assert.deepEqual(unexpected(bob.problems, []), []);
  assert.deepEqual(await alice.csp(), []);
  assert.deepEqual(await bob.csp(), []);
  await alice.context.close();
  await bob.context.close();
});
