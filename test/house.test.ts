/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The house stays in order: lib/ imports in one direction only (no module
// waits on another that waits on it), what a user reads speaks of features
// and reasons rather than the tracker's numbers, and the pages with a word
// budget keep to it.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

import { countWords, REPOSITORY_ROOT } from './support/markdown';

const LIB = path.join(REPOSITORY_ROOT, 'lib');
const BENCH_README_WORD_LIMIT = 1500;
const RELEASE_ENTRY_WORD_LIMIT = 700;

function filesUnder(directory: string, keep: (name: string) => boolean): string[] {
  if (!fs.existsSync(directory)) return [];
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(full, keep);
    return keep(entry.name) ? [full] : [];
  });
}

/** The lib/ modules a module imports (type-only imports and re-exports included), as absolute paths. */
function localImportsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const base = path.resolve(path.dirname(file), specifier);
      const candidate = [`${base}.ts`, path.join(base, 'index.ts')].find((name) => fs.existsSync(name));
      assert.ok(candidate, `${path.relative(REPOSITORY_ROOT, file)} imports ${specifier}, which does not resolve`);
      return candidate;
    });
}

/** Every circle of imports in the graph, each as the chain of files that closes it. */
function importCircles(files: string[]): string[][] {
  const imports = new Map(files.map((file) => [file, localImportsOf(file)]));
  const circles: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, chain: string[]): void => {
    const open = chain.indexOf(file);
    if (open >= 0) {
      circles.push([...chain.slice(open), file]);
      return;
    }
    if (done.has(file)) return;
    for (const next of imports.get(file) ?? []) visit(next, [...chain, file]);
    done.add(file);
  };
  for (const file of files) visit(file, []);
  return circles;
}

/** The text of a Keep a Changelog entry, from its heading to the next release's. */
function releaseEntry(changelog: string, version: string): string | undefined {
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('the house', () => {
  it('lib/ has no circle of imports', () => {
    const files = filesUnder(LIB, (name) => name.endsWith('.ts'));
    assert.ok(files.length >= 15, `only ${files.length} files under lib/`);
    const circles = importCircles(files).map((chain) => chain.map((file) => path.relative(LIB, file)).join(' -> '));
    assert.deepStrictEqual(circles, []);
  });

  it('the check finds a circle when there is one', () => {
    const scratch = fs.mkdtempSync(path.join(REPOSITORY_ROOT, 'build', 'circle-'));
    try {
      fs.writeFileSync(path.join(scratch, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
      fs.writeFileSync(path.join(scratch, 'b.ts'), "export { A as B } from './a';\n");
      fs.writeFileSync(path.join(scratch, 'c.ts'), "import './a';\n");
      const circles = importCircles(['a.ts', 'b.ts', 'c.ts'].map((name) => path.join(scratch, name)));
      assert.deepStrictEqual(
        circles.map((chain) => chain.map((file) => path.basename(file))),
        [['a.ts', 'b.ts', 'a.ts']]
      );
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('no ticket numbers in what users and contributors read: Markdown, code comments, test names, examples', () => {
    const read = [
      ...['README.md', 'CHANGELOG.md', 'bench/README.md']
        .map((name) => path.join(REPOSITORY_ROOT, name))
        .filter((file) => fs.existsSync(file)),
      ...['docs', 'lib', 'test', 'examples', 'scripts'].flatMap((directory) =>
        filesUnder(path.join(REPOSITORY_ROOT, directory), (name) => /\.(?:md|ts|js|cjs|mjs)$/.test(name))
      ),
      ...filesUnder(path.join(REPOSITORY_ROOT, 'bench'), (name) => /\.(?:md|js)$/.test(name)),
    ];
    assert.ok(read.length >= 50, `only ${read.length} files were read`);
    // Built from parts, so that this file does not name what it looks for.
    const ticket = new RegExp(['\\b(?:issue|ticket)s?', '\\s*#?\\d+\\b'].join(''), 'i');
    const found: string[] = [];
    for (const file of read) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (ticket.test(line)) found.push(`${path.relative(REPOSITORY_ROOT, file)}:${index + 1}: ${line.trim()}`);
        });
    }
    assert.deepStrictEqual(found, []);
  });

  it(`bench/README.md stays within ${BENCH_README_WORD_LIMIT} words`, () => {
    const words = countWords(fs.readFileSync(path.join(REPOSITORY_ROOT, 'bench', 'README.md'), 'utf8'), { withCode: true });
    assert.ok(words <= BENCH_README_WORD_LIMIT, `bench/README.md has ${words} words; the limit is ${BENCH_README_WORD_LIMIT}`);
  });

  it(`the first release's CHANGELOG entry stays within ${RELEASE_ENTRY_WORD_LIMIT} words, with an Unreleased section above it`, () => {
    const changelog = fs.readFileSync(path.join(REPOSITORY_ROOT, 'CHANGELOG.md'), 'utf8');
    const entry = releaseEntry(changelog, '0.1.0');
    assert.ok(entry, 'a ## [0.1.0] entry');
    assert.ok(changelog.indexOf('## [Unreleased]') >= 0 && changelog.indexOf('## [Unreleased]') < changelog.indexOf('## [0.1.0]'));
    const words = countWords(entry, { withCode: true });
    assert.ok(words <= RELEASE_ENTRY_WORD_LIMIT, `the 0.1.0 entry has ${words} words; the limit is ${RELEASE_ENTRY_WORD_LIMIT}`);
  });
});
