/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run test:node22`: proves that the package AS PUBLISHED works for users
// on the newest OpenTelemetry JS line (@opentelemetry/api 1.10, sdk-node
// 0.30x, the 3.x SDK), which requires Node >= 22.15 and so cannot run in this
// project's Node 20 test suite, and still works on Node 20 with the 2.x line.
//
// It builds the tarball users would download (`npm pack`, whose `prepare`
// builds dist/), installs it with plain `npm install` into two throw-away
// consumer projects, one per SDK line, each with the Node that line needs
// first on PATH (so npm's engines and peer checks see that Node), and runs
// scripts/smoke-published.js in each, without and with
// @opentelemetry/instrumentation-http registered.
//
// Node 22 comes from the npm registry (the `node` package), the only registry
// reachable here, through scripts/support/runtimes.js; NODE22_BIN=/path/to/node
// uses a Node >= 22.15 you already have instead. The download is kept in
// .cache/node22 when git ignores that folder, else it goes to a temp folder and
// is fetched again on every run. Delete .cache/node22 to get the newest 22.x.
// Everything else is installed under os.tmpdir(), removed after a passing run
// and kept after a failing one (or always, with KEEP_TMP=1).

'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { finishCounted, getRuntime, nodeVersion, npm, packTarball, printTable, run, runCounted } = require('./support/runtimes');

const SMOKE_SCRIPT = path.join(__dirname, 'smoke-published.js');

/** The SDK lines, as a user would write them in package.json. */
const LINES = [
  {
    id: 'otel-3x',
    label: 'OTel JS 3.x',
    node: 'node22',
    traceSdk: '@opentelemetry/sdk-trace', // 3.x has no sdk-trace-base
    dependencies: {
      axios: '^1.0.0',
      '@opentelemetry/api': '~1.10.0',
      '@opentelemetry/sdk-node': '>=0.300.0 <0.400.0',
      '@opentelemetry/sdk-trace': '^3.0.0',
      '@opentelemetry/sdk-metrics': '^3.0.0',
      '@opentelemetry/instrumentation-http': '>=0.300.0 <0.400.0',
    },
  },
  {
    id: 'otel-2x',
    label: 'OTel JS 2.x',
    node: 'current',
    traceSdk: '@opentelemetry/sdk-trace-base',
    dependencies: {
      axios: '^1.0.0',
      '@opentelemetry/api': '~1.9.0',
      '@opentelemetry/sdk-node': '~0.223.0',
      '@opentelemetry/sdk-trace-base': '~2.12.0',
      '@opentelemetry/sdk-metrics': '~2.12.0',
      '@opentelemetry/instrumentation-http': '~0.223.0',
    },
  },
];

function indent(text) {
  return text.trimEnd().replace(/^/gm, '      ');
}

// ---------------------------------------------------------------------------
// The consumers

/** What npm said about peers and engines: the reasons an install can be wrong. */
function installProblems(output) {
  const lines = output.split('\n');
  return {
    peer: lines.filter((line) => /ERESOLVE|peer dep|conflicting peer|Could not resolve dependency|invalid: /i.test(line)),
    engine: lines.filter((line) => /EBADENGINE|Unsupported engine|required: \{/i.test(line)),
    errors: lines.filter((line) => /^npm (ERR!|error)/.test(line)),
  };
}

/** The code of a failed npm command and the lines that say why, e.g. the unmet peer. */
function npmFailure(output) {
  const messages = output
    .split('\n')
    .map((text) => /^npm (?:ERR!|error) ?(.*)$/.exec(text))
    .filter(Boolean)
    .map((match) => match[1].trim());
  const code = messages.find((text) => text.startsWith('code '));
  const why = messages.filter((text) => /^(Found: |peer |notarget No matching|Conflicting peer|engine )/i.test(text));
  const fallback = messages.filter((text) => text && !/^(code |A complete log|For a full report|\/)/.test(text));
  return [code, ...(why.length > 0 ? why : fallback.slice(0, 2))].filter(Boolean).join('; ');
}

async function installConsumer(line, nodeBin, tarball, tmp) {
  const dir = path.join(tmp, line.id);
  fs.mkdirSync(dir);
  const manifest = {
    name: `consumer-${line.id}`,
    version: '1.0.0',
    private: true,
    dependencies: { 'opentelemetry-instrumentation-axios': `file:${tarball}`, ...line.dependencies },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.copyFileSync(SMOKE_SCRIPT, path.join(dir, path.basename(SMOKE_SCRIPT)));

  const install = await npm(nodeBin, ['install'], dir);
  const problems = installProblems(install.output);
  // `npm ls` reports unmet or invalid peers that an install only warned about.
  const ls = install.code === 0 ? await npm(nodeBin, ['ls', '--all'], dir) : { code: 0, output: '' };
  if (ls.code !== 0) {
    const reasons = ls.output.split('\n').filter((text) => /invalid|missing|UNMET|ELSPROBLEMS/.test(text));
    problems.peer.push(...(reasons.length > 0 ? reasons : [`npm ls exited with ${ls.code}`]));
  }
  // The Node npm itself ran on, which is the one its engines checks used.
  const reported = await npm(nodeBin, ['version', '--json'], dir);
  let npmNode;
  try {
    npmNode = JSON.parse(reported.stdout).node;
  } catch {
    npmNode = undefined;
  }
  return { dir, install, ls, problems, npmNode };
}

function linesAfter(text, prefix) {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

async function runSmoke(line, nodeBin, dir, withHttp) {
  const args = [path.basename(SMOKE_SCRIPT), '--trace-sdk', line.traceSdk];
  if (withHttp) args.push('--with-http');
  const env = { ...process.env };
  // Nothing from the environment may configure the SDK or this package behind the script's back.
  for (const key of Object.keys(env)) if (/^OTEL_/.test(key)) delete env[key];
  const result = await run(nodeBin, args, { cwd: dir, env });
  const info = /^SMOKE-INFO (.*)$/m.exec(result.stdout);
  const totals = /^(\d+) passed, (\d+) failed\s*$/m.exec(result.stdout);
  return {
    ...result,
    info: info ? JSON.parse(info[1]) : undefined,
    passed: totals ? Number(totals[1]) : 0,
    failed: totals ? Number(totals[2]) : 1,
    notes: linesAfter(result.stdout, 'note - '),
    failedChecks: linesAfter(result.stdout, 'not ok - '),
  };
}

// ---------------------------------------------------------------------------

const rows = [];
function record(row) {
  rows.push(row);
  console.log(`${row.ok ? 'PASS' : 'FAIL'}  ${row.node}  ${row.line}  ${row.step}: ${row.result}`);
  if (!row.ok && row.detail) console.log(indent(row.detail));
}

function lineDescription(info) {
  if (!info) return '';
  return `api ${info.api}, sdk-node ${info.sdkNode}, ${info.traceSdk.replace('@opentelemetry/', '').replace('@', ' ')}, sdk-metrics ${info.sdkMetrics}`;
}

function printResults() {
  printTable(
    ['Node', 'SDK line', 'case', 'result'],
    rows.map((row) => [row.node, row.line, row.step, `${row.ok ? 'PASS' : 'FAIL'} ${row.result}`])
  );
}

async function main() {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-node22-'));
  const notes = new Set();
  const current = `v${process.versions.node}`;
  console.log(`test:node22: the packed package on Node 22 + OTel JS 3.x and on ${current} + OTel JS 2.x (work dir ${tmp})`);

  const [node22, pack] = await Promise.all([getRuntime('node22', tmp), packTarball(tmp)]);

  const version22 = node22.version;
  const node22Ok = node22.ok;
  record({
    node: version22 ? `v${version22}` : 'node 22',
    line: '-',
    step: 'get Node >= 22.15',
    ok: node22Ok,
    result: version22 ? `v${version22}, ${node22.source}` : `no binary (${node22.source})`,
    detail: node22.log,
  });
  record({
    node: current,
    line: '-',
    step: 'npm pack',
    ok: pack.code === 0 && Boolean(pack.tarball),
    result: pack.tarball ? `${path.basename(pack.tarball)}${pack.reused ? ' (packed earlier from the same sources)' : ''}` : `exit ${pack.code}`,
    detail: pack.output,
  });

  const nodes = { node22: node22Ok ? node22.bin : undefined, current: process.execPath };
  const runnable = LINES.filter((line) => nodes[line.node] && pack.tarball);
  for (const line of LINES.filter((candidate) => !runnable.includes(candidate))) {
    record({ node: line.node, line: line.label, step: 'npm install', ok: false, result: 'not run: no Node or no tarball' });
  }

  const installs = await Promise.all(runnable.map((line) => installConsumer(line, nodes[line.node], pack.tarball, tmp)));
  for (const [index, line] of runnable.entries()) {
    const nodeBin = nodes[line.node];
    const nodeLabel = `v${nodeVersion(nodeBin)}`;
    const consumer = installs[index];
    const { install, problems } = consumer;
    const clean = problems.peer.length === 0 && problems.engine.length === 0;
    const ranOn = consumer.npmNode === nodeLabel.slice(1);
    record({
      node: nodeLabel,
      line: line.label,
      step: 'npm install',
      ok: install.code === 0 && clean && ranOn,
      result:
        install.code !== 0
          ? `exit ${install.code}: ${npmFailure(install.output)}`
          : `${clean ? 'no peer or engine warnings' : `${problems.peer.length} peer, ${problems.engine.length} engine warnings`}` +
            `, npm ran on Node ${consumer.npmNode}, ${install.seconds.toFixed(0)} s`,
      detail: consumer.ls.code === 0 ? install.output : `${install.output}\n${consumer.ls.output}`,
    });
    if (install.code !== 0) continue;

    for (const withHttp of [false, true]) {
      const smoke = await runSmoke(line, nodeBin, consumer.dir, withHttp);
      smoke.notes.forEach((note) => notes.add(note));
      const httpLabel = withHttp ? ` + instrumentation-http ${smoke.info ? smoke.info.instrumentationHttp : ''}` : '';
      record({
        node: smoke.info ? smoke.info.node : nodeLabel,
        line: line.label,
        step: `smoke${httpLabel}`,
        ok: smoke.code === 0 && smoke.failed === 0 && smoke.passed > 0,
        result:
          `${smoke.passed}/${smoke.passed + smoke.failed} checks; ${lineDescription(smoke.info)}` +
          (smoke.failedChecks.length > 0 ? `; failed: ${smoke.failedChecks.join('; ')}` : ''),
        detail: smoke.output,
      });
      if (smoke.info && !withHttp) {
        console.log(
          `      axios ${smoke.info.axios}; the package uses @opentelemetry/instrumentation ${smoke.info.packageInstrumentation}`
        );
      }
    }
  }

  printResults();
  if (notes.size > 0) {
    console.log('\nNotes (not failures):');
    for (const note of notes) console.log(`- ${note}`);
  }
  const passed = rows.filter((row) => row.ok).length;
  const failed = rows.length - passed;
  finishCounted(passed, failed, { tmp, started });
}

runCounted(main);
