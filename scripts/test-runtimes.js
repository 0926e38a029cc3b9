/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run test:runtimes`: the package AS PUBLISHED, in a CommonJS app and an
// ESM app, on Node (the one running this script), Bun and Deno.
//
// It packs the tarball (`npm pack`), installs it with plain `npm install` into
// one throw-away consumer project (axios, the OpenTelemetry JS 2.x SDK; with
// --otel3 the 3.x SDK, installed and run on Node by Node 24), copies
// scripts/runtime-smoke/ into it and runs its apps with each runtime. Bun and
// Deno come from the npm registry (scripts/support/runtimes.js; BUN_BIN and
// DENO_BIN use binaries you already have). Every app runs the same checks
// (scripts/runtime-smoke/checks.cjs): spans, propagation, header capture with
// redaction, bodies, a 500 and a refused connection, the fetch adapter and the
// duration metric.
//
// The cases, per runtime:
//   CommonJS      app.cjs: SDK first, then require('axios'); the module hook alone.
//   ESM, hook     app.mjs preloaded with register.mjs (the README's Node setup).
//                 On Node the loader hook traces axios' ESM build. Bun and Deno
//                 ignore the loader hook: there the app checks that a request is
//                 NOT traced, then calls manuallyInstrument(axios) and runs the checks.
//   ESM, manual   app.mjs without preload, importing tracing.mjs and calling
//                 manuallyInstrument(axios): the README's setup for Bun and Deno
//                 (and for Node without a loader hook).
//
// Prints one line per case, a table, and ends with `N passed, N failed`: the
// checks of every app plus the setup steps (runtime, pack, install), each one.
// The work dir under os.tmpdir() is removed after a passing run and kept after
// a failing one (or always, with KEEP_TMP=1).

'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { getRuntime, run, npm, packTarball, printTable } = require('./support/runtimes');

const SMOKE_DIR = path.join(__dirname, 'runtime-smoke');
/**
 * The consumer's SDK line, the same for every runtime: 2.x by default, run by
 * the Node this script runs on; 3.x with --otel3, run by Node 24 (3.x needs
 * Node >= 22.15). The apps take their trace pieces from @opentelemetry/sdk-trace,
 * whose API is the same in 2.12 and 3.x.
 */
const LINES = {
  '2.x': {
    node: 'current',
    dependencies: {
      axios: '^1.0.0',
      '@opentelemetry/api': '~1.9.0',
      '@opentelemetry/sdk-node': '~0.223.0',
      '@opentelemetry/sdk-trace': '~2.12.0',
      '@opentelemetry/sdk-metrics': '~2.12.0',
    },
  },
  '3.x': {
    node: 'node24',
    dependencies: {
      axios: '^1.0.0',
      '@opentelemetry/api': '~1.10.0',
      '@opentelemetry/sdk-node': '^0.301.0',
      '@opentelemetry/sdk-trace': '^3.1.0',
      '@opentelemetry/sdk-metrics': '^3.1.0',
    },
  },
};
const OTEL_LINE = process.argv.includes('--otel3') ? '3.x' : '2.x';
const APP_TIMEOUT_MS = 120_000;

/**
 * How each runtime starts a file, and whether it honours the loader hook that
 * register.mjs registers (`module.register`). Bun and Deno accept the call and
 * do nothing with it.
 */
const RUNTIME_CASES = [
  { name: 'node', command: (bin, file, preload) => [bin, [...(preload ? ['--import', preload] : []), file]], loaderHook: true },
  {
    name: 'bun',
    // --no-install: never fetch a missing package behind the test's back.
    command: (bin, file, preload) => [bin, ['--no-install', ...(preload ? ['--preload', preload] : []), file]],
    loaderHook: false,
  },
  {
    name: 'deno',
    command: (bin, file, preload) => [bin, ['run', '--allow-all', ...(preload ? ['--preload', preload] : []), file]],
    loaderHook: false,
  },
];

const APPS = [
  { id: 'cjs', label: 'CommonJS, module hook', file: 'app.cjs', args: () => [] },
  {
    id: 'esm-hook',
    label: (loaderHook) => (loaderHook ? 'ESM, loader hook' : 'ESM, loader hook ignored, then manual'),
    file: 'app.mjs',
    preload: './register.mjs',
    args: (loaderHook) => [loaderHook ? '--hook' : '--hook-ignored'],
  },
  { id: 'esm-manual', label: 'ESM, manuallyInstrument', file: 'app.mjs', args: () => ['--manual'] },
];

function indent(text) {
  return text.trimEnd().replace(/^/gm, '      ');
}

function linesAfter(text, prefix) {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

async function installConsumer(tarball, tmp, nodeBin) {
  const dir = path.join(tmp, 'consumer');
  fs.mkdirSync(dir);
  const manifest = {
    name: 'consumer-runtimes',
    version: '1.0.0',
    private: true,
    dependencies: { 'opentelemetry-instrumentation-axios': `file:${tarball}`, ...LINES[OTEL_LINE].dependencies },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of fs.readdirSync(SMOKE_DIR)) fs.copyFileSync(path.join(SMOKE_DIR, file), path.join(dir, file));
  const install = await npm(nodeBin, ['install', '--no-audit', '--no-fund'], dir);
  return { dir, install };
}

async function runApp(runtimeCase, bin, app, dir) {
  const [command, args] = runtimeCase.command(bin, app.file, app.preload);
  const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
  // Nothing from the environment may configure the SDK or this package behind the app's back.
  for (const key of Object.keys(env)) if (/^OTEL_/.test(key)) delete env[key];
  const result = await run(command, [...args, ...app.args(runtimeCase.loaderHook)], {
    cwd: dir,
    env,
    timeout: APP_TIMEOUT_MS,
  });
  const info = /^SMOKE-INFO (.*)$/m.exec(result.stdout);
  const totals = /^(\d+) passed, (\d+) failed\s*$/m.exec(result.stdout);
  let failed = totals ? Number(totals[2]) : 0;
  // An app that exited non-zero (crashed, killed at the timeout) with no failing check counts as one failure.
  if (result.code !== 0 && failed === 0) failed = 1;
  return {
    ...result,
    info: info ? JSON.parse(info[1]) : undefined,
    passed: totals ? Number(totals[1]) : 0,
    failed,
    failedChecks: linesAfter(result.stdout, 'not ok - '),
  };
}

const rows = [];
let passedChecks = 0;
let failedChecks = 0;
function record(row, passed = row.ok ? 1 : 0, failed = row.ok ? 0 : 1) {
  rows.push(row);
  passedChecks += passed;
  failedChecks += failed;
  console.log(`${row.ok ? 'PASS' : 'FAIL'}  ${row.runtime}  ${row.step}: ${row.result}`);
  if (!row.ok && row.detail) console.log(indent(row.detail));
}

function printResults() {
  printTable(
    ['runtime', 'case', 'result'],
    rows.map((row) => [row.runtime, row.step, `${row.ok ? 'PASS' : 'FAIL'} ${row.result}`])
  );
}

async function main() {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-runtimes-'));
  console.log(`test:runtimes: the packed package in a CommonJS and an ESM app on Node, Bun and Deno, OpenTelemetry JS ${OTEL_LINE} (work dir ${tmp})`);

  const line = LINES[OTEL_LINE];
  const [bun, deno, pack, node] = await Promise.all([
    getRuntime('bun', tmp),
    getRuntime('deno', tmp),
    packTarball(tmp),
    line.node === 'current' ? { ok: true, bin: process.execPath, version: process.versions.node } : getRuntime(line.node, tmp),
  ]);
  const bins = { node: node.ok && node.bin, bun: bun.ok && bun.bin, deno: deno.ok && deno.bin };
  const labels = { node: `Node ${node.version}` };
  if (!node.ok) {
    record({ runtime: 'Node', step: 'get the runtime', ok: false, result: `no binary (${node.source})`, detail: node.log });
    return done(tmp, started);
  }
  for (const [name, runtime] of [
    ['bun', bun],
    ['deno', deno],
  ]) {
    labels[name] = runtime.version ? `${runtime.label} ${runtime.version}` : runtime.label;
    record({
      runtime: labels[name],
      step: 'get the runtime',
      ok: runtime.ok,
      result: runtime.ok ? runtime.source : `no binary (${runtime.source})`,
      detail: runtime.log,
    });
  }
  record({
    runtime: labels.node,
    step: 'npm pack',
    ok: pack.code === 0 && Boolean(pack.tarball),
    result: pack.tarball ? `${path.basename(pack.tarball)}${pack.reused ? ' (packed earlier from the same sources)' : ''}` : `exit ${pack.code}`,
    detail: pack.output,
  });
  if (!pack.tarball) return done(tmp, started);

  const consumer = await installConsumer(pack.tarball, tmp, bins.node);
  record({
    runtime: labels.node,
    step: `npm install (tarball, axios, OTel JS ${OTEL_LINE})`,
    ok: consumer.install.code === 0,
    result: `exit ${consumer.install.code}, ${consumer.install.seconds.toFixed(0)} s`,
    detail: consumer.install.output,
  });
  if (consumer.install.code !== 0) return done(tmp, started);

  for (const runtimeCase of RUNTIME_CASES) {
    const bin = bins[runtimeCase.name];
    for (const app of APPS) {
      const label = typeof app.label === 'function' ? app.label(runtimeCase.loaderHook) : app.label;
      if (!bin) {
        record({ runtime: labels[runtimeCase.name], step: label, ok: false, result: 'not run: no binary' });
        continue;
      }
      const result = await runApp(runtimeCase, bin, app, consumer.dir);
      const ok = result.code === 0 && result.failed === 0 && result.passed > 0;
      record(
        {
          runtime: result.info ? result.info.runtime : labels[runtimeCase.name],
          step: label,
          ok,
          result:
            `${result.passed}/${result.passed + result.failed} checks, ${result.seconds.toFixed(1)} s` +
            (result.failedChecks.length > 0 ? `; failed: ${result.failedChecks.join('; ')}` : '') +
            (result.code !== 0 && result.failedChecks.length === 0 ? `; exit ${result.code}` : ''),
          detail: result.output,
        },
        result.passed,
        result.failed
      );
    }
  }
  return done(tmp, started);
}

function done(tmp, started) {
  printResults();
  if (failedChecks === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`\nWork dir kept for inspection: ${tmp}`);
  console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passedChecks} passed, ${failedChecks} failed`);
  process.exitCode = failedChecks === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  console.log(`${passedChecks} passed, ${failedChecks + 1} failed`);
  process.exitCode = 1;
});
