'use strict';
// One mode in a fresh process under callgrind, counted in windows of requests
// after a long warm-up. The harness (bench/instructions.js) starts this with
// instrumentation off, so the warm-up runs several times faster; once the
// process says it is warm, the harness turns callgrind's instrumentation on and
// writes `go` on stdin.
//
// Each window is bracketed by two calls that reach libuv functions callgrind is
// told about: os.getPriority() (uv_os_getpriority) zeroes the counters,
// os.hostname() (uv_os_gethostname) dumps them. Every window starts and ends
// with a scavenge, so it pays for the young garbage its requests made; windows
// of no requests (the scavenge alone) are counted too, and the harness
// subtracts them. (A forced full GC would not do: V8 throws optimised code
// away in it and compiles again in the next window.)

const os = require('os');
const { makeClient, parseArgs } = require('./load');
const { setUp } = require('./telemetry');

if (typeof gc !== 'function') throw new Error('run with --expose-gc');

function waitForGo(keepBusy) {
  let go = false;
  process.stdin.once('data', () => (go = true));
  const loop = async () => {
    // Busy, not idle: callgrind_control is served only while the process runs code.
    while (!go) await keepBusy();
    process.stdin.pause();
  };
  return loop();
}

async function countWindow(run, requests, concurrency) {
  gc({ type: 'minor' });
  os.getPriority();
  if (requests > 0) await run(requests, concurrency);
  gc({ type: 'minor' });
  os.hostname();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { axios, decorate, wrapCall, inActiveSpan, shutdown } = setUp(args.mode);
  const run = makeClient(axios, Number(args.port), Number(args.size), wrapCall, decorate);
  const concurrency = Number(args.concurrency);
  const windows = Number(args.windows);
  const windowRequests = Number(args.window);
  await inActiveSpan(async () => {
    await run(Number(args.warmup), concurrency);
    process.stdout.write('warm\n');
    await waitForGo(() => run(concurrency, concurrency));
    // A GC-only window after every request window, so both see the heap as it grows.
    for (let i = 0; i < windows; i += 1) {
      await countWindow(run, windowRequests, concurrency);
      await countWindow(run, 0, concurrency);
    }
  });
  await shutdown();
  process.stdout.write('done\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
