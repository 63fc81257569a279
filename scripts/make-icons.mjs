// Renders the app's PNG icons (public/icon-192.png, icon-512.png, icon-maskable-512.png)
// from public/icon.svg and public/icon-maskable.svg with the local Chromium. Run it after
// changing an SVG: `node scripts/make-icons.mjs` (the PNGs are committed).
import fs from "node:fs";
import path from "node:path";
import { chromium } from "../tests/node_modules/playwright-core/index.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
const page = await browser.newPage();
for (const [svg, size, out] of [
  ["icon.svg", 192, "icon-192.png"],
  ["icon.svg", 512, "icon-512.png"],
  ["icon-maskable.svg", 512, "icon-maskable-512.png"],
]) {
  const data = fs.readFileSync(path.join(root, "public", svg), "utf8");
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${data.replace("<svg ", `<svg width="${size}" height="${size}" `)}`);
  await page.screenshot({ path: path.join(root, "public", out), omitBackground: true });
  console.log(`public/${out}`);
}
await browser.close();
