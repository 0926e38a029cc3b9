'use strict';
// What scrubbing costs, build against build: instructions per request counted by
// callgrind (bench/instructions.js; the count does not move with the machine's
// load) for the default options (`ours`, 256-byte answers) and for `captureAll`
// (1 KiB JSON answers), and CPU µs of captureAll's capture path alone for one
// 1 KiB JSON body, in interleaved rounds (medians).
//
//   npx tsc -p tsconfig.json --outDir build-base     # at the commit before
//   npx tsc -p tsconfig.json --outDir build-change   # at the change
//   node bench/scrub-cost.js --builds build-base,build-change [--node 24] [--windows 7] [--modes ours-capture-all]

const { spawn } = require('child_process');
const path = require('path');
const { countInstructions } = require('./instructions');
const { median, parseArgs } = require('./load');
const { nodeFor } = require('./node-runtime');

const args = parseArgs(process.argv.slice(2));
const builds = (args.builds ?? 'dist').split(',');
const node = nodeFor(Number(args.node ?? process.versions.node.split('.')[0]));
const windows = Number(args.windows ?? 7);
const CASES = [
  ['ours', 256],
  ['ours-capture-all', 1024],
].filter(([mode]) => !args.modes || args.modes.split(',').includes(mode));

function startServer() {
  const server = spawn(node.bin, [path.join(__dirname, 'server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => server.stdout.once('data', (data) => resolve({ server, port: Number(String(data).trim()) })));
}

/** CPU µs per call of captureAll's capture path for one 1 KiB JSON body (the bench server's), in this build. */
function capturePathCost(build, rounds = 9, calls = 3000) {
  const dist = path.resolve(build);
  const { bodyAttributes } = require(path.join(dist, 'body'));
  const { resolveConfig } = require(path.join(dist, 'config'));
  const scrub = resolveConfig({ captureAll: true }).capture.scrubBody;
  const item = { id: 12345, name: 'benchmark item', tags: ['a', 'b', 'c'], active: true };
  const items = [];
  while (JSON.stringify({ items }).length < 1024) items.push(item);
  const body = JSON.stringify({ items });
  const names = { content: 'http.response.body.content', size: 'http.response.body.size', truncated: 'truncated' };
  const samples = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = process.cpuUsage();
    for (let i = 0; i < calls; i += 1) bodyAttributes(body, 'application/json', String(body.length), 16384, names, false, scrub, []);
    const used = process.cpuUsage(started);
    if (round > 0) samples.push((used.user + used.system) / calls);
  }
  return median(samples);
}

async function main() {
  const { server, port } = await startServer();
  const rows = [];
  try {
    for (const [mode, size] of CASES) {
      for (const build of builds) {
        const env = { ...process.env, BENCH_DIST: path.resolve(build) };
        const counted = await countInstructions({ env, nodeBin: node.bin, mode, size, port, concurrency: 16, warmup: 8000, windows, window: 200 });
        rows.push({ mode, size, build, perRequest: Math.round(counted.perRequest), gc: Math.round(counted.gc), windows: counted.windows });
        process.stderr.write(`${mode} ${build}: ${Math.round(counted.perRequest)} instructions per request\n`);
      }
    }
  } finally {
    server.kill('SIGTERM');
  }
  const capture = builds.map((build) => ({ build, microseconds: capturePathCost(build) }));
  console.log(JSON.stringify({ node: node.version, rows, capture }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
