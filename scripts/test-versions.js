/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run test:versions`: the project's own node_modules holds one axios, but
// the instrumentation claims '>=0.21.4 <1' and '>=1.5.0 <2', and axios changed
// the internals it patches inside them (0.x: adapters are functions and the
// default export is bound at load; `_request` from 1.6.6, the fetch adapter
// from 1.7.0). This script installs several axios versions side by side, each in a
// temp folder (never into node_modules), and runs the version-adaptive smoke
// test (test/versions/smoke.test.ts) once per version with TEST_AXIOS_DIR
// pointing test/support/telemetry.ts at that copy. It prints one line per
// version, a markdown table, and ends with `N passed, N failed` (summed over
// the versions); it exits 1 on any failure.
//
// Usage: node scripts/test-versions.js [--no-build] [--build-dir DIR] [VERSION...]
//   --no-build       reuse an existing compile of lib/ and test/ in the build dir
//   --build-dir DIR  where tsconfig.test.json is compiled to (default: build)
//   VERSION...       axios versions or ranges to test instead of the default list

'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Each one marks a change in what the instrumentation patches or sees. */
const DEFAULT_VERSIONS = [
  ['0.21.4', 'oldest supported 0.x: no signal, no beforeRedirect'],
  ['0.27.2', 'first AxiosError, beforeRedirect given the 3xx'],
  ['0.30.x', 'beforeRedirect given the next hop only'],
  ['0.35.0', 'newest 0.x'],
  ['1.5.0', 'oldest supported 1.x'],
  ['1.6.5', 'last without _request'],
  ['1.6.6', 'first with _request'],
  ['1.7.0', 'first fetch adapter'],
  ['1.7.9', 'a later 1.7'],
  ['^1', 'newest 1.x'],
];

const SMOKE_TEST = path.join('test', 'versions', 'smoke.test.js');
/** What the tests that check a capability the version lacks are called (a named exclusion, not a skip). */
const EXCLUDED_PREFIX = 'excluded, ';
/** The describe block of smoke.test.ts whose tests use the fetch adapter. */
const FETCH_SUITE = 'fetch adapter (axios >= 1.7.0)';
const FIRST_FETCH_VERSION = '1.7.0';

function parseArgs(argv) {
  const args = { build: true, buildDir: 'build', versions: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-build') args.build = false;
    else if (argv[i] === '--build-dir') args.buildDir = argv[++i];
    else if (argv[i].startsWith('-')) throw new Error(`unknown option ${argv[i]}`);
    else args.versions.push([argv[i], 'given']);
  }
  if (!args.buildDir) throw new Error('--build-dir needs a folder');
  if (args.versions.length === 0) args.versions = DEFAULT_VERSIONS;
  return args;
}

/** Runs a command to its end; resolves with its exit code and output, never rejects. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      shell: process.platform === 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: -1, output: output + String(error) }));
    child.on('close', (code, signal) => resolve({ code: code ?? -1, output: output + (signal ? `\nkilled by ${signal}` : '') }));
  });
}

function indent(text) {
  return text
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function compareVersions(a, b) {
  const [x, y] = [a, b].map((version) => version.split(/[.-]/).slice(0, 3).map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

async function build(buildDir) {
  const steps = [
    ['npm', ['run', 'build']],
    [process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'tsconfig.test.json', '--outDir', buildDir]],
  ];
  for (const [command, args] of steps) {
    const { code, output } = await run(command, args);
    if (code !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed (exit ${code}):\n${indent(output)}`);
  }
}

/** Installs axios@spec into a temp folder of its own; resolves with the folder and the version installed. */
async function install(spec, parent) {
  const dir = fs.mkdtempSync(path.join(parent, 'axios-'));
  const { code, output } = await run('npm', [
    'install',
    '--prefix',
    dir,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    `axios@${spec}`,
  ]);
  if (code !== 0) throw new Error(`npm install axios@${spec} failed (exit ${code}):\n${indent(output)}`);
  const manifest = path.join(dir, 'node_modules', 'axios', 'package.json');
  return { dir, version: JSON.parse(fs.readFileSync(manifest, 'utf8')).version };
}

