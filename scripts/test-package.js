#!/usr/bin/env node
/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run test:package`: the package AS PUBLISHED is complete and well
// formed. On the tarball `npm pack` builds:
//
// - publint finds no error and no warning (its suggestions are printed);
// - arethetypeswrong finds no problem;
// - every link in README.md leads to a file in the tarball, or is absolute;
// - installed into a scratch project with plain `npm install`, its types
//   resolve for a CommonJS file and an ES module under `moduleResolution`
//   node16, nodenext and bundler (and bundler with the `browser` condition,
//   which leads `import` to the ESM build). Each consumer also makes a
//   deliberate type error, marked @ts-expect-error: if the package's types
//   resolved to `any`, that marker would be unused and the check would fail.
//
// Prints one line per check and ends with `N passed, N failed`. The scratch
// project is under os.tmpdir(), removed after a passing run (KEEP_TMP=1 keeps it).

'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO, finishCounted, npm, packTarball, run, runCounted } = require('./support/runtimes');

const PACKAGE = require(path.join(REPO, 'package.json'));
const BIN = path.join(REPO, 'node_modules', '.bin');
const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

const results = [];

function record(name, passed, detail = '') {
  results.push({ name, passed });
  console.log(`${passed ? 'ok  ' : 'FAIL'} ${name}`);
  if (detail && (!passed || process.env.VERBOSE)) console.log(detail.trimEnd().replace(/^/gm, '     '));
}

// ---------------------------------------------------------------------------
// The linters

async function lint(tarball) {
  // --strict: warnings fail as errors do; suggestions are printed, not counted.
  const publint = await run(path.join(BIN, 'publint'), ['--strict', tarball], { cwd: REPO });
  const warned = /^(Warnings|Errors):/m.test(publint.output);
  record('publint: no error, no warning', publint.code === 0 && !warned, publint.output);
  const suggestions = /^Suggestions:\n([\s\S]*)/m.exec(publint.output);
  if (suggestions) console.log(`     publint suggests (not counted):\n${suggestions[1].trimEnd().replace(/^/gm, '     ')}`);

  const attw = await run(path.join(BIN, 'attw'), [tarball, '--format', 'ascii'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
  record('arethetypeswrong: no problem', attw.code === 0 && /No problems found/.test(attw.output), attw.output);
}

// ---------------------------------------------------------------------------
// The README's links

/** The files in the tarball, as paths inside the package (`README.md`, `docs/options.md`). */
async function tarballFiles(tarball) {
  const listing = await run('tar', ['-tzf', tarball]);
  return new Set(listing.stdout.split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, '')));
}

/** Links outside code, in `[text](target)` form, with their lines. */
function markdownLinks(text) {
  const links = [];
  let inCode = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) inCode = !inCode;
    if (inCode) return;
    for (const match of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) links.push({ target: match[1], line: index + 1 });
  });
  return links;
}

async function checkReadmeLinks(tarball, files) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  await run('tar', ['-xzf', tarball, '-C', scratch, 'package/README.md']);
  const readme = fs.readFileSync(path.join(scratch, 'package', 'README.md'), 'utf8');
  fs.rmSync(scratch, { recursive: true, force: true });
  const broken = [];
  const links = markdownLinks(readme);
  // The links to the package's own files are absolute (a registry page resolves no relative link): they
  // must name this version and a file that the tarball holds.
  const packageFiles = `https://unpkg.com/browse/${PACKAGE.name}@`;
  for (const { target, line } of links) {
    let relative = target;
    if (target.startsWith(packageFiles)) {
      const rest = target.slice(packageFiles.length);
      if (!rest.startsWith(`${PACKAGE.version}/`)) broken.push(`README.md:${line}: ${target} is not version ${PACKAGE.version}`);
      relative = rest.slice(rest.indexOf('/') + 1);
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    const file = path.posix.normalize(decodeURIComponent(relative.split('#')[0])).replace(/\/$/, '');
    const shipped = files.has(file) || [...files].some((name) => name.startsWith(`${file}/`));
    if (!shipped) broken.push(`README.md:${line}: ${target} is not in the tarball`);
  }
  record(
    `every link in the packed README.md to the package's files leads to a file in the tarball (${links.length} links)`,
    links.length >= 5 && broken.length === 0,
    broken.join('\n') || `only ${links.length} links found`
  );
}

// ---------------------------------------------------------------------------
// The consumers' types

