/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The ways users register an instrumentation, each in a fresh `node` process:
// this mocha process already has its one tracer provider and instrumentation.

import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SpanKind } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';

import { PACKAGE_NAME } from '../lib/version';
import { SDK_HELPER } from './support/sdk';
import { useTestServer } from './support/suite';
import { resetInstrumentation } from './support/telemetry';

// The compiled test runs from <outDir>/test: the compiled package is <outDir>/lib.
const compiledPackage = path.resolve(__dirname, '..', 'lib', 'index.js');
const projectRoot = path.resolve(__dirname, '..', '..');

interface PrintedSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  scope: string;
  attributes: Record<string, unknown>;
}

const SPAN_LINE = 'SPAN ';

// Shared by every child script: an exporter that prints each span as one JSON line.
const PRINTING_EXPORTER = `
const printingExporter = {
  export(spans, done) {
    for (const span of spans) {
      const { traceId, spanId } = span.spanContext();
      process.stdout.write(${JSON.stringify(SPAN_LINE)} + JSON.stringify({
        name: span.name, kind: span.kind, traceId, spanId,
        scope: span.instrumentationScope.name, attributes: span.attributes,
      }) + '\\n');
    }
    done({ code: 0 });
  },
  shutdown() { return Promise.resolve(); },
  forceFlush() { return Promise.resolve(); },
};
`;

/** Requires axios only after the SDK is set up, requests `url`, flushes, exits. */
function requestAndFlush(shutdown: string): string {
  return `
const axios = require('axios');
axios.get(process.argv[2]).then(
  (response) => { if (response.status !== 200) throw new Error('status ' + response.status); },
).then(() => ${shutdown}).then(
  () => process.exit(0),
  (error) => { console.error(error); process.exit(1); },
);
`;
}

const SCRIPTS: Record<string, string> = {
  'node-sdk.js': `
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { AxiosInstrumentation } = require(${JSON.stringify(compiledPackage)});
${PRINTING_EXPORTER}
const sdk = new NodeSDK({ traceExporter: printingExporter, instrumentations: [new AxiosInstrumentation()] });
sdk.start();
${requestAndFlush('sdk.shutdown()')}
`,
  'register-instrumentations.js': `
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { createTracerProvider, registerGlobally, simpleSpanProcessor } = require(${JSON.stringify(SDK_HELPER)});
const { AxiosInstrumentation } = require(${JSON.stringify(compiledPackage)});
${PRINTING_EXPORTER}
const provider = registerGlobally(createTracerProvider({ spanProcessors: [simpleSpanProcessor(printingExporter)] }));
registerInstrumentations({ instrumentations: [new AxiosInstrumentation()] });
${requestAndFlush('provider.shutdown()')}
`,
};

/** Runs a script in a fresh `node` (never blocking this process: it serves the requests). */
function runChild(script: string, url: string): Promise<PrintedSpan[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, url],
      {
        cwd: projectRoot,
        timeout: 20000,
        env: {
          // The parent's OTEL_* settings (e.g. capture-all) must not change what the child records.
          ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_'))),
          // The scripts live in a temporary folder: resolve packages from the project.
          NODE_PATH: path.join(projectRoot, 'node_modules'),
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
          OTEL_LOG_LEVEL: 'error',
        },
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${path.basename(script)} failed: ${error.message}\n${stdout}\n${stderr}`));
          return;
        }
        const spans = stdout
          .split('\n')
          .filter((line) => line.startsWith(SPAN_LINE))
          .map((line) => JSON.parse(line.slice(SPAN_LINE.length)) as PrintedSpan);
        resolve(spans);
      }
    );
  });
}

describe('registration: the instrumentation works when registered the usual ways (child processes)', function () {
  // A child process starting an SDK takes a second or two on a busy machine.
  this.timeout(30000);

  const server = useTestServer();
  let scriptDir: string;
  before(async () => {
    assert.ok(fs.existsSync(compiledPackage), `the compiled package is at ${compiledPackage}`);
    scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), 'axios-instrumentation-registration-'));
    for (const [name, source] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(scriptDir, name), source);
  });
  after(async () => {
    fs.rmSync(scriptDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    resetInstrumentation();
    server.received.length = 0;
  });

  const cases: Array<[string, string]> = [
    ['new NodeSDK({ instrumentations }).start()', 'node-sdk.js'],
    ['registerInstrumentations({ instrumentations }) with a tracer provider registered globally', 'register-instrumentations.js'],
  ];

  for (const [how, script] of cases) {
    it(`${how}, then require('axios'): one CLIENT span with the URL, propagated to the server`, async () => {
      const url = server.url(`/registered/${path.basename(script, '.js')}`);
      const spans = await runChild(path.join(scriptDir, script), url);

      assert.strictEqual(spans.length, 1, `expected one span, got ${JSON.stringify(spans)}`);
      const [span] = spans;
      assert.strictEqual(span.kind, SpanKind.CLIENT);
      assert.strictEqual(span.scope, PACKAGE_NAME);
      assert.strictEqual(span.name, 'GET');
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_METHOD], 'GET');
      assert.strictEqual(span.attributes[ATTR_URL_FULL], url);
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200);

      assert.strictEqual(server.received.length, 1);
      assert.strictEqual(server.last.headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
    });
  }
});
