// Mozilla's HTTP Observatory (@mdn/mdn-http-observatory 1.4.8, in tests/observatory/) on
// a host with its HTTP and HTTPS ports given: `node observatory-scan.mjs HOST HTTP HTTPS`
// prints {grade, score, tests: {name: {pass, result, scoreModifier}}}. The package's
// own `scan()` takes no ports, so this runs its retriever with them and grades the
// result as its scanner does (src/scanner/index.js). Run with NODE_EXTRA_CA_CERTS naming
// the CA of the host's certificate: an untrusted one fails the redirection test.
import path from "node:path";
import { pathToFileURL } from "node:url";

const SRC = path.join(import.meta.dirname, "../observatory/node_modules/@mdn/mdn-http-observatory/src");
const load = (p) => import(pathToFileURL(path.join(SRC, p)).href);
const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");

const [host, httpPort, httpsPort] = process.argv.slice(2);
const r = await retrieve(host, { httpPort: Number(httpPort), httpsPort: Number(httpsPort) });
if (!r.responses.auto) throw new Error("the site cannot be reached");

let withExtraCredit = 100;
let uncurved = 100;
const tests = {};
for (const test of ALL_TESTS) {
  const out = test(r);
  const scoreModifier = out.result ? getScoreModifier(out.result) : 0;
  withExtraCredit += scoreModifier;
  if (scoreModifier < 0) uncurved += scoreModifier;
  tests[out.constructor.name] = { pass: out.pass, result: out.result, scoreModifier };
}
const { grade, score } = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved);
console.log(JSON.stringify({ grade, score, status: r.responses.auto.status, tests }));