const CONSUMER_TS = `import { AxiosInstrumentation, DEFAULT_SENSITIVE_HEADERS, type AxiosInstrumentationConfig } from '${PACKAGE.name}';
import * as whole from '${PACKAGE.name}';

const config: AxiosInstrumentationConfig = { captureAll: true, sensitiveHeaders: [...DEFAULT_SENSITIVE_HEADERS, 'x-tenant'] };
const instrumentation: AxiosInstrumentation = new whole.AxiosInstrumentation(config);
instrumentation.setConfig({ urlFilter: (url) => url.origin });
// @ts-expect-error captureAll is a boolean: fails only if the types resolved to something real
new AxiosInstrumentation({ captureAll: 'yes' });
export const versions: string[] = whole.SUPPORTED_AXIOS_VERSIONS;
`;

const CONSUMER_CTS = `import axiosInstrumentation = require('${PACKAGE.name}');

const config: axiosInstrumentation.AxiosInstrumentationConfig = { captureHeaders: true };
const instrumentation: axiosInstrumentation.AxiosInstrumentation = new axiosInstrumentation.AxiosInstrumentation(config);
instrumentation.disable();
// @ts-expect-error maxBodyLength is a number: fails only if the types resolved to something real
new axiosInstrumentation.AxiosInstrumentation({ maxBodyLength: '16' });
export = instrumentation;
`;

/** Each setting type-checks a CommonJS file (.cts) and an ES module (.mts; .ts under bundler). */
const RESOLUTIONS = [
  { name: 'node16', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, esm: 'consumer.mts' },
  { name: 'nodenext', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' }, esm: 'consumer.mts' },
  // `preserve`: what a bundler reads, `import x = require()` in a .cts included.
  { name: 'bundler', compilerOptions: { module: 'preserve', moduleResolution: 'bundler' }, esm: 'consumer.ts' },
  {
    name: 'bundler, browser condition',
    compilerOptions: { module: 'preserve', moduleResolution: 'bundler', customConditions: ['browser'] },
    esm: 'consumer.ts',
  },
];

async function checkConsumerTypes(tarball, tmp) {
  const consumer = path.join(tmp, 'consumer');
  fs.mkdirSync(consumer, { recursive: true });
  fs.writeFileSync(path.join(consumer, 'package.json'), '{ "private": true }\n');
  const install = await npm(
    process.execPath,
    // The base package is an optional peer: an app with no SDK package bringing it installs it, as here (the 2.x line, for Node 20).
    ['install', '--no-audit', '--no-fund', tarball, '@opentelemetry/api@~1.9.0', '@opentelemetry/instrumentation@~0.223.0', 'axios@^1', '@types/node@^20'],
    consumer
  );
  record('the tarball installs into a scratch project with plain npm install', install.code === 0, install.output);
  if (install.code !== 0) return;

  for (const file of ['consumer.ts', 'consumer.mts']) fs.writeFileSync(path.join(consumer, file), CONSUMER_TS);
  fs.writeFileSync(path.join(consumer, 'consumer.cts'), CONSUMER_CTS);
  for (const { name, compilerOptions, esm } of RESOLUTIONS) {
    const tsconfig = path.join(consumer, `tsconfig.${name.replace(/\W+/g, '-')}.json`);
    const options = { target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], ...compilerOptions };
    fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: options, files: [esm, 'consumer.cts'] }, null, 2));
    const result = await run(process.execPath, [TSC, '-p', tsconfig, '--traceResolution'], { cwd: consumer });
    const errors = result.stdout.split('\n').filter((line) => /error TS/.test(line));
    // Where the package's name led, as the compiler says: not an `any` from a missing file.
    const resolvedTo = [
      ...new Set(
        [...result.stdout.matchAll(new RegExp(`Module name '${PACKAGE.name}' was successfully resolved to '([^']+)'`, 'g'))].map(
          ([, file]) => path.relative(path.join(consumer, 'node_modules', PACKAGE.name), file)
        )
      ),
    ];
    record(
      `types resolve under moduleResolution ${name}, for a CommonJS file and an ES module (${resolvedTo.join(', ')})`,
      result.code === 0 && errors.length === 0 && resolvedTo.length > 0,
      errors.join('\n') || result.output.slice(-2000)
    );
  }
}

// ---------------------------------------------------------------------------

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'test-package-'));
  const packed = await packTarball(tmp);
  record('npm pack builds one tarball', Boolean(packed.tarball), packed.output);
  if (packed.tarball) {
    await lint(packed.tarball);
    await checkReadmeLinks(packed.tarball, await tarballFiles(packed.tarball));
    await checkConsumerTypes(packed.tarball, tmp);
  }
  const passed = results.filter((result) => result.passed).length;
  const failed = results.length - passed;
  finishCounted(passed, failed, { tmp });
}

runCounted(main);
