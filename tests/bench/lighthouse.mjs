// Lighthouse performance of the signed-in channel view (tests/lighthouse/run.mjs): the
// desktop and mobile presets, five runs each, medians of the score and of the main
// metrics, printed as a Markdown table.
import { lighthouseSession, score } from "../lighthouse/run.mjs";

const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lh = await lighthouseSession();
try {
  console.log(`\n#### Lighthouse 12.2.3, signed-in channel view (median of ${RUNS})\n`);
  console.log("| preset | performance | accessibility | best practices | FCP | LCP | TBT | CLS |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const preset of ["desktop", "mobile"]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await lh.audit(preset));
    const m = (id) => median(runs.map((l) => l.audits[id].numericValue));
    const s = (id) => median(runs.map((l) => score(l, id)));
    console.log(`| ${preset} | ${s("performance")} | ${s("accessibility")} | ${s("best-practices")} | ` +
      `${(m("first-contentful-paint") / 1000).toFixed(1)} s | ${(m("largest-contentful-paint") / 1000).toFixed(1)} s | ` +
      `${Math.round(m("total-blocking-time"))} ms | ${m("cumulative-layout-shift").toFixed(3)} |`);
  }
} finally {
  await lh.close();
}