/** Runs the smoke test against the axios installed in `axiosDir`; resolves with mocha's counts. */
async function runSmoke(buildDir, axiosDir, reportDir) {
  const report = path.join(reportDir, 'mocha.json');
  const mocha = require.resolve('mocha/bin/mocha.js', { paths: [ROOT] });
  const { code, output } = await run(
    process.execPath,
    [
      mocha,
      '--no-config',
      '--require',
      path.join(buildDir, 'test', 'support', 'telemetry.js'),
      '--timeout',
      '10000',
      '--exit',
      '--reporter',
      'json',
      '--reporter-option',
      `output=${report}`,
      path.join(buildDir, SMOKE_TEST),
    ],
    { env: { ...process.env, TEST_AXIOS_DIR: axiosDir } }
  );
  if (!fs.existsSync(report)) throw new Error(`mocha wrote no report (exit ${code}):\n${indent(output)}`);
  const result = JSON.parse(fs.readFileSync(report, 'utf8'));
  // The first lines of each message: enough to see the assertion, short enough to read ten of them.
  const message = (test) => String(test.err?.message ?? test.err).trim().split('\n').slice(0, 8).join('\n');
  const failures = result.failures.map((test) => `${test.fullTitle}\n${indent(message(test))}`);
  let failed = result.stats.failures;
  // A crash outside any test (a hook, a load error) or a run of no tests is a failure too.
  if ((code !== 0 && failed === 0) || result.stats.tests === 0) {
    failed += 1;
    failures.push(`mocha exited with ${code} after ${result.stats.tests} tests:\n${indent(output)}`);
  }
  const fetchPassed = result.passes.filter((test) => test.fullTitle.includes(FETCH_SUITE)).length;
  const fetchFailed = result.failures.filter((test) => test.fullTitle.includes(FETCH_SUITE)).length;
  const excluded = result.passes.filter((test) => test.title.startsWith(EXCLUDED_PREFIX)).map((test) => test.title);
  return { passed: result.stats.passes, failed, failures, fetchPassed, fetchFailed, excluded };
}

function fetchColumn(version, result) {
  if (!result.version || !result.ran) return '-';
  if (compareVersions(version, FIRST_FETCH_VERSION) < 0) return 'no (not in this version)';
  if (result.fetchPassed === 0 || result.fetchFailed > 0) return `NO (${result.fetchPassed} passed, ${result.fetchFailed} failed)`;
  return `yes (${result.fetchPassed} tests)`;
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const buildDir = path.resolve(ROOT, args.buildDir);
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-versions-'));
  const results = [];
  // The installs wait on the network and the build on the CPU: overlap them.
  const installs = args.versions.map(([spec]) => install(spec, tempRoot).then((value) => ({ value }), (error) => ({ error })));
  try {
    if (args.build) {
      console.log(`building dist/ and ${path.relative(ROOT, buildDir) || '.'}/ ...`);
      await build(buildDir);
    }
    if (!fs.existsSync(path.join(buildDir, SMOKE_TEST))) throw new Error(`${path.join(buildDir, SMOKE_TEST)} is missing: build first`);

    const seen = new Set();
    for (const [index, [spec, why]] of args.versions.entries()) {
      const installed = await installs[index];
      const result = { spec, why, version: installed.value?.version, passed: 0, failed: 0, failures: [], ran: false };
      results.push(result);
      if (installed.error) {
        result.failed = 1;
        console.log(`axios@${spec} (${why}): NOT INSTALLED\n${indent(installed.error.message)}`);
        continue;
      }
      if (seen.has(result.version)) {
        console.log(`axios ${result.version} (${why}): already tested above`);
        results.pop();
        continue;
      }
      seen.add(result.version);
      const reportDir = fs.mkdtempSync(path.join(tempRoot, 'report-'));
      try {
        Object.assign(result, await runSmoke(buildDir, installed.value.dir, reportDir), { ran: true });
      } catch (error) {
        result.failed += 1;
        result.failures.push(error.message);
      }
      const verdict = result.failed === 0 ? 'ok' : 'FAILED';
      const excluded = result.excluded?.length ?? 0;
      console.log(`axios ${result.version} (${why}): ${verdict}, ${result.passed} passed (${excluded} of them checks of an exclusion), ${result.failed} failed`);
      for (const title of result.excluded ?? []) console.log(`    ${title.split(':')[0]}`);
      for (const failure of result.failures) console.log(indent(failure));
    }
  } finally {
    // Even after a failed build: no npm may still be writing into the folder.
    await Promise.all(installs);
    fs.rmSync(tempRoot, { recursive: true, force: true });
  }

  console.log('');
  console.log('| axios version | tests passed | failed | exclusions checked | fetch adapter covered |');
  console.log('|---|---|---|---|---|');
  for (const result of results) {
    const label = result.version ? `${result.version} (${result.why})` : `axios@${result.spec} (${result.why})`;
    const exclusions = (result.excluded ?? []).map((title) => title.slice(EXCLUDED_PREFIX.length).split(':')[0]).join('; ') || '-';
    console.log(`| ${label} | ${result.passed} | ${result.failed} | ${exclusions} | ${fetchColumn(result.version ?? '0.0.0', result)} |`);
  }
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  console.log('');
  console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.message);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
);
