'use strict';
// `npm run bench`: per-request overhead of the instrumentation, measured two ways
// (fresh processes in interleaved rounds; toggled blocks inside one process),
// plus a heap check. Writes bench/results/results.{json,md} and overhead.svg.
//
// A third, steadier method where valgrind is installed: instructions per request
// counted by callgrind in windows of requests after a long warm-up (see
// bench/instructions.js), each mode run at the same time as a baseline of the
// same body size, the figure the median of the paired windows' ratios. Counts do
// not move with the machine's load or clock; what still moves them between runs
// (about 10%) moves both processes of a pair alike.
//
// It runs on Node 24 first, then Node 20 (bench/node-runtime.js installs each
// from the npm registry into .cache/ when the running Node is not of that line):
// first every line's timing, then every line's instruction counts.
// Each overhead target is reported per Node line and per method as met, not
// met, or undetermined (the method did not measure it, or saw no overhead to
// compare).
//
// Options: --quick (the default-mode question only: defaults, bare span and
// span + injected traceparent, toggled CPU and instructions where valgrind is
// installed, on Node 24 only unless --nodes is given), --nodes 24,20, --no-instructions,
// --requests N, --rounds N, --pairs N, --block N, --memory N.

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { measureCaptureCost } = require('./capture-cost');
const { countInstructions: countInstructionsPerRequest } = require('./instructions');
const { median, parseArgs } = require('./load');
const { LINES, nodeFor } = require('./node-runtime');

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const countInstructions = !argv.includes('--no-instructions') && commandExists('valgrind');
const args = parseArgs(argv.filter((arg) => !['--quick', '--no-instructions'].includes(arg)));
// --quick runs on Node 24 alone unless --nodes says otherwise: two lines do not fit in its time.
const NODE_LINES = (args.nodes ?? (quick ? String(LINES[0]) : LINES.join(','))).split(',').map(Number);
const settings = {
  requests: Number(args.requests ?? (quick ? 1000 : 20000)),
  warmup: Number(args.warmup ?? (quick ? 200 : 2000)),
  rounds: Number(args.rounds ?? (quick ? 2 : 5)),
  concurrency: 16,
  block: Number(args.block ?? (quick ? 500 : 1000)),
  pairs: Number(args.pairs ?? (quick ? 40 : 60)),
  memory: Number(args.memory ?? (quick ? 2000 : 100000)),
};

// Large bodies take far longer per request; fewer of them keep a round short.
const SIZES = {
  small: { bytes: 256, share: 1 },
  '1k': { bytes: 1024, share: 1 },
  '64k': { bytes: 64 * 1024, share: 1 / 10 },
  '1m': { bytes: 1024 * 1024, share: 1 / 100 },
};

const PROCESS_CASES = [
  ['plain', 'small'],
  ['baseline', 'small'],
  ['manual-span', 'small'],
  ['span-inject', 'small'],
  ['ours', 'small'],
  ['http', 'small'],
  ['ours+http', 'small'],
  ['baseline', '1k'],
  ['ours-capture-all', '1k'],
  ['ours-capture-all-unscrubbed', '1k'],
  ['baseline', '64k'],
  ['ours-capture-all', '64k'],
  ['ours-capture-all-unscrubbed', '64k'],
  ['baseline', '1m'],
  ['ours-capture-all', '1m'],
];
const TOGGLE_CASES = [
  ['manual-span', 'small'],
  ['span-inject', 'small'],
  ['ours', 'small'],
  ['http', 'small'],
  ['ours+http', 'small'],
  ['ours-capture-all', '1k'],
  ['ours-capture-all-unscrubbed', '1k'],
  ['ours-capture-all', '64k'],
  ['ours-capture-all-unscrubbed', '64k'],
  ['ours-capture-all', '1m'],
];

// Each is counted at the same time as the baseline of its body size. The
// cases the targets compare: a case costs about four minutes of callgrind on
// two cores, and the timing methods measure every mode.
const INSTRUCTION_CASES = [
  ['manual-span', 'small'],
  ['span-inject', 'small'],
  ['ours', 'small'],
  ['http', 'small'],
  ['ours-capture-all', '1k'],
];
// --quick: the default-mode question alone.
const QUICK_CASES = [
  ['manual-span', 'small'],
  ['span-inject', 'small'],
  ['ours', 'small'],
];
// Warm-up (uncounted) and windows of requests (counted), per body size: the
// optimising compiler is still at work a few thousand requests in.
const INSTRUCTION_WINDOWS = {
  small: quick ? { warmup: 2000, windows: 3, window: 100 } : { warmup: 8000, windows: 7, window: 200 },
  '1k': quick ? { warmup: 2000, windows: 3, window: 100 } : { warmup: 8000, windows: 7, window: 200 },
  '64k': quick ? { warmup: 300, windows: 3, window: 20 } : { warmup: 1500, windows: 7, window: 40 },
};

