/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The test page (test/browser/page.js) built by each bundler an application
// may use (esbuild, webpack, Vite, Rollup), each build resolving the package
// by its name, as from node_modules; each page then traces both adapters in
// headless Chromium, the phase events included.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { runWebpack } from '../support/webpack';
import { chromiumEngine } from './engines';
import { assertEngineInstalled, assertPhases, buildPageWithEsbuild, onlySpan, PAGE_ENTRY, PageOutcome, PHASES, ROOT, servePage } from './scenarios';

interface PageBuild {
  code: string;
  /** The bundled files, relative to the project root. */
  inputs: string[];
}

function relativeInputs(files: Iterable<string>): string[] {
  return [...files].map((file) => path.relative(ROOT, path.resolve(ROOT, file)));
}

const VITE: string = 'vite';
interface ViteOutput {
  output: Array<{ type: string; code: string; modules: Record<string, unknown> }>;
}

const BUILDERS: Record<string, () => Promise<PageBuild>> = {
  async esbuild() {
    const { code, inputs } = await buildPageWithEsbuild();
    return { code, inputs: relativeInputs(inputs) };
  },

  async webpack() {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-webpack-'));
    try {
      const stats = await runWebpack({
        context: ROOT,
        entry: PAGE_ENTRY,
        output: { path: outDir, filename: 'page.js' },
        mode: 'none',
        target: 'web',
        devtool: false,
        stats: 'errors-only',
        infrastructureLogging: { level: 'error' },
      });
      const modules = (stats.toJson({ modules: true }).modules ?? []).map((module) => module.nameForCondition ?? '');
      return { code: fs.readFileSync(path.join(outDir, 'page.js'), 'utf8'), inputs: relativeInputs(modules.filter(Boolean)) };
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  },

  async vite() {
    // Vite's types need a newer moduleResolution than this project's: its build() as far as it is used here.
    const { build } = (await import(VITE)) as { build(config: object): Promise<ViteOutput | ViteOutput[]> };
    const result = await build({
      root: ROOT,
      configFile: false,
      logLevel: 'silent',
      build: { write: false, rolldownOptions: { input: PAGE_ENTRY, output: { format: 'iife' } } },
    });
    const outputs = Array.isArray(result) ? result : [result];
    const chunks = outputs.flatMap((output) => output.output).filter((file) => file.type === 'chunk');
    assert.strictEqual(chunks.length, 1);
    return { code: chunks[0].code, inputs: relativeInputs(Object.keys(chunks[0].modules)) };
  },

  async rollup() {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const bundle = await rollup({ input: PAGE_ENTRY, plugins: [nodeResolve({ browser: true })], logLevel: 'silent' });
    try {
      const { output } = await bundle.generate({ format: 'iife' });
      return { code: output[0].code, inputs: relativeInputs(Object.keys(output[0].modules)) };
    } finally {
      await bundle.close();
    }
  },
};

describe('the test page built by esbuild, webpack, Vite and Rollup, in headless Chromium', function () {
  // webpack and Rollup compile axios, the SDK and the package in this process; on a loaded 2-core machine that can take a while.
  this.timeout(180000);

  before(() => assertEngineInstalled(chromiumEngine));

  for (const [bundler, buildPage] of Object.entries(BUILDERS)) {
    it(`${bundler}: the ESM build and the browser platform bundled; both adapters traced, with the phases`, async () => {
      const { code, inputs } = await buildPage();
      const ours = inputs.filter((input) => input.startsWith('dist' + path.sep));
      // Rollup leaves out modules that only re-export (index.js), so the ESM build is known by its instrumentation.js.
      assert.ok(ours.includes(path.join('dist', 'esm', 'instrumentation.js')), ours.join(', '));
      assert.ok(ours.includes(path.join('dist', 'esm', 'platform', 'browser', 'timings.js')), ours.join(', '));
      assert.deepStrictEqual(
        ours.filter((input) => input.includes(`platform${path.sep}node`)),
        []
      );
      const servers = await servePage(code);
      const page = await chromiumEngine.open(servers.pageServer.url('/'));
      try {
        for (const adapter of ['xhr', 'fetch']) {
          await page.call('reset', {});
          const requestPath = `/api/echo?bundler=${bundler}&adapter=${adapter}`;
          const outcome = await page.call<PageOutcome>('request', { url: requestPath, adapter });
          assert.strictEqual(outcome.status, 200, adapter);
          const span = onlySpan(outcome);
          assert.strictEqual(span.attributes['url.full'], servers.pageServer.url(requestPath));
          assert.strictEqual(servers.pageServer.last.headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
          assertPhases(span, PHASES);
        }
        assert.deepStrictEqual((await page.call<{ errors: string[] }>('pageFacts')).errors, []);
      } finally {
        await page.close();
        await servers.close();
      }
    });
  }
});
