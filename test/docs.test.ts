/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The README and docs/ cannot rot: every TypeScript block in them compiles
// against lib/ (one compiler run for all of them), every relative link and
// #anchor resolves, and the README stays within its word budget. The suite
// runs on both OpenTelemetry JS lines, so each block compiles against the
// packages of both; a block that starts with `// OpenTelemetry JS 2.x only`
// (or `3.x only`) shows a set-up of that line and compiles against it alone.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

import { otelLine } from './support/sdk';
import {
  REPOSITORY_ROOT,
  anchorsOf,
  countWords,
  documentationFiles,
  linksOf,
  splitMarkdown,
} from './support/markdown';

const README_WORD_LIMIT = 1800;
const { name: PACKAGE_NAME, version: PACKAGE_VERSION } = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'));
/** Where the registry's files of a published version can be read (the project has no other home yet). */
const PACKAGE_FILES = `https://unpkg.com/browse/${PACKAGE_NAME}@`;
const TYPESCRIPT_LANGUAGES = new Set(['ts', 'typescript']);
const LINE_ONLY = /^\/\/ OpenTelemetry JS ([23])\.x only\b/;

/** Whether a block is for the OpenTelemetry JS line installed: every block but those marked for the other line. */
function isForThisLine(lines: string[]): boolean {
  const only = LINE_ONLY.exec(lines[0] ?? '');
  return !only || Number(only[1]) === otelLine;
}

interface Snippet {
  /** Where the snippet is compiled from: a file that exists only in memory, beside its Markdown file. */
  fileName: string;
  markdownFile: string;
  /** The Markdown line of the snippet's first line. */
  firstLine: number;
  source: string;
}

function typeScriptSnippets(): Snippet[] {
  const snippets: Snippet[] = [];
  for (const markdownFile of documentationFiles()) {
    const text = fs.readFileSync(path.join(REPOSITORY_ROOT, markdownFile), 'utf8');
    for (const block of splitMarkdown(text).blocks) {
      if (!TYPESCRIPT_LANGUAGES.has(block.language) || !isForThisLine(block.lines)) continue;
      snippets.push({
        fileName: path.join(REPOSITORY_ROOT, `${markdownFile}.line-${block.fenceLine + 1}.snippet.ts`),
        markdownFile,
        firstLine: block.fenceLine + 1,
        // Each snippet is a module of its own, so that two snippets may declare the same names.
        source: `${block.lines.join('\n')}\nexport {};\n`,
      });
    }
  }
  return snippets;
}

/**
 * Compiles every snippet in one program. The package's name resolves to
 * lib/index.ts, so a snippet is checked against the source, not a build.
 */
function compileSnippets(snippets: Snippet[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    baseUrl: REPOSITORY_ROOT,
    paths: { 'opentelemetry-instrumentation-axios': ['lib/index.ts'] },
  };
  const byFileName = new Map(snippets.map((snippet) => [snippet.fileName, snippet]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (fileName) => byFileName.get(path.resolve(fileName))?.source ?? readFile(fileName);
  host.fileExists = (fileName) => byFileName.has(path.resolve(fileName)) || fileExists(fileName);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const snippet = byFileName.get(path.resolve(fileName));
    return snippet
      ? ts.createSourceFile(fileName, snippet.source, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const program = ts.createProgram([...byFileName.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${message}`;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const snippet = byFileName.get(path.resolve(diagnostic.file.fileName));
    const where = snippet
      ? `${snippet.markdownFile}:${snippet.firstLine + line}:${character + 1}`
      : `${path.relative(REPOSITORY_ROOT, diagnostic.file.fileName)}:${line + 1}:${character + 1}`;
    return `${where} error TS${diagnostic.code}: ${message}`;
  });
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

describe('documentation', function () {
  it(`every TypeScript block in README.md and docs/ compiles against lib/ and OpenTelemetry JS ${otelLine}.x`, function () {
    this.timeout(180_000);
    const snippets = typeScriptSnippets();
    assert.ok(snippets.length >= 10, `only ${snippets.length} TypeScript blocks were found: is the extraction broken?`);
    const errors = compileSnippets(snippets);
    assert.deepStrictEqual(errors, [], `documentation snippets do not compile:\n${errors.join('\n')}`);
  });

  it("every relative link and #anchor in README.md and docs/ resolves, and every link to the package's files names this version and an existing file", function () {
    const broken: string[] = [];
    let checked = 0;
    let packageLinks = 0;
    for (const markdownFile of documentationFiles()) {
      const text = fs.readFileSync(path.join(REPOSITORY_ROOT, markdownFile), 'utf8');
      for (const { target, line } of linksOf(text)) {
        // The README's links to the package's own files are absolute, so that they work on a registry page too.
        if (target.startsWith(PACKAGE_FILES)) {
          const file = target.slice(PACKAGE_FILES.length).split('#')[0];
          if (!file.startsWith(`${PACKAGE_VERSION}/`) || !fs.existsSync(path.join(REPOSITORY_ROOT, file.slice(PACKAGE_VERSION.length + 1)))) {
            broken.push(`${markdownFile}:${line}: ${target}: not a file of version ${PACKAGE_VERSION}`);
          }
          packageLinks += 1;
          continue;
        }
        if (isExternal(target)) continue;
        checked += 1;
        const [pathPart, anchor] = target.split('#', 2);
        const resolved = pathPart
          ? path.resolve(path.dirname(path.join(REPOSITORY_ROOT, markdownFile)), decodeURIComponent(pathPart))
          : path.join(REPOSITORY_ROOT, markdownFile);
        if (!resolved.startsWith(REPOSITORY_ROOT) || !fs.existsSync(resolved)) {
          broken.push(`${markdownFile}:${line}: ${target}: no such file`);
          continue;
        }
        if (anchor === undefined) continue;
        if (!resolved.endsWith('.md') || !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${markdownFile}:${line}: ${target}: no heading gives #${anchor}`);
        }
      }
    }
    assert.ok(checked >= 5, `only ${checked} relative links were found: is the extraction broken?`);
    assert.ok(packageLinks >= 5, `only ${packageLinks} links to the package's files were found`);
    assert.deepStrictEqual(broken, [], `broken links:\n${broken.join('\n')}`);
  });

  it(`README.md stays within ${README_WORD_LIMIT} words, code blocks included`, function () {
    const readme = fs.readFileSync(path.join(REPOSITORY_ROOT, 'README.md'), 'utf8');
    const words = countWords(readme, { withCode: true });
    assert.ok(words <= README_WORD_LIMIT, `README.md has ${words} words (code blocks included); the limit is ${README_WORD_LIMIT}`);
  });
});
