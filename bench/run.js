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
// Options: --quick (a smoke run with small counts), --no-instructions, --requests N,
// --rounds N, --pairs N, --block N, --memory N.

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { measureCaptureCost } = require('./capture-cost');
const { countInstructions: countInstructionsPerRequest } = require('./instructions');
const { median, parseArgs } = require('./load');

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const countInstructions = !argv.includes('--no-instructions') && commandExists('valgrind');
const args = parseArgs(argv.filter((arg) => !['--quick', '--no-instructions'].includes(arg)));
const settings = {
  requests: Number(args.requests ?? (quick ? 1000 : 20000)),
  warmup: Number(args.warmup ?? (quick ? 200 : 2000)),
  rounds: Number(args.rounds ?? (quick ? 2 : 5)),
  concurrency: 16,
  block: Number(args.block ?? (quick ? 100 : 300)),
  pairs: Number(args.pairs ?? (quick ? 4 : 20)),
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
  ['ours', 'small'],
  ['http', 'small'],
  ['ours+http', 'small'],
  ['baseline', '1k'],
  ['ours-capture-all', '1k'],
  ['baseline', '64k'],
  ['ours-capture-all', '64k'],
  ['baseline', '1m'],
  ['ours-capture-all', '1m'],
];
const TOGGLE_CASES = [
  ['ours', 'small'],
  ['http', 'small'],
  ['ours+http', 'small'],
  ['ours-capture-all', '1k'],
  ['ours-capture-all', '64k'],
  ['ours-capture-all', '1m'],
];

// Each is counted at the same time as the baseline of its body size.
const INSTRUCTION_CASES = [
  ['manual-span', 'small'],
  ['ours', 'small'],
  ['http', 'small'],
  ['ours+http', 'small'],
  ['ours-capture-all', '1k'],
  ['ours-capture-all', '64k'],
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

function runNode(script, nodeArgs, scriptArgs) {
  const [command, commandArgs] = pinned(1, process.execPath, [...nodeArgs, path.join(__dirname, script), ...scriptArgs]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output.trim().split('\n').pop())) : reject(new Error(`${script} exited ${code}`))
    );
  });
}

const requestsFor = (size) => Math.max(200, Math.round(settings.requests * SIZES[size].share));
const key = (mode, size) => `${mode}@${size}`;