const canPin = os.cpus().length >= 2 && commandExists('taskset');
function commandExists(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
/** Server on core 0, clients on core 1, where the machine allows. */
function pinned(core, command, commandArgs) {
  return canPin ? ['taskset', ['-c', String(core), command, ...commandArgs]] : [command, commandArgs];
}

function startServer() {
  const [command, commandArgs] = pinned(0, process.execPath, [path.join(__dirname, 'server.js')]);
  const server = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    server.stdout.once('data', (data) => resolve({ server, port: Number(String(data).trim()) }));
    server.once('error', reject);
  });
}

function runNode(nodeBin, script, nodeArgs, scriptArgs) {
  const [command, commandArgs] = pinned(1, nodeBin, [...nodeArgs, path.join(__dirname, script), ...scriptArgs]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(output.trim().split('\n').pop())) : reject(new Error(`${script} exited ${code}`))
    );
  });
}

const requestsFor = (size) => Math.max(200, Math.round(settings.requests * SIZES[size].share));
const key = (mode, size) => `${mode}@${size}`;

async function main() {
  execFileSync('npm', ['run', 'build'], { cwd: path.join(__dirname, '..'), stdio: 'ignore' });
  const lines = [];
  for (const major of NODE_LINES) {
    const node = nodeFor(major);
    if (!node.bin) process.stderr.write(`node ${major}: ${node.why}; not measured\n`);
    lines.push({ major, node });
  }
  const measured = lines.filter(({ node }) => node.bin);
  // Every line's timing first, while the machine is as the bench found it; the
  // instruction counts, which do not move with the load, after them, so that a
  // long count never sits between two timings and other work may run beside it.
  const timings = new Map();
  for (const { major, node } of measured) {
    process.stderr.write(`--- Node ${node.version} (${node.source}): timing\n`);
    timings.set(major, await onServer(node.bin, (port) => timeLine(node.bin, port)));
  }
  const counts = new Map();
  for (const { major, node } of measured) {
    process.stderr.write(`--- Node ${node.version} (${node.source}): instructions\n`);
    const started = Date.now();
    const instructions = countInstructions ? await onServer(node.bin, (port) => countLine(node.bin, port)) : {};
    counts.set(major, { instructions, seconds: Math.round((Date.now() - started) / 1000) });
  }
  writeResults(
    lines.map(({ major, node }) => {
      if (!node.bin) return { major, skipped: node.why };
      const { processes, toggled, memory, checkpoints, captureCost, seconds } = timings.get(major);
      const { instructions, seconds: countSeconds } = counts.get(major);
      const report = buildReport(processes, toggled, instructions, memory, checkpoints, captureCost);
      report.machine.node = `v${node.version}`;
      report.seconds = seconds;
      report.countSeconds = countSeconds;
      return report;
    })
  );
}

async function onServer(nodeBin, work) {
  const { server, port } = await startServer(nodeBin);
  try {
    return await work(port);
  } finally {
    server.kill('SIGTERM');
  }
}

const common = (port, size) => ['--port', String(port), '--size', String(SIZES[size].bytes), '--concurrency', String(settings.concurrency)];

