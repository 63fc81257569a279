// A split deployment in a real browser: `huddle-server --role relay` alone (no database,
// no keys) and `huddle-server --role api` pushing to it, behind one origin as
// docs/deploy.md describes (here a few lines of Node stand in for nginx: /ws to the
// relay, everything else to the API server). Two people chat live through it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { launchChromium } from "../js/helpers.mjs";
import { person, signInDemo, startServer, tempDb } from "./harness.mjs";

const SECRET = "e2e relay secret, at least thirty-two characters";
let relay, api, proxy, base, browser;

/** A reverse proxy on 127.0.0.1: WebSocket upgrades of /ws to `ws`, the rest to `web`. */
function reverseProxy(web, ws) {
  const server = http.createServer((req, res) => {
    const up = http.request({ host: web.hostname, port: web.port, path: req.url, method: req.method,
      headers: { ...req.headers, host: req.headers.host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on("upgrade", (req, socket, head) => {
    if (!req.url.startsWith("/ws")) return socket.destroy();
    const up = net.connect(Number(ws.port), ws.hostname, () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n` +
        Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join("\r\n") + "\r\n\r\n");
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on("error", () => socket.destroy());
    socket.on("error", () => up.destroy());
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () =>
    resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

before(async () => {
  const env = { HUDDLE_RELAY_SECRET: SECRET };
  relay = startServer({ db: "/nonexistent/unused.sqlite", args: ["--role", "relay"], env });
  const relayUrl = await relay.url;
  api = startServer({ db: tempDb(), demo: true, args: ["--role", "api", "--relay-url", relayUrl], env });
  const apiUrl = await api.url;
  proxy = await reverseProxy(new URL(apiUrl), new URL(relayUrl));
  base = proxy.url;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  proxy?.server.close();
  api?.proc.kill();
  relay?.proc.kill();
});

test("separate relay process: live chat through it, no database on the relay", async () => {
  const alice = await person(browser);
  const bob = await person(browser);
  for (const [p, who] of [[alice, "alice"], [bob, "bob"]]) {
    await signInDemo(p.page, base, who);
    await p.page.getByRole("link", { name: "Demo workspace" }).click();
    await p.page.getByRole("link", { name: "# random" }).click();
    await p.page.getByRole("status").getByText("Connected").waitFor({ timeout: 15000 });
  }
  const box = alice.page.getByRole("textbox", { name: "Message", exact: true });
  await box.fill("Through the separate relay");
  await box.press("Enter");
  // Bob sees it without reloading: the API server pushed it through the relay.
  await bob.page.getByRole("log").getByText("Through the separate relay").waitFor({ timeout: 10000 });
  // The relay serves nothing but /ws.
  const r = await fetch((await relay.url).replace("ws://", "http://").replace("/ws", "/api/v1/auth/session"));
  assert.equal(r.status, 404);
  for (const p of [alice, bob]) {
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.problems, []);
    await p.context.close();
  }
});
