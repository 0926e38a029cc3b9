/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The project on the OpenTelemetry JS 3.x line: an install tree whose
// node_modules holds what test/otel3/package.json pins (api 1.10,
// instrumentation 0.301, sdk-trace 3.x and the suite's own tools), with a copy
// of the project beside it (its files, build/ and dist/). Node resolves a
// package from the folder of the file that requires it, so a copy, not a link,
// is what makes the compiled suite, its child processes, its bundles and the
// examples load the 3.x packages. lib/ is the same source on both lines.
//
// The tree lives outside the repository, in the system's temp folder under a
// name derived from the repository's path: inside it, a package missing from
// the tree would be found in the project's own node_modules (2.x) further up.
// It is kept between runs and installed again only when the lock file or the
// Node major changes.

'use strict';

const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO, npm, nodeVersion, run } = require('./runtimes');

const MANIFEST_DIR = path.join(REPO, 'test', 'otel3');
const KEY_FILE = '.installed-from';
/** What the copy of the project leaves alone on refresh. */
const KEPT = new Set(['node_modules', KEY_FILE]);

function installKey(nodeBin) {
  const lock = fs.readFileSync(path.join(MANIFEST_DIR, 'package-lock.json'));
  const major = (nodeVersion(nodeBin) || '0').split('.')[0];
  return `${crypto.createHash('sha256').update(lock).digest('hex')} node${major}\n`;
}

/** The project's files as git sees them (tracked, and new ones not ignored), plus the builds. */
function projectFiles() {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout
    .split('\0')
    .filter((file) => file && !file.startsWith('test/otel3/') && file !== 'package-lock.json')
    .filter((file) => fs.existsSync(path.join(REPO, file)));
}

/** Replaces the tree's copy of the project with the current one. */
function copyProject(dir) {
  for (const entry of fs.readdirSync(dir)) {
    if (!KEPT.has(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  for (const file of projectFiles()) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
  }
  for (const built of ['build', 'dist']) {
    if (fs.existsSync(path.join(REPO, built))) fs.cpSync(path.join(REPO, built), path.join(dir, built), { recursive: true });
  }
}

/**
 * The 3.x tree, installed with `nodeBin` first on PATH (npm's engines checks
 * see that Node), with a fresh copy of the project: { ok, dir, log, source }.
 */
async function prepareOtel3Tree(nodeBin) {
  const repoId = crypto.createHash('sha256').update(REPO).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `otel-axios-otel3-suite-${repoId}`);
  const key = installKey(nodeBin);
  const keyFile = path.join(dir, KEY_FILE);
  let log = '';
  let source = `reused ${dir}`;
  if (!fs.existsSync(keyFile) || fs.readFileSync(keyFile, 'utf8') !== key) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(MANIFEST_DIR, file), path.join(dir, file));
    const installed = await npm(nodeBin, ['ci', '--no-audit', '--no-fund'], dir);
    log = installed.output;
    if (installed.code !== 0) return { ok: false, dir, log, source: `npm ci exited with ${installed.code}` };
    fs.writeFileSync(keyFile, key);
    source = `npm ci in ${dir}, ${installed.seconds.toFixed(0)} s`;
  }
  // The project's own package.json replaces the install manifest: the suite
  // reads it, and bundles resolve the package by its name through it.
  copyProject(dir);
  // The proof that nothing of the 2.x line can be reached from the tree.
  const check = await run(
    nodeBin,
    ['-e', `const line = require('./test/fixtures/sdk.js').line;
let base = 'absent'; try { require.resolve('@opentelemetry/sdk-trace-base'); base = 'found'; } catch {}
const fs = require('node:fs');
const manifest = require.resolve('@opentelemetry/instrumentation').replace(/(node_modules[\\\\/]@opentelemetry[\\\\/]instrumentation)[\\\\/].*$/, '$1/package.json');
console.log(JSON.stringify({ line, base, instrumentation: JSON.parse(fs.readFileSync(manifest, 'utf8')).version }));`],
    { cwd: dir }
  );
  let seen;
  try {
    seen = JSON.parse(check.stdout);
  } catch {
    return { ok: false, dir, log: check.output, source: 'the tree does not load' };
  }
  if (seen.line !== 3 || seen.base !== 'absent') {
    return { ok: false, dir, log: check.output, source: `the tree is not on 3.x alone: ${check.stdout.trim()}` };
  }
  return { ok: true, dir, log, source: `${source}; @opentelemetry/instrumentation ${seen.instrumentation}` };
}

module.exports = { prepareOtel3Tree };
