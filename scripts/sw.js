// Huddle's service worker (written into the build by scripts/csp-post-build.mjs, which
// fills in the version and the list of files). It keeps the app shell — the page, its
// scripts, wasm, style sheet, manifest and icons — so that the app opens without a
// network: navigations go to the network first and fall back to the kept page; the
// build's files come from the cache first (their names change with their contents).
// Nothing of the API (`/api/`) is ever kept: messages and everything else a person sees
// stay between the server and the page.
const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const ROOT = "__ROOT__";
const CACHE = `huddle-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("huddle-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith(`${ROOT}api/`)) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(ROOT, { cacheName: CACHE })));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((kept) => kept ?? fetch(request)));
});
