/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Bundled applications: a small app built with esbuild and with webpack (their
// JS APIs, in this process), each bundle run in a child `node` against a real
// loopback server: axios kept external (the module hook sees it), axios
// inlined with manuallyInstrument(axios) inside the bundle, axios inlined with
// nothing handed over (the documented limit), and a bundle holding two copies
// of axios (one imported, one required).

import * as assert from 'assert';
import * as fs from 'fs';
import type { IncomingHttpHeaders } from 'http';
import * as os from 'os';
import * as path from 'path';
import { SpanKind } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import * as esbuild from 'esbuild';
import webpack from 'webpack';

import { PACKAGE_NAME } from '../lib/version';
import { projectRoot, runNode } from './support/child';
import { SDK_HELPER } from './support/sdk';
import { useTestServer } from './support/suite';

// Starting node and the SDK takes about a second here, several under load; a child is killed after this.
const CHILD_TIMEOUT_MS = 30_000;
// webpack compiles axios, the SDK and the package in this process; on a loaded 2-core machine that can take a while.
const BUILD_TIMEOUT_MS = 180_000;
const SPAN_LINE = 'SPAN ';
const FACT_LINE = 'FACT ';
/** The span the SDK setup starts and ends at once: the proof that spans reach the report at all. */
const READY_SPAN = 'telemetry-ready';

/**
 * The SDK and its report, shared by the preload (run as it is) and by the
 * bundle that sets up its own telemetry (inlined). Spans are kept in memory
 * and printed as JSON lines when the process exits, with the axios files that
 * Node's module loader loaded: none when axios is inlined in the bundle.
 */
const REPORT_SPANS = `
const { InMemorySpanExporter, createTracerProvider, registerGlobally, simpleSpanProcessor } = require(${JSON.stringify(SDK_HELPER)});
const Module = require('module');

const exporter = new InMemorySpanExporter();
const provider = registerGlobally(createTracerProvider({ spanProcessors: [simpleSpanProcessor(exporter)] }));
provider.getTracer('report-spans').startSpan(${JSON.stringify(READY_SPAN)}).end();

process.on('exit', () => {
  const fact = (name, value) => process.stdout.write(${JSON.stringify(FACT_LINE)} + JSON.stringify({ name, value }) + '\\n');
  fact('axios files loaded by require', Object.keys(Module._cache).filter((file) => /[\\\\/]node_modules[\\\\/]axios[\\\\/]/.test(file)).length);
  for (const span of exporter.getFinishedSpans()) {
    const { traceId, spanId } = span.spanContext();
    process.stdout.write(${JSON.stringify(SPAN_LINE)} + JSON.stringify({
      name: span.name, kind: span.kind, traceId, spanId,
      scope: span.instrumentationScope.name, attributes: span.attributes,
    }) + '\\n');
  }
});
`;

const FIXTURES: Record<string, string> = {
  'report-spans.js': REPORT_SPANS,

  // The preload, as the README shows it: `node -r ./telemetry.js bundle.js`.
  'telemetry.js': `
require('./report-spans.js');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { AxiosInstrumentation } = require(${JSON.stringify(PACKAGE_NAME)});

const axiosInstrumentation = new AxiosInstrumentation();
registerInstrumentations({ instrumentations: [axiosInstrumentation] });
process.on('exit', () =>
  process.stdout.write(${JSON.stringify(FACT_LINE)} + JSON.stringify({ name: 'instrumentation enabled', value: axiosInstrumentation.isEnabled() }) + '\\n')
);
`,

  // The app: one request; argv[2] is the URL.
  'app.js': `
import axios from 'axios';

axios.get(process.argv[2]).then((response) => console.log(${JSON.stringify(FACT_LINE)} + JSON.stringify({ name: 'status', value: response.status })));
`,

  // Telemetry set up inside the bundle, imported first by the entry point:
  // the copy of axios it hands over is the one the bundle inlined.
  'telemetry-in-bundle.js': `
import axios from 'axios';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AxiosInstrumentation } from ${JSON.stringify(PACKAGE_NAME)};
import './report-spans.js';

export const axiosInstrumentation = new AxiosInstrumentation();
registerInstrumentations({ instrumentations: [axiosInstrumentation] });
axiosInstrumentation.manuallyInstrument(axios);
`,

  'app-with-telemetry.js': `
import './telemetry-in-bundle.js';
import './app.js';
`,

  // Code that imports axios and code that requires it: the bundler inlines
  // axios' ESM build for the one and its CommonJS build for the other.
  'app-import-and-require.js': `
import { axiosInstrumentation } from './telemetry-in-bundle.js';
import importedAxios from 'axios';
const requiredAxios = require('axios');

const fact = (name, value) => console.log(${JSON.stringify(FACT_LINE)} + JSON.stringify({ name, value }));
(async () => {
  fact('one Axios class', importedAxios.Axios === requiredAxios.Axios);
  const base = process.argv[2];
  await importedAxios.get(base + '/import');
  await requiredAxios.get(base + '/require');
  axiosInstrumentation.manuallyInstrument(requiredAxios);
  await requiredAxios.get(base + '/require-handed-over');
})();
`,
};

type Build = 'external' | 'inlined' | 'manual' | 'twin';

/**
 * Two builds per bundler, each named output from its entry point: axios left
 * to require() at run time, then axios inlined (the three outputs in one build,
 * so that webpack reads axios and the SDK once).
 */
const BUILDS: Array<{ axiosExternal: boolean; entries: Partial<Record<Build, string>> }> = [
  { axiosExternal: true, entries: { external: 'app.js' } },
  { axiosExternal: false, entries: { inlined: 'app.js', manual: 'app-with-telemetry.js', twin: 'app-import-and-require.js' } },
];

interface Bundler {
  /** Builds each entry (a file in `dir`) into `<outDir>/<name>.js`; axios left to require() at run time when `axiosExternal`. */
  build(dir: string, entries: Record<string, string>, outDir: string, axiosExternal: boolean): Promise<void>;
}

const BUNDLERS: Record<string, Bundler> = {
  esbuild: {
    async build(dir, entries, outDir, axiosExternal) {
      await esbuild.build({
        absWorkingDir: dir,
        entryPoints: Object.entries(entries).map(([name, entry]) => ({ in: path.join(dir, entry), out: name })),
        outdir: outDir,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        external: axiosExternal ? ['axios'] : [],
        logLevel: 'silent',
      });
    },
  },
  webpack: {
    build(dir, entries, outDir, axiosExternal) {
      const compiler = webpack({
        context: dir,
        entry: Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, path.join(dir, entry)])),
        output: { path: outDir, filename: '[name].js' },
        mode: 'none',
        target: 'node',
        devtool: false,
        externals: axiosExternal ? { axios: 'commonjs axios' } : [],
        // The SDK's optional and dynamic requires give warnings that change nothing here.
        stats: 'errors-only',
        infrastructureLogging: { level: 'error' },
      });
      return new Promise((resolve, reject) => {
        compiler.run((error, stats) => {
          compiler.close(() => {
            if (error) return reject(error);
            if (stats?.hasErrors()) return reject(new Error(stats.toString('errors-only')));
            resolve();
          });
        });
      });
    },
  },
};

