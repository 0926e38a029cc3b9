'use strict';
// `npm run bench:breakdown`: where the instrumentation's work per request goes,
// counted, on Node 24 and then Node 20 (bench/node-runtime.js installs them).
// Counts do not move with the machine's load, so this can run beside other work;
// the CPU profile is a share of samples, which moves little. For each mode
// (bench/telemetry.js) one process per kind of count (bench/count.js):
// promises per request, allocations per request by site, a CPU profile
// collapsed by owner and by our functions, and V8's optimisation state of our
// functions with every deoptimisation of them.
//
// Writes bench/results/breakdown.json and breakdown.md (--out NAME: NAME.json, NAME.md).
// Options: --nodes 24,20  --requests N (default 2000)  --warmup N  --modes a,b,c.
// BENCH_DIST=path counts another build (then nothing is built).

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { nodeFor, LINES } = require('./node-runtime');
const { parseArgs } = require('./load');

const args = parseArgs(process.argv.slice(2));
const REQUESTS = Number(args.requests ?? 2000);
const WARMUP = Number(args.warmup ?? 2000);
const MODES = (args.modes ?? 'baseline,manual-span,span-inject,ours,ours-capture-all').split(',');
const NODES = (args.nodes ?? LINES.join(',')).split(',').map(Number);
// captureAll is counted at 1 KiB, as its target is set; the others with small bodies.
const SIZE_OF = (mode) => (mode.startsWith('ours-capture-all') ? 1024 : 256);
const DIST = path.resolve(process.env.BENCH_DIST || path.join(__dirname, '..', 'dist'));
const OUT = args.out ?? 'breakdown';

function pinned(core, command, commandArgs) {
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
    return ['taskset', ['-c', String(core), command, ...commandArgs]];
  } catch {
    return [command, commandArgs];
  }
}

function runNode(nodeBin, nodeArgs, scriptArgs) {
  const [command, commandArgs] = pinned(1, nodeBin, [...nodeArgs, path.join(__dirname, 'count.js'), ...scriptArgs]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    // 'close', not 'exit': the child can exit before its last output has been read.
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`count.js ${scriptArgs.join(' ')} exited ${code}`));
      // V8's trace may print after the result line, or before it on the same line.
      const lines = output.trim().split('\n');
      const result = lines.findLast((line) => line.includes('{"node"'));
      if (result === undefined) return reject(new Error(`count.js ${scriptArgs.join(' ')} printed no result`));
      resolve({ ...JSON.parse(result.slice(result.indexOf('{"node"'))), log: lines });
    });
  });
}

function startServer(nodeBin) {
  const [command, commandArgs] = pinned(0, nodeBin, [path.join(__dirname, 'server.js')]);
  const server = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => server.stdout.once('data', (data) => resolve({ server, port: Number(String(data).trim()) })));
}

