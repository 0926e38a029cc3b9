/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run test:node-lines`: the mocha suite that `npm test` runs on this
// machine's Node, run again on the other current Node lines, each installed
// from the npm registry as the `node` package (scripts/support/runtimes.js,
// cached in .cache/; NODE22_BIN, NODE24_BIN, NODE26_BIN use binaries you have).
//
// It runs the compiled suite in build/ (from `npm test`, or built here unless
// --no-build) with `<that node> node_modules/mocha/bin/mocha.js` and the options
// of .mocharc.json, without coverage. The lines run one after the other: the
// suite has timing-sensitive tests, and the machines have two cores.
//
// Node 24 runs the suite on the OpenTelemetry JS 3.x line (api 1.10,
// instrumentation 0.301, sdk-trace 3.x: test/otel3/package.json and its lock
// file), Node 22 and 26 on the 2.x line of the project's own node_modules, as
// Node 20 does in `npm test`. The 3.x line gets an install tree of its own,
// outside the repository (`npm ci` under Node 24, again only when the lock file or
// the Node changes), and a copy of the project beside that node_modules (the
// sources, build/ and dist/), so that every require of the suite, its child
// processes and its bundles finds the 3.x packages, and only those (the tree
// is outside the repository, under the system's temp folder). On that line the
// soak test, the examples and the browser suite (in Chromium) run too (`--no-extras` leaves
// them out).
//
// What runs on each line: the full suite on all three (about 35 s each on an
// idle machine). `--fast` keeps the full suite on Node 24, the active LTS line,
// and runs on Node 22 and 26 only the files that exercise what changes from one
// Node line to the next (http, undici behind fetch, streams, module loading,
// timers and sockets), leaving out those that test our own logic the same way on
// every line (property tests, option handling, URL and header rules) and the
// slow load test.
//
// Usage: node scripts/test-node-lines.js [--no-build] [--fast] [--no-extras] [LINE...]
//   LINE  node22, node24 or node26 (default: all three)
// Prints mocha's dot output per line, a table, and ends with `N passed, N failed`
// summed over the lines (a line that cannot be installed or that exits non-zero
// without a failing test counts as one failure).

'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { prepareOtel3Tree } = require('./support/otel3');
const { REPO, buildSuite, finishCounted, getRuntime, mochaCount, printTable, run, runCounted } = require('./support/runtimes');

/** The test files (under build/test/) that run where FAST_PLAN says `fast`. */
const FAST_FILES = [
  'adapters', // http and fetch adapters: Node's http client and undici
  'faults', // resets, half bodies, refused connections, timeouts, fetch dispatchers
  'streams', // Node streams and web streams under responseType: 'stream'
  'esm', // the ESM loader hook, in child processes
  'registration', // the require hook and the patch of axios' CommonJS copy
  'manual-instrumentation',
  'lifecycle', // spans that end on every settle path, timers and sockets
  'propagation', // async context across the adapter
  'metrics',
  'secrets',
];

const FAST_PLAN = { node22: 'fast', node24: 'full', node26: 'fast' };

/** The OpenTelemetry JS line each Node runs the suite on. */
const OTEL_LINE = { node22: '2.x', node24: '3.x', node26: '2.x' };

function parseArgs(argv) {
  const args = { build: true, fast: false, extras: true, lines: [] };
  for (const arg of argv) {
    if (arg === '--no-build') args.build = false;
    else if (arg === '--no-extras') args.extras = false;
    else if (arg === '--fast') args.fast = true;
    else if (FAST_PLAN[arg]) args.lines.push(arg);
    else throw new Error(`unknown argument ${arg}; lines: ${Object.keys(FAST_PLAN).join(', ')}`);
  }
  if (args.lines.length === 0) args.lines = Object.keys(FAST_PLAN);
  return args;
}

/** A mocha config like .mocharc.json, with spec narrowed to the fast files when the plan says so. */
function mochaConfig(scope, tmp, root) {
  const base = JSON.parse(fs.readFileSync(path.join(root, '.mocharc.json'), 'utf8'));
  if (scope === 'full') return path.join(root, '.mocharc.json');
  const config = { ...base, spec: FAST_FILES.map((name) => `build/test/${name}.test.js`) };
  const file = path.join(tmp, 'mocharc-fast.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-node-lines-'));
  const rows = [];
  let passed = 0;
  let failed = 0;

  console.log(`test:node-lines: the mocha suite on ${args.lines.join(', ')} (this Node: ${process.version})`);
  const [built, ...runtimes] = await Promise.all([
    args.build ? buildSuite() : Promise.resolve({ ok: fs.existsSync(path.join(REPO, 'build', 'test')), output: 'no build/test: run npm test first' }),
    ...args.lines.map((line) => getRuntime(line, tmp)),
  ]);
  if (!built.ok) {
    console.log(`FAIL  build\n${built.output}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }

  for (const [index, line] of args.lines.entries()) {
    const runtime = runtimes[index];
    const scope = args.fast ? FAST_PLAN[line] : 'full';
    if (!runtime.ok) {
      failed++;
      rows.push([runtime.label, OTEL_LINE[line], scope, `FAIL no binary (${runtime.source})`]);
      console.log(`FAIL  ${runtime.label}: no binary (${runtime.source})\n${runtime.log}`);
      continue;
    }
    const otel = OTEL_LINE[line];
    let root = REPO;
    if (otel === '3.x') {
      const tree = await prepareOtel3Tree(runtime.bin);
      if (!tree.ok) {
        failed++;
        rows.push([`v${runtime.version}`, otel, scope, `FAIL no 3.x install tree (${tree.source})`]);
        console.log(`FAIL  ${runtime.label}: no 3.x install tree (${tree.source})\n${tree.log}`);
        continue;
      }
      console.log(`OpenTelemetry JS 3.x tree: ${tree.source}`);
      root = tree.dir;
    }
    console.log(`\n${runtime.label}: v${runtime.version} (${runtime.source}), OpenTelemetry JS ${otel}, ${scope} suite`);
    const env = { ...process.env };
    delete env.NODE_V8_COVERAGE;
    const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const runs = [['suite', [mocha, '--config', mochaConfig(scope, tmp, root), '--reporter', 'dot']]];
    if (otel === '3.x' && args.extras) {
      // As `npm run test:soak` and `npm run example` run them on the 2.x line.
      runs.push(['soak', [mocha, '--no-config', '--require', 'build/test/support/telemetry.js', '--timeout', '200000', '--exit', 'build/test/soak.test.js']]);
      runs.push(['examples', [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'examples/run-all.ts']]);
      // As `npm run test:browser` does, with the page's SDK from the 3.x tree, in Chromium only: what differs on
      // this line is the page's SDK, not the engine, and Firefox, WebKit and the other bundlers run on 2.x (their
      // drivers and bundlers are not in the 3.x tree). Where no Chromium is installed (.ci/run installs it first)
      // that suite fails, as it does on the 2.x line.
      runs.push(['browser', [mocha, '--no-config', '--timeout', '60000', '--exit', 'build/test/browser/chromium*.test.js']]);
    }
    for (const [what, commandArgs] of runs) {
      const result = await run(runtime.bin, commandArgs, { cwd: root, env });
      process.stdout.write(result.output.replace(/^/gm, '  '));
      let runPassed = mochaCount(result.output, 'passing');
      let runFailed = mochaCount(result.output, 'failing');
      const examples = /^(\d+) of (\d+) examples succeeded/m.exec(result.output);
      if (examples) {
        runPassed = Number(examples[1]);
        runFailed = Number(examples[2]) - runPassed;
      }
      if (result.code !== 0 && runFailed === 0) runFailed = 1;
      passed += runPassed;
      failed += runFailed;
      rows.push([
        `v${runtime.version}`,
        otel,
        what === 'suite' ? scope : what,
        `${runFailed === 0 ? 'PASS' : 'FAIL'} ${runPassed} passing, ${runFailed} failing` +
          (what === 'examples' ? '' : `, ${mochaCount(result.output, 'pending')} pending`) +
          `, ${result.seconds.toFixed(0)} s`,
      ]);
    }
  }

  printTable(['Node', 'OTel JS', 'run', 'result'], rows);
  fs.rmSync(tmp, { recursive: true, force: true });
  finishCounted(passed, failed, { started });
}

runCounted(main);
