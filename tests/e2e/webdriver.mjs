// The other engines, through W3C WebDriver (npm `selenium-webdriver`): Debian's Firefox
// ESR driven by geckodriver (built from crates.io by scripts/setup.sh into .tools), and
// WebKitGTK — Safari's engine — driven by Debian's WebKitWebDriver with its MiniBrowser,
// which needs an X server: an Xvfb of our own on a free display. Each person is a browser
// of their own (one session per driver process: a driver takes one session at a time),
// started in its own process group so that nothing outlives the test. Both accept the
// test's own certificates (`acceptInsecureCerts`).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Builder, Capabilities } from "selenium-webdriver";
import firefox from "selenium-webdriver/firefox.js";
import { ROOT } from "../js/helpers.mjs";
import { ARTIFACTS } from "./harness.mjs";
import { freePort } from "./tls.mjs";

const GECKODRIVER = path.join(ROOT, ".tools/geckodriver/bin/geckodriver");
const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";


/**
 * Starts a process in its own group (its output discarded: an unread pipe could fill up
 * and stall it); `stop()` kills the group (the browser included).
 */
function startGroup(cmd, args, env, stdio = ["ignore", "ignore", "ignore"]) {
  const proc = spawn(cmd, args, { env, stdio, detached: true });
  const exited = new Promise((r) => proc.on("exit", r));
  return {
    proc,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      try { process.kill(-proc.pid, "SIGKILL"); } catch { /* gone */ }
      await exited;
    },
  };
}

/** An Xvfb on the first free display; resolves to `{ display, stop }`. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const x = startGroup("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], process.env,
      ["ignore", "ignore", "ignore", "pipe"]);
    let out = "";
    x.proc.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve({ display: `:${out.trim()}`, stop: x.stop });
    });
    x.proc.on("exit", (code) => reject(new Error(`Xvfb exited (${code})`)));
  });
}

async function waitForDriver(url) {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no WebDriver at ${url}`);
}

/**
 * An engine: `firefox` or `webkit`. `person()` starts a browser of its own and returns
 * its selenium `WebDriver`; `close()` ends them all.
 */
export async function engine(name) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `huddle-${name}-`));
  const env = { ...process.env, TMPDIR: tmp, HOME: tmp };
  const stops = [];
  let xvfb;
  if (name === "webkit") {
    xvfb = await startXvfb();
    env.DISPLAY = xvfb.display;
  }
  const people = [];
  return {
    name,
    async person() {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const driverProc = name === "firefox"
        ? startGroup(GECKODRIVER, ["--host", "127.0.0.1", "--port", String(port)], env)
        : startGroup("/usr/bin/WebKitWebDriver", [`--port=${port}`], env);
      stops.push(driverProc.stop);
      await waitForDriver(url);
      let driver;
      if (name === "firefox") {
        const options = new firefox.Options().setBinary("/usr/bin/firefox-esr").addArguments("-headless")
          .setAcceptInsecureCerts(true);
        driver = await new Builder().usingServer(url).forBrowser("firefox").setFirefoxOptions(options).build();
      } else {
        const caps = new Capabilities({
          browserName: "MiniBrowser",
          acceptInsecureCerts: true,
          "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
        });
        driver = await new Builder().usingServer(url).withCapabilities(caps).build();
      }
      await driver.manage().window().setRect({ width: 1280, height: 900 });
      people.push(driver);
      return driver;
    },
    async close() {
      for (const d of people) await d.quit().catch(() => {});
      for (const stop of stops) await stop();
      await xvfb?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Records CSP violations from now on in the page (`cspViolations` reads them). */
export function watchCsp(driver) {
  return driver.executeScript(`
    if (!window.__csp) {
      window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI + (e.sample ? " " + e.sample : "")));
    }`);
}

/** The CSP violations recorded since `watchCsp`. */
export function cspViolations(driver) {
  return driver.executeScript("return window.__csp ?? []");
}

/** Waits until `ok()` (async) is true. */
export async function until(ok, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A screenshot into tests/artifacts (after two frames, so that it shows the latest). */
export async function shot(driver, name) {
  await driver.executeAsyncScript("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()))");
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, `${name}.png`), Buffer.from(await driver.takeScreenshot(), "base64"));
}
