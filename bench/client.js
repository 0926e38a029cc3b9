'use strict';
// One mode in a fresh process: warm up, then N requests; prints µs per request as JSON.

const { makeClient, measure, parseArgs } = require('./load');
const { setUp } = require('./telemetry');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { axios, decorate, wrapCall, inActiveSpan, shutdown } = setUp(args.mode);
  const run = makeClient(axios, Number(args.port), Number(args.size), wrapCall, decorate);
  const concurrency = Number(args.concurrency);
  const result = await inActiveSpan(async () => {
    await run(Number(args.warmup), concurrency);
    return measure(run, Number(args.requests), concurrency);
  });
  await shutdown();
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