async function main() {
  execFileSync('npm', ['run', 'build'], { cwd: path.join(__dirname, '..'), stdio: 'ignore' });
  const { server, port } = await startServer();
  const common = (size) => ['--port', String(port), '--size', String(SIZES[size].bytes), '--concurrency', String(settings.concurrency)];
  try {
    // 1. Fresh processes, modes interleaved within each round; rotate the order per round.
    const samples = {};
    for (let round = 0; round < settings.rounds; round += 1) {
      const order = PROCESS_CASES.map((_, i) => PROCESS_CASES[(i + round) % PROCESS_CASES.length]);
      for (const [mode, size] of order) {
        const result = await runNode('client.js', [], [
          '--mode', mode, ...common(size),
          '--requests', String(requestsFor(size)),
          '--warmup', String(Math.max(50, Math.round(settings.warmup * SIZES[size].share))),
        ]);
        (samples[key(mode, size)] ??= []).push(result);
        process.stderr.write(`round ${round + 1}/${settings.rounds} ${key(mode, size)}: ${result.cpuUs.toFixed(1)} µs CPU/request\n`);
      }
    }
    const processes = {};
    for (const [mode, size] of PROCESS_CASES) {
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
    for (const [mode, size] of TOGGLE_CASES) {
      const result = await runNode('toggle.js', [], [
        '--mode', mode, ...common(size),
        '--block', String(Math.max(20, Math.round(settings.block * SIZES[size].share * (size === '1m' ? 5 : 1)))),
        '--pairs', String(settings.pairs),
        '--warmup', String(Math.max(50, Math.round(settings.warmup * SIZES[size].share))),
      ]);
      toggled[key(mode, size)] = { mode, size, cpuRatio: result.median, ratios: result.ratios };
      process.stderr.write(`toggled ${key(mode, size)}: ${result.median.toFixed(3)}x\n`);
    }

    // 3. Instructions per request (callgrind): each mode beside its baseline.
    const instructions = {};
    if (countInstructions) {
      for (const [mode, size] of INSTRUCTION_CASES) {
        const count = (countedMode) =>
          countInstructionsPerRequest({
            mode: countedMode, size: SIZES[size].bytes, port, concurrency: settings.concurrency, ...INSTRUCTION_WINDOWS[size],
          });
        // Twice, the mode started first and then second: in trials the same two
        // builds came out up to 5k instructions per request further apart in one
        // order than in the other. Both orders cancel such a bias and double the windows.
        const [counted, baseline] = await Promise.all([count(mode), count('baseline')]);
        const [baselineAgain, countedAgain] = await Promise.all([count('baseline'), count(mode)]);
        const pairs = [
          ...counted.windows.map((perRequest, i) => [perRequest, baseline.windows[i]]),
          ...countedAgain.windows.map((perRequest, i) => [perRequest, baselineAgain.windows[i]]),
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
          overheadByOrder: [median(overheads.slice(0, counted.windows.length)), median(overheads.slice(counted.windows.length))],
          compiler: mean(counted.compiler, countedAgain.compiler),
          gc: mean(counted.gc, countedAgain.gc),
          baselineGc: mean(baseline.gc, baselineAgain.gc),
          ratios,
        };
        process.stderr.write(
          `instructions ${key(mode, size)}: ${median(ratios).toFixed(3)}x its baseline (+${(median(overheads) / 1000).toFixed(1)}k per request)\n`
        );
      }
    }

    // 4. Heap with captureAll.
    const checkpoints = [Math.round(settings.memory / 10), settings.memory];
    const memory = await runNode('memory.js', ['--expose-gc'], [
      ...common('1k'), '--checkpoints', checkpoints.join(','),
    ]);

    const captureCost = measureCaptureCost({ '1k': SIZES['1k'].bytes, '64k': SIZES['64k'].bytes, '1m': SIZES['1m'].bytes });

    const report = buildReport(processes, toggled, instructions, memory, checkpoints, captureCost);
    writeResults(report);
  } finally {
    server.kill('SIGTERM');
  }
}

function buildReport(processes, toggled, instructions, memory, checkpoints, captureCost) {
  const overheadUs = (mode, size) => processes[key(mode, size)].cpuUs - processes[key('baseline', size)].cpuUs;
  const ratio = (mode, size) => toggled[key(mode, size)]?.cpuRatio;
  const [first, last] = checkpoints;
  const heapGrowth = memory.heap[last] - memory.heap[first];
  const toggledOverhead = (mode, size) => ratio(mode, size) - 1;
  // One overhead as a share of another says nothing when the method did not
  // see either above its baseline (the toggled blocks have put 1 MiB capture
  // below it): NaN, reported as neither met nor missed.
  const share = (overhead, of) => (overhead > 0 && of > 0 ? overhead / of : NaN);
  const instructionRatio = (mode, size) => instructions[key(mode, size)]?.ratio;
  const instructionOverhead = (mode, size) => instructions[key(mode, size)]?.overhead;
  const targets = [
    {
      target: 'ours, defaults: <= 1.05x the baseline',
      toggled: ratio('ours', 'small'),
      processes: processes[key('ours', 'small')].cpuRatio,
      instructions: instructionRatio('ours', 'small'),
      limit: 1.05,
    },
    {
      target: "ours' overhead <= 1/5 of instrumentation-http's",
      toggled: share(toggledOverhead('ours', 'small'), toggledOverhead('http', 'small')),
      processes: share(overheadUs('ours', 'small'), overheadUs('http', 'small')),
      instructions: instructions[key('ours', 'small')] && share(instructionOverhead('ours', 'small'), instructionOverhead('http', 'small')),
      limit: 0.2,
    },
    {
      target: 'ours, captureAll, 64 KiB bodies: <= 1.10x the baseline at 64 KiB',
      toggled: ratio('ours-capture-all', '64k'),
      processes: processes[key('ours-capture-all', '64k')].cpuRatio,
      instructions: instructionRatio('ours-capture-all', '64k'),
      limit: 1.1,
    },
    {
      target: 'overhead at 1 MiB <= 1.5x the overhead at 1 KiB (µs)',
      // in µs: the toggled ratio's excess times the baseline's µs at that size
      toggled: share(
        toggledOverhead('ours-capture-all', '1m') * processes[key('baseline', '1m')].cpuUs,
        toggledOverhead('ours-capture-all', '1k') * processes[key('baseline', '1k')].cpuUs
      ),
      processes: share(overheadUs('ours-capture-all', '1m'), overheadUs('ours-capture-all', '1k')),
      // the capture path itself, in µs, added to the default mode's overhead at both sizes
      instructions: undefined,
      capturePath:
        (overheadUs('ours', 'small') + captureCost['1m'].stringUs) / (overheadUs('ours', 'small') + captureCost['1k'].stringUs),
      limit: 1.5,
    },
    { target: `heap at ${last} requests within 10 MB of the heap at ${first}`, toggled: undefined, processes: heapGrowth / 1e6, limit: 10, unit: 'MB' },
  ].map((row) => ({
    ...row,
    // Per method; undefined where the method does not measure the target.
    met: Object.fromEntries(
      ['toggled', 'processes', 'instructions'].map((method) => [method, isMeasured(row[method]) ? row[method] <= row.limit : undefined])
    ),
  }));
  return {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, pinned: canPin },
    settings,
    processes,
    toggled,
    instructions,
    captureCost,
    memory: { checkpoints, heapBytes: memory.heap, growthBytes: heapGrowth },
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

function writeResults(report) {
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(report, null, 2) + '\n');
  const lines = [
    `# Benchmark results`,
    '',
    `${report.date}; ${report.machine.cpus} cores (${report.machine.model}), Node ${report.machine.node}; server and client ${report.machine.pinned ? 'pinned to different cores' : 'not pinned'}; ` +
      `${report.settings.concurrency} concurrent requests over keep-alive; spans through a BatchSpanProcessor to an exporter that drops them.`,
    '',
    `Fresh processes: ${report.settings.rounds} interleaved rounds of ${report.settings.requests} requests (1/10 of that at 64 KiB, 1/100 at 1 MiB), medians. ` +
      `Toggled: one process per mode, ${report.settings.pairs} pairs of blocks with the instrumentation disabled and enabled, median of the pair ratios.`,
    '',
    `Instructions: callgrind's count for the client process (the server is not counted), after a warm-up of ${INSTRUCTION_WINDOWS.small.warmup} requests (${INSTRUCTION_WINDOWS['64k'].warmup} at 64 KiB), ` +
      `in ${INSTRUCTION_WINDOWS.small.windows} windows of ${INSTRUCTION_WINDOWS.small.window} requests (${INSTRUCTION_WINDOWS['64k'].window} at 64 KiB) each with a scavenge at both ends; ` +
      `each mode beside a baseline of its body size counted at the same time, twice (the mode started first, then second), the ratio the median of all paired windows'. ` +
      `The optimising compiler's share is left out; garbage collection stays in.`,
    '',
    '| mode | body | CPU µs/request | wall µs/request | CPU vs baseline (processes) | CPU vs baseline (toggled) | instructions/request | instructions vs baseline |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const entry of Object.values(report.processes)) {
    const toggledEntry = report.toggled[key(entry.mode, entry.size)];
    const counted = report.instructions[key(entry.mode, entry.size)];
    lines.push(
      `| ${entry.mode} | ${entry.size} | ${fmt(entry.cpuUs, 1)} | ${fmt(entry.wallUs, 1)} | ${fmt(entry.cpuRatio)}x | ${toggledEntry ? fmt(toggledEntry.cpuRatio, 3) + 'x' : '–'} | ` +
        `${counted ? (counted.perRequest / 1000).toFixed(0) + 'k (+' + (counted.overhead / 1000).toFixed(1) + 'k)' : '–'} | ${counted ? fmt(counted.ratio, 3) + 'x' : '–'} |`
    );
  }
  const verdict = (met) => (met === undefined ? '–' : met ? 'yes' : '**no**');
  lines.push('', '| target | toggled | processes | instructions | met (toggled / processes / instructions) |', '|---|---|---|---|---|');
  for (const row of report.targets) {
    lines.push(
      `| ${row.target} | ${fmt(row.toggled, 3)} | ${fmt(row.processes, 3)}${row.unit ? ' ' + row.unit : ''} | ${fmt(row.instructions, 3)} | ` +
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
  lines.push(
    '',
    'The body-capture path alone (bench/capture-cost.js), µs per response body turned into attributes, limit 16384 characters:',
    '',
    '| body | string (default responseType) | Buffer (arraybuffer) |',
    '|---|---|---|',
    ...Object.entries(report.captureCost).map(([size, cost]) => `| ${size} | ${fmt(cost.stringUs)} µs | ${fmt(cost.bufferUs)} µs |`)
  );
  const sizeRow = report.targets[3];
  lines.push(
    '',
    `Capture-cost target from the capture path (the default mode's overhead per request plus the capture path, 1 MiB over 1 KiB): ${fmt(sizeRow.capturePath, 3)}.`
  );
  const { checkpoints, heapBytes } = report.memory;
  lines.push('', `Heap after GC with captureAll: ${(heapBytes[checkpoints[0]] / 1e6).toFixed(1)} MB at ${checkpoints[0]} requests, ${(heapBytes[checkpoints[1]] / 1e6).toFixed(1)} MB at ${checkpoints[1]}.`, '');
  fs.writeFileSync(path.join(dir, 'results.md'), lines.join('\n'));
  fs.writeFileSync(path.join(dir, 'overhead.svg'), chart(report));
  process.stdout.write(lines.join('\n') + '\n');
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

module.exports = { buildReport, writeResults };
