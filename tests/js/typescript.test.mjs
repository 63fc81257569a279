// The shipped .d.ts types a real consumer: tsc --noEmit over tests/ts-consumer (ESM and
// CommonJS consumers, with @ts-expect-error lines proving the types are not `any`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./helpers.mjs";

test("tsc --noEmit accepts the TypeScript consumers", () => {
  const tsc = path.join(ROOT, "tests/node_modules/.bin/tsc");
  try {
    execFileSync(tsc, ["-p", path.join(ROOT, "tests/ts-consumer/tsconfig.json")], { encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