interface ChildSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  scope: string;
  attributes: Record<string, unknown>;
}

interface ChildOutput {
  spans: ChildSpan[];
  facts: Map<string, unknown>;
}

async function runForSpans(args: string[]): Promise<ChildOutput> {
  const run = await runNode(args, CHILD_TIMEOUT_MS);
  return {
    spans: run.linesStartingWith(SPAN_LINE) as ChildSpan[],
    facts: new Map((run.linesStartingWith(FACT_LINE) as Array<{ name: string; value: unknown }>).map(({ name, value }) => [name, value])),
  };
}

/**
 * A folder laid out as an application's: its sources, and node_modules with
 * axios, the OpenTelemetry packages and this package (linked to the project,
 * whose package.json leads to the built dist/).
 */
function makeAppDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-bundled-'));
  for (const [name, source] of Object.entries(FIXTURES)) fs.writeFileSync(path.join(dir, name), source);
  const nodeModules = path.join(dir, 'node_modules');
  fs.mkdirSync(nodeModules);
  fs.symlinkSync(path.join(projectRoot, 'node_modules', 'axios'), path.join(nodeModules, 'axios'), 'dir');
  fs.symlinkSync(path.join(projectRoot, 'node_modules', '@opentelemetry'), path.join(nodeModules, '@opentelemetry'), 'dir');
  fs.symlinkSync(projectRoot, path.join(nodeModules, PACKAGE_NAME), 'dir');
  return dir;
}