/** Names of the functions and methods in dist/, to pick ours out of V8's deoptimisation trace. */
function ourFunctionNames() {
  const names = new Set();
  for (const file of fs.readdirSync(DIST).filter((name) => name.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(DIST, file), 'utf8');
    for (const match of text.matchAll(/(?:function\s+([A-Za-z_$][\w$]*)|^\s+(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*\{)/gm)) {
      const name = match[1] ?? match[2];
      if (!['if', 'for', 'while', 'switch', 'catch', 'function', 'constructor'].includes(name)) names.add(name);
    }
  }
  return names;
}

function deoptsOfOurs(log, names) {
  const found = {};
  for (const line of log) {
    const match = /\[bailout \(kind: ([^,]+), reason: ([^)]*)\): begin\. deoptimizing [^<]*<JSFunction ([^ >]+)/.exec(line);
    if (!match || !names.has(match[3])) continue;
    const key = `${match[3]}: ${match[1]}, ${match[2]}`;
    found[key] = (found[key] ?? 0) + 1;
  }
  return found;
}

async function countLine(major) {
  const node = nodeFor(major);
  if (!node.bin) return { major, skipped: node.why };
  const { server, port } = await startServer(node.bin);
  const common = (mode) => ['--mode', mode, '--port', String(port), '--size', String(SIZE_OF(mode)), '--warmup', String(WARMUP), '--requests', String(REQUESTS)];
  const names = ourFunctionNames();
  const modes = {};
  try {
    for (const mode of MODES) {
      process.stderr.write(`node ${node.version} ${mode}\n`);
      const promises = await runNode(node.bin, [], [...common(mode), '--what', 'promises']);
      const heap = await runNode(node.bin, [], [...common(mode), '--what', 'heap']);
      modes[mode] = { size: SIZE_OF(mode), promises: promises.result, heap: heap.result };
      // The profile and V8's state are only of interest where our code runs.
      if (!mode.startsWith('ours')) continue;
      const cpu = await runNode(node.bin, [], [...common(mode), '--what', 'cpu', '--requests', String(REQUESTS * 5)]);
      const opt = await runNode(node.bin, ['--allow-natives-syntax', '--trace-deopt'], [...common(mode), '--what', 'opt']);
      Object.assign(modes[mode], { cpu: cpu.result, optimisation: opt.result, deopts: deoptsOfOurs(opt.log, names) });
    }
  } finally {
    server.kill('SIGTERM');
  }
  return { major, version: node.version, source: node.source, modes };
}

const fmt = (value, digits = 1) => (typeof value === 'number' ? value.toFixed(digits) : '–');

function markdown(lines) {
  const out = [`# Breakdown by counting`, '', `${new Date().toISOString()}; ${REQUESTS} requests counted after ${WARMUP} (CPU profile: ${REQUESTS * 5}); 16 concurrent; small JSON (captureAll: 1 KiB).`, ''];
  for (const line of lines) {
    if (line.skipped) {
      out.push(`## Node ${line.major}: not run (${line.skipped})`, '');
      continue;
    }
    const modes = Object.entries(line.modes);
    out.push(`## Node ${line.version}`, '', '| mode | promises/request | other async resources/request | objects/request | KB/request | CPU samples in our code |', '|---|---|---|---|---|---|');
    for (const [mode, m] of modes) {
      const other = Object.entries(m.promises).filter(([type]) => type !== 'PROMISE').reduce((sum, [, n]) => sum + n, 0);
      out.push(
        `| ${mode} | ${fmt(m.promises.PROMISE, 2)} | ${fmt(other, 2)} | ${fmt(m.heap.objects)} | ${fmt(m.heap.bytes / 1024, 2)} | ${m.cpu ? fmt((m.cpu.share.ours ?? 0) * 100) + '%' : '–'} |`
      );
    }
    const reference = line.modes['span-inject'] ?? line.modes['manual-span'];
    for (const [mode, m] of modes.filter(([name]) => name.startsWith('ours'))) {
      if (reference) {
        const deltas = {};
        for (const [key, value] of Object.entries(m.heap.sites)) deltas[key] = { ...value, objects: value.objects - (reference.heap.sites[key]?.objects ?? 0), bytes: value.bytes - (reference.heap.sites[key]?.bytes ?? 0) };
        for (const [key, value] of Object.entries(reference.heap.sites)) if (!m.heap.sites[key]) deltas[key] = { ...value, objects: -value.objects, bytes: -value.bytes };
        const top = Object.entries(deltas).sort((a, b) => b[1].objects - a[1].objects).slice(0, 15);
        out.push('', `### ${mode}: allocations per request over span-inject, by site (top 15 by objects)`, '', '| site | owner | objects | bytes |', '|---|---|---|---|');
        for (const [key, value] of top) out.push(`| \`${key}\` | ${value.owner} | ${fmt(value.objects)} | ${fmt(value.bytes, 0)} |`);
      }
      const cpuOurs = Object.entries(m.cpu.ours).sort((a, b) => b[1] - a[1]).slice(0, 12);
      out.push('', `### ${mode}: CPU profile by owner (share of all samples) and our functions`, '');
      out.push(
        Object.entries(m.cpu.share).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([who, share]) => `${who} ${fmt(share * 100)}%`).join(', '),
        '',
        '| our function | share of all samples |',
        '|---|---|',
        ...cpuOurs.map(([fn, share]) => `| \`${fn}\` | ${fmt(share * 100, 2)}% |`)
      );
      // Only the functions the requests ran; one left at sparkplug may still run optimised inlined into its caller.
      const ran = Object.entries(m.optimisation).filter(([, state]) => state !== 'never run' && state !== 'interpreted');
      const notOptimised = ran.filter(([, state]) => state !== 'turbofan' && state !== 'maglev');
      out.push('', `### ${mode}: optimisation`, '', `Of our functions run per request, optimised after the run: ${ran.length - notOptimised.length} of ${ran.length}; not optimised on their own (they may run inlined in an optimised caller): ${notOptimised.map(([fn, s]) => `${fn} (${s})`).join(', ') || 'none'}.`, '');
      out.push(`Deoptimisations of our functions (whole run, warm-up included): ${Object.entries(m.deopts).map(([k, n]) => `${k} ×${n}`).join('; ') || 'none'}.`, '');
    }
    out.push('');
  }
  return out.join('\n');
}

async function main() {
  if (!process.env.BENCH_DIST) execFileSync('npm', ['run', 'build'], { cwd: path.join(__dirname, '..'), stdio: 'ignore' });
  const lines = [];
  for (const major of NODES) lines.push(await countLine(major));
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${OUT}.json`), `${JSON.stringify(lines, null, 2)}\n`);
  const text = markdown(lines);
  fs.writeFileSync(path.join(dir, `${OUT}.md`), text);
  process.stdout.write(text);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { markdown };
