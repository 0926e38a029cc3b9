'use strict';
// Two or more builds of the package in one process, the defaults case: blocks of
// requests with no instrumentation on, then each build's instrumentation on by
// itself, in a rotating order. Each build's overhead is the median over rounds
// of (its block's CPU / the mean of the round's "off" blocks) - 1, so that the
// drift of a shared machine, which moves whole processes, cancels inside each
// round. What two builds differ by is then read inside one process, where the
// separate-process figures (toggle.js run once per build) differ by as much
// from one process to the next.
//
//   node bench/toggle-builds.js --port P --builds build-a,dist [--size 256] [--concurrency 16]
//        [--block 500] [--rounds 60] [--warmup 2000] [--options '{"ignoreNetworkEvents":true}']
//
// Each build is loaded with enabled: false and handed axios through
// manuallyInstrument(), so that no module-load hook of one build patches the
// copy another one traces; enable() and disable() then switch it as in
// toggle.js. A build whose enable() subscribes to Node's diagnostics channels
// stays subscribed (they are never given back), so its messages are published
// in every block after its first: the other builds' blocks and the "off" ones
// pay Node's publishing too, which narrows the difference rather than widening it.
// Prints one JSON line.

const path = require('path');
const { makeClient, measure, median, parseArgs } = require('./load');
const { setUp } = require('./telemetry');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const builds = String(args.builds).split(',');
  const options = args.options ? JSON.parse(args.options) : {};
  const { axios, inActiveSpan, shutdown } = setUp('baseline');
  const instrumentations = builds.map((build) => {
    const { AxiosInstrumentation } = require(path.resolve(build));
    const instrumentation = new AxiosInstrumentation({ ...options, enabled: false });
    instrumentation.manuallyInstrument(axios);
    return instrumentation;
  });
  const run = makeClient(axios, Number(args.port), Number(args.size ?? 256));
  const concurrency = Number(args.concurrency ?? 16);
  const block = Number(args.block ?? 500);
  const rounds = Number(args.rounds ?? 60);
  const overheads = builds.map(() => []);
  const measureWith = async (index) => {
    if (index >= 0) instrumentations[index].enable();
    try {
      return (await measure(run, block, concurrency)).cpuUs;
    } finally {
      if (index >= 0) instrumentations[index].disable();
    }
  };
  await inActiveSpan(async () => {
    // Every build is warmed up, each through its own patches.
    for (let index = -1; index < builds.length; index += 1) await measureWith(index), await measureWith(index);
    for (let round = 0; round < rounds; round += 1) {
      // Each build goes first in turn, and each is next to an "off" block.
      const order = builds.map((_, i) => (i + round) % builds.length);
      const off = [];
      const on = [];
      for (const index of order) {
        off.push(await measureWith(-1));
        on[index] = await measureWith(index);
      }
      off.push(await measureWith(-1));
      const offMean = off.reduce((sum, cpu) => sum + cpu, 0) / off.length;
      on.forEach((cpu, index) => overheads[index].push(cpu / offMean - 1));
    }
  });
  await shutdown();
  const result = { builds, options, block, rounds, overhead: overheads.map(median) };
  // The difference of each build from the first, round by round: the paired figure.
  result.againstFirst = overheads.slice(1).map((list) => median(list.map((value, round) => value / overheads[0][round])));
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
