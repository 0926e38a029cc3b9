'use strict';
// One instrumented mode in one process: blocks of requests alternate between the
// instrumentation(s) disabled and enabled; the ratio of each adjacent pair of
// blocks cancels most of the drift between processes and over time.

const { makeClient, measure, median, parseArgs } = require('./load');
const { setUp } = require('./telemetry');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { axios, decorate, setEnabled, wrapCall, inActiveSpan, shutdown } = setUp(args.mode);
  const run = makeClient(axios, Number(args.port), Number(args.size), wrapCall, decorate);
  const concurrency = Number(args.concurrency);
  const block = Number(args.block);
  const ratios = [];
  await inActiveSpan(async () => {
    await run(Number(args.warmup), concurrency);
    for (let pair = 0; pair < Number(args.pairs); pair += 1) {
      // Alternate which half goes first so a trend within a pair does not favour one side.
      const order = pair % 2 ? [true, false] : [false, true];
      const cpu = {};
      for (const on of order) {
        setEnabled(on);
        cpu[on] = (await measure(run, block, concurrency)).cpuUs;
      }
      ratios.push(cpu[true] / cpu[false]);
    }
  });
  setEnabled(true);
  await shutdown();
  process.stdout.write(JSON.stringify({ median: median(ratios), ratios }) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