/** Fresh processes, toggled blocks, the heap check and the capture path: every figure that is a time. */
async function timeLine(nodeBin, port) {
  const started = Date.now();
  // 1. Fresh processes, modes interleaved within each round; rotate the order per round.
  const samples = {};
  for (let round = 0; round < (quick ? 0 : settings.rounds); round += 1) {
    const order = PROCESS_CASES.map((_, i) => PROCESS_CASES[(i + round) % PROCESS_CASES.length]);
    for (const [mode, size] of order) {
      const result = await runNode(nodeBin, 'client.js', [], [
        '--mode', mode, ...common(port, size),
        '--requests', String(requestsFor(size)),
        '--warmup', String(Math.max(50, Math.round(settings.warmup * SIZES[size].share))),
      ]);
      (samples[key(mode, size)] ??= []).push(result);
      process.stderr.write(`round ${round + 1}/${settings.rounds} ${key(mode, size)}: ${result.cpuUs.toFixed(1)} µs CPU/request\n`);
    }
  }
  const processes = {};
  for (const [mode, size] of quick ? [] : PROCESS_CASES) {
    const runs = samples[key(mode, size)];
    processes[key(mode, size)] = {
      mode, size,
      cpuUs: median(runs.map((r) => r.cpuUs)),
      wallUs: median(runs.map((r) => r.wallUs)),
    };
  }
  for (const entry of Object.values(processes)) {
    const baseline = processes[key('baseline', entry.size)];
    entry.cpuRatio = entry.cpuUs / baseline.cpuUs;
    entry.wallRatio = entry.wallUs / baseline.wallUs;
  }

  // 2. Toggled blocks inside one process.
  const toggled = {};
  for (const [mode, size] of quick ? QUICK_CASES : TOGGLE_CASES) {
    const result = await runNode(nodeBin, 'toggle.js', [], [
      '--mode', mode, ...common(port, size),
      '--block', String(Math.max(20, Math.round(settings.block * SIZES[size].share * (size === '1m' ? 5 : 1)))),
      '--pairs', String(settings.pairs),
      '--warmup', String(Math.max(50, Math.round(settings.warmup * SIZES[size].share))),
    ]);
    toggled[key(mode, size)] = { mode, size, cpuRatio: result.median, ratios: result.ratios };
    process.stderr.write(`toggled ${key(mode, size)}: ${result.median.toFixed(3)}x\n`);
  }

  // 3. Heap with captureAll.
  const checkpoints = [Math.round(settings.memory / 10), settings.memory];
  const memory = quick
    ? undefined
    : await runNode(nodeBin, 'memory.js', ['--expose-gc'], [...common(port, '1k'), '--checkpoints', checkpoints.join(',')]);

  const captureCost = quick ? undefined : measureCaptureCost({ '1k': SIZES['1k'].bytes, '64k': SIZES['64k'].bytes, '1m': SIZES['1m'].bytes });
  return { processes, toggled, memory, checkpoints, captureCost, seconds: Math.round((Date.now() - started) / 1000) };
}

/** Instructions per request (callgrind): each mode beside its baseline. */
async function countLine(nodeBin, port) {
  const instructions = {};
  for (const [mode, size] of quick ? QUICK_CASES : INSTRUCTION_CASES) {
    const count = async (countedMode) => {
      const options = { nodeBin, mode: countedMode, size: SIZES[size].bytes, port, concurrency: settings.concurrency, ...INSTRUCTION_WINDOWS[size] };
      try {
        return await countInstructionsPerRequest(options);
      } catch (error) {
        // Valgrind itself crashed here once in a few hundred thousand requests (in a V8 sweeper thread): count again, once.
        process.stderr.write(`instructions ${key(countedMode, size)}: ${String(error.message).split('\n')[0]}; counting again\n`);
        return countInstructionsPerRequest(options);
      }
    };
    // Twice, the mode started first and then second: in trials the same two
    // builds came out up to 5k instructions per request further apart in one
    // order than in the other. Both orders cancel such a bias and double the
    // windows. --quick counts one order only.
    const [counted, baseline] = await Promise.all([count(mode), count('baseline')]);
    const [baselineAgain, countedAgain] = quick ? [baseline, counted] : await Promise.all([count('baseline'), count(mode)]);
    const pairs = [
      ...counted.windows.map((perRequest, i) => [perRequest, baseline.windows[i]]),
      ...(quick ? [] : countedAgain.windows.map((perRequest, i) => [perRequest, baselineAgain.windows[i]])),
    ];
    const ratios = pairs.map(([perRequest, base]) => perRequest / base);
    const overheads = pairs.map(([perRequest, base]) => perRequest - base);
    const mean = (a, b) => (a + b) / 2;
    instructions[key(mode, size)] = {
      mode, size,
      perRequest: median([...counted.windows, ...countedAgain.windows]),
      baselinePerRequest: median([...baseline.windows, ...baselineAgain.windows]),
      ratio: median(ratios),
      overhead: median(overheads),
      // The same figure from each order alone, to show how far the two agree.
      overheadByOrder: quick
        ? [median(overheads)]
        : [median(overheads.slice(0, counted.windows.length)), median(overheads.slice(counted.windows.length))],
      compiler: mean(counted.compiler, countedAgain.compiler),
      gc: mean(counted.gc, countedAgain.gc),
      baselineGc: mean(baseline.gc, baselineAgain.gc),
      ratios,
    };
    process.stderr.write(
      `instructions ${key(mode, size)}: ${median(ratios).toFixed(3)}x its baseline (+${(median(overheads) / 1000).toFixed(1)}k per request)\n`
    );
  }
  return instructions;
}

