'use strict';
// The defaults case alone, for two builds of the package: what a change costs
// the default mode. Per Node line: toggled blocks (the instrumentation off and
// on in one process) for each build, the builds alternating, then callgrind's
// instructions per request of both builds' `ours` beside one `baseline`, all
// three counted at the same time (the full run's windows: 8,000 requests of
// warm-up, 7 windows of 200). Builds are folders made with
// `npx tsc -p tsconfig.json --outDir build-x` (or dist/ itself).
//
//   node bench/defaults-two-builds.js --builds build-main,dist [--nodes 24,20] [--toggles 2] [--no-instructions]
//
// Prints one JSON line per figure and a summary.

const { spawn } = require('child_process');
const path = require('path');

const { countInstructions } = require('./instructions');
const { parseArgs, median } = require('./load');
const { nodeFor } = require('./node-runtime');

const REPO = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const args = parseArgs(argv.filter((arg) => arg !== '--no-instructions'));
const withInstructions = !argv.includes('--no-instructions');
const builds = String(args.builds ?? 'dist').split(',');
const lines = String(args.nodes ?? '24,20').split(',').map(Number);
const toggles = Number(args.toggles ?? 2);
const SMALL = 256;
const CONCURRENCY = 16;

// The bench's own server start and core pinning (taskset, where there is a second core and taskset exists).
const { pinned, startServer } = require('./run');

function run(command, commandArgs, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${commandArgs.join(' ')} exited ${code}`))));
  });
}

const distOf = (build) => path.resolve(REPO, build);

async function main() {
  const summary = {};
  for (const line of lines) {
    const node = nodeFor(line);
    const { server, port } = await startServer();
    try {
      const common = ['--mode', 'ours', '--port', String(port), '--size', String(SMALL), '--concurrency', String(CONCURRENCY)];
      for (let round = 0; round < toggles; round += 1) {
        for (const build of round % 2 ? [...builds].reverse() : builds) {
          const [command, commandArgs] = pinned(1, node.bin, [path.join(__dirname, 'toggle.js'), ...common, '--block', '500', '--pairs', '40', '--warmup', '200']);
          const result = JSON.parse((await run(command, commandArgs, { BENCH_DIST: distOf(build) })).trim().split('\n').pop());
          (summary[`node${line} toggled ${build}`] ??= []).push(result.median);
          console.log(JSON.stringify({ node: node.version, build, method: 'toggled', median: result.median }));
        }
      }
      if (withInstructions) {
        const count = (mode, build) =>
          countInstructions({
            env: { ...process.env, ...(build ? { BENCH_DIST: distOf(build) } : {}) },
            nodeBin: node.bin, mode, size: SMALL, port, concurrency: CONCURRENCY, warmup: 8000, windows: 7, window: 200,
          });
        const [baseline, ...counted] = await Promise.all([count('baseline'), ...builds.map((build) => count('ours', build))]);
        builds.forEach((build, index) => {
          const overhead = median(counted[index].windows.map((perRequest, i) => perRequest - baseline.windows[i]));
          summary[`node${line} instructions ${build}`] = { perRequest: median(counted[index].windows), overhead };
          console.log(JSON.stringify({ node: node.version, build, method: 'instructions', perRequest: median(counted[index].windows), baseline: median(baseline.windows), overhead }));
        });
      }
    } finally {
      server.kill('SIGTERM');
    }
  }
  console.log(JSON.stringify({ summary }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
