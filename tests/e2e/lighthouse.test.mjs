// Lighthouse (tests/lighthouse/run.mjs) on the signed-in channel view of the release
// build: accessibility and best practices score 100 with the desktop and the mobile
// presets. Performance is a benchmark (tests/bench/lighthouse.mjs, in scripts/bench.sh),
// not a test: its scores depend on the machine's load.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ARTIFACTS } from "./harness.mjs";
import { lighthouseSession, score, shortfalls } from "../lighthouse/run.mjs";

let lh;
before(async () => { lh = await lighthouseSession(); });
after(async () => { await lh?.close(); });

for (const preset of ["desktop", "mobile"]) {
  test(`${preset}: accessibility and best practices 100`, async () => {
    const lhr = await lh.audit(preset);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, `lighthouse-${preset}.json`), JSON.stringify(lhr));
    for (const id of ["accessibility", "best-practices"]) {
      assert.equal(score(lhr, id), 100, `${id}: ${shortfalls(lhr, id).join("; ")}`);
    }
  });
}