describe('bundled applications (esbuild, webpack; bundles run in child processes)', function () {
  this.timeout(2 * CHILD_TIMEOUT_MS);

  const server = useTestServer();
  before(() => {
    assert.ok(fs.existsSync(path.join(projectRoot, 'dist', 'index.js')), 'the package is built (npm run build)');
  });

  const headersAt = (requestPath: string): IncomingHttpHeaders[] =>
    server.received.filter((request) => request.path === requestPath).map((request) => request.headers);

  /** The SDK's spans reached the report, and the request reached the server once: its headers. */
  function receivedOnce(output: ChildOutput, requestPath: string): IncomingHttpHeaders {
    assert.ok(
      output.spans.some((span) => span.name === READY_SPAN),
      `the SDK reported its own span: ${JSON.stringify(output.spans)}`
    );
    const received = headersAt(requestPath);
    assert.strictEqual(received.length, 1, `the server received one request on ${requestPath}`);
    return received[0];
  }

  /** This package's spans for the request. */
  const spansFor = (output: ChildOutput, requestPath: string): ChildSpan[] =>
    output.spans.filter((span) => span.scope === PACKAGE_NAME && span.attributes[ATTR_URL_FULL] === server.url(requestPath));

  /** One GET CLIENT span of this package for the request, and the server got its context. */
  function assertTracedOnce(output: ChildOutput, requestPath: string): void {
    const headers = receivedOnce(output, requestPath);
    const ours = spansFor(output, requestPath);
    assert.strictEqual(ours.length, 1, `one span of ${PACKAGE_NAME} for ${requestPath}: ${JSON.stringify(output.spans)}`);
    const [span] = ours;
    assert.strictEqual(span.kind, SpanKind.CLIENT);
    assert.strictEqual(span.name, 'GET');
    assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_METHOD], 'GET');
    assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200);
    assert.strictEqual(headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
  }

  /** The request went out with no span of this package and no trace context. */
  function assertUntraced(output: ChildOutput, requestPath: string): void {
    const headers = receivedOnce(output, requestPath);
    assert.deepStrictEqual(spansFor(output, requestPath), [], `no span of ${PACKAGE_NAME} for ${requestPath}`);
    assert.strictEqual(headers.traceparent, undefined);
  }

  for (const [bundlerName, bundler] of Object.entries(BUNDLERS)) {
    describe(`built with ${bundlerName}`, () => {
      let appDir: string;
      const bundles = {} as Record<Build, string>;

      before(async function () {
        this.timeout(BUILD_TIMEOUT_MS);
        appDir = makeAppDir();
        const outDir = path.join(appDir, 'dist');
        for (const { axiosExternal, entries } of BUILDS) {
          await bundler.build(appDir, entries as Record<string, string>, outDir, axiosExternal);
          for (const build of Object.keys(entries) as Build[]) bundles[build] = path.join(outDir, `${build}.js`);
        }
      });
      after(() => {
        if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
      });

      it('axios kept external: the module hook traces it with only the SDK in a preload (node -r ./telemetry.js)', async () => {
        const requestPath = `/${bundlerName}/external`;
        const output = await runForSpans(['-r', path.join(appDir, 'telemetry.js'), bundles.external, server.url(requestPath)]);
        assert.ok((output.facts.get('axios files loaded by require') as number) > 0, 'axios was loaded from node_modules');
        assert.strictEqual(output.facts.get('status'), 200);
        assertTracedOnce(output, requestPath);
        assert.strictEqual(output.spans.filter((span) => span.scope === PACKAGE_NAME).length, 1, 'no other span');
      });

      it('axios inlined, manuallyInstrument(axios) called inside the bundle: traced, no preload needed', async () => {
        const requestPath = `/${bundlerName}/manual`;
        const output = await runForSpans([bundles.manual, server.url(requestPath)]);
        assert.strictEqual(output.facts.get('axios files loaded by require'), 0, 'axios is inlined in the bundle');
        assert.strictEqual(output.facts.get('status'), 200);
        assertTracedOnce(output, requestPath);
        assert.strictEqual(output.spans.filter((span) => span.scope === PACKAGE_NAME).length, 1, 'no other span');
      });

      it('axios inlined and not handed over: no span and no traceparent, the preload notwithstanding (the documented limit)', async () => {
        const requestPath = `/${bundlerName}/inlined`;
        const output = await runForSpans(['-r', path.join(appDir, 'telemetry.js'), bundles.inlined, server.url(requestPath)]);
        assert.strictEqual(output.facts.get('axios files loaded by require'), 0, 'axios is inlined in the bundle');
        assert.strictEqual(output.facts.get('instrumentation enabled'), true);
        assert.strictEqual(output.facts.get('status'), 200);
        assertUntraced(output, requestPath);
        assert.deepStrictEqual(output.spans.filter((span) => span.scope === PACKAGE_NAME), [], 'no span of this package at all');
      });

      it('a bundle that both imports and requires axios holds two copies: each must be handed over', async () => {
        const base = server.url(`/${bundlerName}/twin`);
        const output = await runForSpans([bundles.twin, base]);
        assert.strictEqual(output.facts.get('axios files loaded by require'), 0, 'axios is inlined in the bundle');
        assert.strictEqual(output.facts.get('one Axios class'), false, 'two copies of axios in the bundle');
        assertTracedOnce(output, `/${bundlerName}/twin/import`);
        assertUntraced(output, `/${bundlerName}/twin/require`);
        assertTracedOnce(output, `/${bundlerName}/twin/require-handed-over`);
      });
    });
  }
});
