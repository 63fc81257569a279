// The installable app, in Chromium: the manifest and its icons; the service worker is
// registered under the strict CSP (Trusted Types allow only its address), keeps the app
// shell, and a reload with the network cut shows the app with an "offline" state, not the
// browser's error page; once the network is back the page picks up by itself. No CSP
// violation; the only console errors are the API requests the cut network refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoEnvironment, openDemoChannel, person, shot, unexpected, until } from "./harness.mjs";

const env = demoEnvironment();

test("a manifest, a service worker, and a reload offline that shows the app", async () => {
  const alice = await person(env.browser);
  const { page, context } = alice;
  await openDemoChannel(alice, env.base, "alice", "general");

  // The manifest and every icon it names.
  const manifest = await (await page.request.get(`${env.base}/manifest.webmanifest`)).json();
  assert.equal(manifest.display, "standalone");
  assert.equal(manifest.start_url, "/");
  for (const icon of manifest.icons) {
    const r = await page.request.get(env.base + icon.src);
    assert.equal(r.status(), 200, icon.src);
    assert.equal(r.headers()["content-type"], icon.type, icon.src);
  }
  assert.ok(manifest.icons.some((i) => i.purpose === "maskable" && i.sizes === "512x512"));
  assert.ok(manifest.icons.some((i) => i.sizes === "192x192"));

  // The worker: active, controlling the page, the shell kept (never the API).
  await page.evaluate(() => navigator.serviceWorker.ready);
  const kept = await page.evaluate(async () => {
    const names = await caches.keys();
    const shell = names.find((n) => n.startsWith("huddle-shell-"));
    const keys = await (await caches.open(shell)).keys();
    return keys.map((r) => new URL(r.url).pathname);
  });
  assert.ok(kept.includes("/"), kept.join());
  assert.ok(kept.some((p) => p.endsWith("_bg.wasm")), kept.join());
  assert.ok(kept.some((p) => /^\/loader-[0-9a-f]+\.js$/.test(p)), kept.join());
  assert.ok(!kept.some((p) => p.startsWith("/api/")), kept.join());
  const sw = await page.request.get(`${env.base}/sw.js`);
  assert.equal(sw.headers()["cache-control"], "no-cache");

  // Offline: the reload shows the app, saying so.
  await context.setOffline(true);
  await page.reload();
  const banner = page.getByRole("status").getByText("You are offline.", { exact: false });
  await banner.waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true);
  assert.equal(await page.title(), "Huddle");
  await shot(page, "offline");
  // Back online: the page picks up without a reload.
  await context.setOffline(false);
  await banner.waitFor({ state: "detached", timeout: 15000 });
  await page.getByRole("link", { name: "# general" }).waitFor({ timeout: 15000 });

  assert.deepEqual(await alice.csp(), []);
  const refused = { path: /\/api\/v1\/.*/, error: "net::ERR_INTERNET_DISCONNECTED" };
  assert.deepEqual(unexpected(alice.problems, [{ method: "GET", ...refused }, { method: "POST", ...refused }]), []);
  await context.close();
});