function buildReport(processes, toggled, instructions, memory, checkpoints, captureCost) {
  // Overhead over the baseline of the same body size, per method: µs (processes),
  // the pair ratio's excess (toggled), instructions (callgrind).
  const overheads = {
    processes: (mode, size) =>
      processes[key(mode, size)] && processes[key(mode, size)].cpuUs - processes[key('baseline', size)].cpuUs,
    toggled: (mode, size) => toggled[key(mode, size)] && toggled[key(mode, size)].cpuRatio - 1,
    instructions: (mode, size) => instructions[key(mode, size)]?.overhead,
  };
  // One overhead as a share of another says nothing when the method did not see
  // both above their baselines: NaN, reported as undetermined.
  const share = (overhead, of) => (overhead > 0 && of > 0 ? overhead / of : NaN);
  const relative = (mode, size, referenceMode, referenceSize, methods) =>
    Object.fromEntries(
      Object.entries(overheads)
        .filter(([method]) => methods.includes(method))
        .map(([method, overhead]) => [method, share(overhead(mode, size), overhead(referenceMode, referenceSize))])
    );
  const all = ['toggled', 'processes', 'instructions'];
  const [first, last] = checkpoints;
  const heapGrowth = memory && memory.heap[last] - memory.heap[first];
  const targets = [
    {
      target: "defaults: overhead <= 1.5x the bare hand-made span's",
      ...relative('ours', 'small', 'manual-span', 'small', all),
      limit: 1.5,
    },
    {
      target: "defaults: overhead <= 1.15x that of a hand-made span + traceparent injected by an interceptor",
      ...relative('ours', 'small', 'span-inject', 'small', all),
      limit: 1.15,
    },
    {
      // The default mode's overhead barely depends on the body; it is measured with small bodies.
      target: "captureAll, 1 KiB JSON: overhead <= 1.5x the defaults' overhead",
      ...relative('ours-capture-all', '1k', 'ours', 'small', all),
      limit: 1.5,
    },
    {
      target: "overhead <= 1/4 of instrumentation-http's, in CPU time (instructions for reference)",
      ...relative('ours', 'small', 'http', 'small', all),
      limit: 0.25,
    },
    {
      target: `heap after GC at ${last} requests (captureAll, 1 KiB) within 10 MB of the heap at ${first}`,
      processes: memory ? heapGrowth / 1e6 : undefined,
      limit: 10,
      unit: 'MB',
    },
  ].map((row) => ({
    ...row,
    // Per method: true, false, or undefined where the method did not determine it.
    met: Object.fromEntries(all.map((method) => [method, isMeasured(row[method]) ? row[method] <= row.limit : undefined])),
  }));
  return {
    date: new Date().toISOString(),
    quick,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, pinned: canPin, load: os.loadavg()[0] },
    settings,
    processes,
    toggled,
    instructions,
    captureCost,
    memory: memory && { checkpoints, heapBytes: memory.heap, growthBytes: heapGrowth },
    targets,
  };
}

/** A figure the method produced (NaN comes back from the JSON file as null). */
function isMeasured(value) {
  return typeof value === 'number' && !Number.isNaN(value);
}

function fmt(value, digits = 2) {
  return isMeasured(value) ? value.toFixed(digits) : '–';
}

/** The results of every Node line; --quick writes results-quick.* beside the full run's files. */
function writeResults(reports) {
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const name = quick ? 'results-quick' : 'results';
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(reports, null, 2) + '\n');
  const lines = [`# Benchmark results${quick ? ' (--quick: the default-mode question only)' : ''}`, ''];
  for (const report of reports) lines.push(...(report.skipped ? [`## Node ${report.major}: not measured (${report.skipped})`, ''] : section(report)));
  fs.writeFileSync(path.join(dir, `${name}.md`), lines.join('\n'));
  const charted = reports.find((report) => !report.skipped && Object.keys(report.processes).length > 0);
  if (charted) fs.writeFileSync(path.join(dir, 'overhead.svg'), chart(charted));
  process.stdout.write(lines.join('\n') + '\n');
}

