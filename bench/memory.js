'use strict';
// Heap after a forced GC at 10k and at 100k requests with captureAll on: a
// leak per request shows as growth between the two. Needs --expose-gc.

const { makeClient, parseArgs } = require('./load');
const { setUp } = require('./telemetry');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const { axios, decorate, wrapCall, inActiveSpan, flush, shutdown } = setUp('ours-capture-all');
  const run = makeClient(axios, Number(args.port), Number(args.size), wrapCall, decorate);
  const concurrency = Number(args.concurrency);
  const checkpoints = args.checkpoints.split(',').map(Number);
  const heap = {};
  let done = 0;
  await inActiveSpan(async () => {
    for (const checkpoint of checkpoints) {
      await run(checkpoint - done, concurrency);
      done = checkpoint;
      // Empty the batch processor's queue so that only what is retained counts.
      await flush();
      global.gc();
      heap[checkpoint] = process.memoryUsage().heapUsed;
    }
  });
  await shutdown();
  process.stdout.write(JSON.stringify({ heap }) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
