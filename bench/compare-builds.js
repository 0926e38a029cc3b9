'use strict';
// Allocations and promises per request of two or more builds of the package,
// counted in one mode on one Node: the before/after figure of a design change.
//
//   node bench/compare-builds.js --mode ours --node 24 --builds build-base,build-change
//
// (a build is a tsc outDir inside the repository, e.g.
// `npx tsc -p tsconfig.json --outDir build-change`). Counting does not depend on
// the machine's load; the sampling heap profiler's estimate moves by a few
// objects per request between runs, so each build is counted --runs times.

const { spawn } = require('child_process');
const path = require('path');
const { median, parseArgs } = require('./load');
const { nodeFor } = require('./node-runtime');

const args = parseArgs(process.argv.slice(2));
const mode = args.mode ?? 'ours';
const size = Number(args.size ?? (mode.startsWith('ours-capture-all') ? 1024 : 256));
const builds = args.builds.split(',');
const runs = Number(args.runs ?? 3);
const node = nodeFor(Number(args.node ?? 24));

function run(script, env, scriptArgs) {
  return new Promise((resolve, reject) => {
    const child = spawn(node.bin, [path.join(__dirname, script), ...scriptArgs], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${script} exited ${code}`))));
  });
}

async function main() {
  const server = spawn(node.bin, [path.join(__dirname, 'server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (data) => resolve(Number(String(data).trim()))));
  try {
    for (const build of builds) {
      const env = { ...process.env, BENCH_DIST: path.resolve(build) };
      const common = ['--mode', mode, '--port', String(port), '--size', String(size), '--warmup', '2000', '--requests', String(args.requests ?? 2000)];
      const heaps = [];
      for (let i = 0; i < runs; i += 1) heaps.push(JSON.parse((await run('count.js', env, [...common, '--what', 'heap'])).trim().split('\n').pop()).result);
      const promises = JSON.parse((await run('count.js', env, [...common, '--what', 'promises'])).trim().split('\n').pop()).result;
      const ours = heaps.map((h) => h.owners.ours?.objects ?? 0);
      process.stdout.write(
        `${path.basename(build)}: Node ${node.version}, ${mode} @ ${size} B: objects/request ${median(heaps.map((h) => h.objects)).toFixed(1)} ` +
          `(runs ${heaps.map((h) => h.objects.toFixed(1)).join(' ')}), KB/request ${median(heaps.map((h) => h.bytes / 1024)).toFixed(2)}, ` +
          `allocated in our functions ${median(ours).toFixed(1)} objects (runs ${ours.map((o) => o.toFixed(1)).join(' ')}), promises ${promises.PROMISE.toFixed(2)}\n`
      );
    }
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