function section(report) {
  const windows = INSTRUCTION_WINDOWS;
  const lines = [
    `## Node ${report.machine.node}`,
    '',
    `${report.date}; ${report.machine.cpus} cores (${report.machine.model}), load average ${fmt(report.machine.load, 1)} at the end; server and client ${report.machine.pinned ? 'pinned to different cores' : 'not pinned'}; ` +
      `${report.settings.concurrency} concurrent requests over keep-alive; spans through a BatchSpanProcessor to an exporter that drops them; timing ${report.seconds} s, instruction counts ${report.countSeconds ?? '–'} s (after every line's timing).`,
    '',
    (report.quick ? '' : `Fresh processes: ${report.settings.rounds} interleaved rounds of ${report.settings.requests} requests (1/10 of that at 64 KiB, 1/100 at 1 MiB), medians. `) +
      `Toggled: one process per mode, ${report.settings.pairs} pairs of blocks of ${report.settings.block} requests with the instrumentation (or the hand-made span) off and on, median of the pair ratios.`,
    '',
    `Instructions: callgrind's count for the client process (the server is not counted), after a warm-up of ${windows.small.warmup} requests (${windows['64k'].warmup} at 64 KiB), ` +
      `in ${windows.small.windows} windows of ${windows.small.window} requests (${windows['64k'].window} at 64 KiB) each with a scavenge at both ends; ` +
      `each mode beside a baseline of its body size counted at the same time, ${report.quick ? 'once' : 'twice (the mode started first, then second)'}, the ratio the median of the paired windows'. ` +
      `The optimising compiler's share is left out; garbage collection stays in.`,
    '',
    '| mode | body | CPU µs/request | wall µs/request | CPU vs baseline (processes) | CPU vs baseline (toggled) | instructions/request | instructions vs baseline |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const cases = new Map();
  for (const source of [report.processes, report.toggled, report.instructions]) {
    for (const entry of Object.values(source)) cases.set(key(entry.mode, entry.size), entry);
  }
  for (const [caseKey, { mode, size }] of cases) {
    const entry = report.processes[caseKey];
    const toggledEntry = report.toggled[caseKey];
    const counted = report.instructions[caseKey];
    lines.push(
      `| ${mode} | ${size} | ${fmt(entry?.cpuUs, 1)} | ${fmt(entry?.wallUs, 1)} | ${entry ? fmt(entry.cpuRatio) + 'x' : '–'} | ${toggledEntry ? fmt(toggledEntry.cpuRatio, 3) + 'x' : '–'} | ` +
        `${counted ? (counted.perRequest / 1000).toFixed(0) + 'k (+' + (counted.overhead / 1000).toFixed(1) + 'k)' : '–'} | ${counted ? fmt(counted.ratio, 3) + 'x' : '–'} |`
    );
  }
  const verdict = (met) => (met === undefined ? 'undetermined' : met ? 'met' : '**not met**');
  lines.push('', '| target | toggled | processes | instructions | toggled / processes / instructions |', '|---|---|---|---|---|');
  for (const row of report.targets) {
    lines.push(
      `| ${row.target} | ${fmt(row.toggled, 3)} | ${fmt(row.processes, 3)}${row.unit && isMeasured(row.processes) ? ' ' + row.unit : ''} | ${fmt(row.instructions, 3)} | ` +
        `${verdict(row.met.toggled)} / ${verdict(row.met.processes)} / ${verdict(row.met.instructions)} |`
    );
  }
  const countedEntries = Object.values(report.instructions);
  if (countedEntries.length > 0) {
    lines.push(
      '',
      'Instructions per request left out as compiler work, and garbage collection (inside the figures above), beside the baseline it was counted with:',
      '',
      '| mode | body | compiler | GC | baseline GC | overhead, started first / second | paired window ratios |',
      '|---|---|---|---|---|---|---|',
      ...countedEntries.map(
        (entry) =>
          `| ${entry.mode} | ${entry.size} | ${(entry.compiler / 1000).toFixed(1)}k | ${(entry.gc / 1000).toFixed(1)}k | ${(entry.baselineGc / 1000).toFixed(1)}k | ` +
          `${entry.overheadByOrder ? entry.overheadByOrder.map((o) => (o / 1000).toFixed(1) + 'k').join(' / ') : '–'} | ` +
          `${entry.ratios.map((r) => r.toFixed(3)).join(' ')} |`
      )
    );
  }
  if (report.captureCost) {
    lines.push(
      '',
      'The body-capture path alone (bench/capture-cost.js), µs per response body turned into attributes, limit 16384 characters:',
      '',
      '| body | string (default responseType) | Buffer (arraybuffer) |',
      '|---|---|---|',
      ...Object.entries(report.captureCost).map(([size, cost]) => `| ${size} | ${fmt(cost.stringUs)} µs | ${fmt(cost.bufferUs)} µs |`)
    );
  }
  if (report.memory) {
    const { checkpoints, heapBytes } = report.memory;
    lines.push('', `Heap after GC with captureAll: ${(heapBytes[checkpoints[0]] / 1e6).toFixed(1)} MB at ${checkpoints[0]} requests, ${(heapBytes[checkpoints[1]] / 1e6).toFixed(1)} MB at ${checkpoints[1]}.`);
  }
  lines.push('');
  return lines;
}

/** A horizontal bar per mode and method: overhead over the baseline, in percent. */
function chart(report) {
  const rows = Object.values(report.processes).filter((entry) => entry.mode !== 'baseline');
  const width = 760;
  const rowHeight = 46;
  const left = 230;
  const top = 40;
  const overheads = rows.flatMap((entry) => [
    (entry.cpuRatio - 1) * 100,
    ((report.toggled[key(entry.mode, entry.size)]?.cpuRatio ?? 1) - 1) * 100,
    ((report.instructions[key(entry.mode, entry.size)]?.ratio ?? 1) - 1) * 100,
  ]);
  const max = Math.max(10, ...overheads.map(Math.abs));
  const scale = (width - left - 80) / max;
  const bars = rows
    .map((entry, i) => {
      const y = top + i * rowHeight;
      const processes = (entry.cpuRatio - 1) * 100;
      const toggledRatio = report.toggled[key(entry.mode, entry.size)]?.cpuRatio;
      const toggledPct = toggledRatio === undefined ? undefined : (toggledRatio - 1) * 100;
      const instructionRatio = report.instructions[key(entry.mode, entry.size)]?.ratio;
      const instructionPct = instructionRatio === undefined ? undefined : (instructionRatio - 1) * 100;
      const bar = (value, dy, color) =>
        `<rect x="${left}" y="${y + dy}" width="${Math.max(1, Math.max(0, value) * scale).toFixed(1)}" height="11" fill="${color}"/>` +
        `<text x="${left + Math.max(0, value) * scale + 6}" y="${y + dy + 10}" font-size="11">${value.toFixed(1)}%</text>`;
      return (
        `<text x="${left - 8}" y="${y + 15}" font-size="12" text-anchor="end">${entry.mode} (${entry.size})</text>` +
        bar(processes, 2, '#7aa6d6') +
        (toggledPct === undefined ? '' : bar(toggledPct, 15, '#2b5f9e')) +
        (instructionPct === undefined ? '' : bar(instructionPct, 28, '#d08a2c'))
      );
    })
    .join('\n');
  const height = top + rows.length * rowHeight + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<text x="10" y="20" font-size="14" font-weight="bold">Client work per request over the baseline (SDK, active span, no instrumentation)</text>
<rect x="${left - 210}" y="${height - 20}" width="10" height="10" fill="#7aa6d6"/><text x="${left - 196}" y="${height - 11}" font-size="11">CPU, fresh processes</text>
<rect x="${left - 70}" y="${height - 20}" width="10" height="10" fill="#2b5f9e"/><text x="${left - 56}" y="${height - 11}" font-size="11">CPU, toggled blocks</text>
<rect x="${left + 80}" y="${height - 20}" width="10" height="10" fill="#d08a2c"/><text x="${left + 94}" y="${height - 11}" font-size="11">instructions, paired with a baseline (callgrind)</text>
${bars}
</svg>
`;
}

// `node -e "require('./bench/run').writeResults(require('./bench/results/results.json'))"` redraws a run's report.
if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { buildReport, writeResults, pinned, startServer };
