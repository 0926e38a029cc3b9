/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The zero-code entry point, as a platform starts it: `node --require` (or
// `--import`) `@opentelemetry/auto-instrumentations-node/register` and
// `opentelemetry-instrumentation-axios/register`, configured by environment
// variables only, each app in a child process. The SDK exports over OTLP
// http/json to a receiver in this process, as a collector would receive it.
//
// By default the children run in this project (Node of this process, the
// OpenTelemetry JS line of its devDependencies, the package by its own name).
// scripts/test-zero-code.js runs this same file against an application that
// installed the packed package on the other line: ZERO_CODE_APP_DIR is that
// application's folder, ZERO_CODE_NODE the Node to run it with.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';

import { PACKAGE_NAME } from '../lib/version';
import { ChildRun, projectRoot, runNode } from './support/child';
import { useTestServer } from './support/suite';

const APP_DIR = process.env.ZERO_CODE_APP_DIR;
const NODE = process.env.ZERO_CODE_NODE;
/** Print the CLIENT spans each test saw (scripts/test-zero-code.js sets it, for its log). */
const SHOW_SPANS = process.env.ZERO_CODE_SHOW_SPANS === '1';
// Starting node, the SDK and some forty auto-instrumentations takes a few seconds of CPU on a busy machine.
const CHILD_TIMEOUT_MS = 30000;

const AUTO_REGISTER = '@opentelemetry/auto-instrumentations-node/register';
const AXIOS_REGISTER = `${PACKAGE_NAME}/register`;
const SPAN_KIND_CLIENT = 3; // OTLP's numbering
const HTTP_SCOPE = '@opentelemetry/instrumentation-http';
const ATTR_APP_HOOK = 'app.own_instrumentation';

// argv[2]: the server's origin. A GET, and a POST with headers to capture and redact.
const REQUESTS = `
  await axios.get(origin + '/first');
  await axios.post(origin + '/second', { a: 1 }, { headers: { 'x-app': 'one', authorization: 'Bearer sekrit' } });
`;
const FIXTURES: Record<string, string> = {
  'zero-code-app.cjs': `
const axios = require('axios');
const origin = process.argv[2];
(async () => {${REQUESTS}})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`,
  'zero-code-app.mjs': `
import axios from 'axios';
const origin = process.argv[2];
${REQUESTS}
`,
  // axios loaded (and patched by the register entry point) before the app's own instrumentation exists.
  'zero-code-own.cjs': `
require('axios');
const { AxiosInstrumentation } = require(${JSON.stringify(PACKAGE_NAME)});
new AxiosInstrumentation({ requestHook: (span) => span.setAttribute(${JSON.stringify(ATTR_APP_HOOK)}, true) });
require('./zero-code-app.cjs');
`,
};

type AttributeValue = string | number | boolean | AttributeValue[] | undefined;

interface ExportedSpan {
  scope: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  attributes: Record<string, AttributeValue>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}

function otlpValue(value: OtlpValue): AttributeValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(otlpValue);
  return undefined;
}

interface OtlpScoped<T> {
  scope?: { name?: string };
  spans?: T[];
  metrics?: T[];
}

interface OtlpSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  attributes?: Array<{ key: string; value: OtlpValue }>;
}

interface OtlpMetric {
  name: string;
  histogram?: { dataPoints?: Array<{ count?: number | string }> };
}

describe('Zero-code: node --require / --import opentelemetry-instrumentation-axios/register beside auto-instrumentations-node (child processes)', function () {
  this.timeout(2 * CHILD_TIMEOUT_MS);

  const server = useTestServer();
  // The OTLP http/json receiver: answers as a collector does, keeps what it received.
  const collector = useTestServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  let fixtureDir: string;

  before(() => {
    fixtureDir = APP_DIR ?? fs.mkdtempSync(path.join(projectRoot, 'build', 'zero-code-fixtures-'));
    for (const [name, source] of Object.entries(FIXTURES)) fs.writeFileSync(path.join(fixtureDir, name), source);
  });
  after(() => {
    if (APP_DIR) for (const name of Object.keys(FIXTURES)) fs.rmSync(path.join(APP_DIR, name), { force: true });
    else fs.rmSync(fixtureDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.received.length = 0;
    collector.received.length = 0;
  });

  /** The app run with the given preloads, exporting spans and metrics to the receiver. */
  function runApp(preloads: string[], app: string, env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
    return runNode(
      [...preloads, path.join(fixtureDir, app), server.origin],
      CHILD_TIMEOUT_MS,
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.origin,
        OTEL_NODE_RESOURCE_DETECTORS: 'none',
        OTEL_LOG_LEVEL: 'warn',
        // The two that make CLIENT spans of their own under an axios request; the first test loads them all.
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici',
        ...env,
      },
      { node: NODE, cwd: APP_DIR }
    );
  }

  function received<T>(signal: 'traces' | 'metrics', key: 'spans' | 'metrics'): Array<{ scope: string; item: T }> {
    const resourceKey = signal === 'traces' ? 'resourceSpans' : 'resourceMetrics';
    const scopeKey = signal === 'traces' ? 'scopeSpans' : 'scopeMetrics';
    const items: Array<{ scope: string; item: T }> = [];
    for (const request of collector.received.filter((request) => request.path === `/v1/${signal}`)) {
      const body = JSON.parse(request.body.toString('utf8')) as Record<string, Array<Record<string, Array<OtlpScoped<T>>>>>;
      for (const resource of body[resourceKey] ?? []) {
        for (const scoped of resource[scopeKey] ?? []) {
          for (const item of scoped[key] ?? []) items.push({ scope: scoped.scope?.name ?? '', item });
        }
      }
    }
    return items;
  }

  function clientSpans(): ExportedSpan[] {
    const spans = received<OtlpSpan>('traces', 'spans')
      .map(({ scope, item }) => ({
        scope,
        name: item.name,
        kind: item.kind,
        traceId: item.traceId,
        spanId: item.spanId,
        attributes: Object.fromEntries((item.attributes ?? []).map(({ key, value }) => [key, otlpValue(value)])),
      }))
      .filter((span) => span.kind === SPAN_KIND_CLIENT);
    if (SHOW_SPANS) {
      const seen = spans.map((span) => {
        const url = new URL(String(span.attributes[ATTR_URL_FULL] ?? 'http://unknown/'));
        const atServer = server.received.find((request) => request.path === url.pathname);
        const propagated = atServer?.headers.traceparent === `00-${span.traceId}-${span.spanId}-01`;
        return `${span.name} ${url.pathname} CLIENT ${span.scope}${propagated ? ', its traceparent at the server' : ''}`;
      });
      console.log(`      spans: ${seen.length > 0 ? seen.join('; ') : 'none'}`);
    }
    return spans;
  }

  /** The data points of `http.client.request.duration` from every scope, summed: once per request is the promise. */
  function durationCount(): number {
    return received<OtlpMetric>('metrics', 'metrics')
      // Every scope's: each request is counted once, by this package or by instrumentation-http (durationMetric 'auto').
      .filter(({ item }) => item.name === 'http.client.request.duration')
      .flatMap(({ item }) => item.histogram?.dataPoints ?? [])
      .reduce((sum, point) => sum + Number(point.count ?? 0), 0);
  }

  /** Each of the app's two requests: exactly one CLIENT span, ours, whose context the server received. */
  function assertOneAxiosSpanPerRequest(run: ChildRun): ExportedSpan[] {
    const spans = clientSpans();
    const describe = () => `${JSON.stringify(spans, null, 1)}\n--- stderr\n${run.stderr}`;
    assert.strictEqual(spans.length, 2, `two CLIENT spans, got ${describe()}`);
    return ['/first', '/second'].map((requestPath, index) => {
      const span = spans.find((candidate) => candidate.attributes[ATTR_URL_FULL] === server.url(requestPath));
      assert.ok(span, `a span for ${requestPath}: ${describe()}`);
      assert.strictEqual(span.scope, PACKAGE_NAME);
      assert.strictEqual(span.name, index === 0 ? 'GET' : 'POST');
      const atServer = server.received.filter((request) => request.path === requestPath);
      assert.strictEqual(atServer.length, 1);
      assert.strictEqual(atServer[0].headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
      return span;
    });
  }

  it('--require, after auto-instrumentations-node, CommonJS app: one CLIENT span per request, its context at the server', async () => {
    const run = await runApp(['--require', AUTO_REGISTER, '--require', AXIOS_REGISTER], 'zero-code-app.cjs', {
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: undefined, // every instrumentation auto-instrumentations-node has
    });
    const spans = assertOneAxiosSpanPerRequest(run);
    assert.strictEqual(spans[1].attributes['http.request.header.x-app'], undefined, 'no headers unless asked');
    assert.strictEqual(run.stderr.trim(), '', 'no warning');
  });

  it('--require, before auto-instrumentations-node: the same, and the duration metric reaches the SDK started after it', async () => {
    const run = await runApp(['--require', AXIOS_REGISTER, '--require', AUTO_REGISTER], 'zero-code-app.cjs');
    assertOneAxiosSpanPerRequest(run);
    assert.strictEqual(durationCount(), 2, 'one http.client.request.duration point per request');
  });

  it('--import, ESM app (`import axios`): one CLIENT span per request, its context at the server', async () => {
    const run = await runApp(['--require', AUTO_REGISTER, '--import', AXIOS_REGISTER], 'zero-code-app.mjs');
    assertOneAxiosSpanPerRequest(run);
    assert.strictEqual(durationCount(), 2);
  });

  it('--import, CommonJS app, every auto-instrumentation loaded: the same', async () => {
    const run = await runApp(['--import', AXIOS_REGISTER, '--require', AUTO_REGISTER], 'zero-code-app.cjs', {
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: undefined,
    });
    assertOneAxiosSpanPerRequest(run);
  });

  it('auto-instrumentations-node by --import, this entry point by both --require and --import, ESM app: still one span per request', async () => {
    const run = await runApp(
      ['--import', AUTO_REGISTER, '--require', AXIOS_REGISTER, '--import', AXIOS_REGISTER],
      'zero-code-app.mjs'
    );
    assertOneAxiosSpanPerRequest(run);
  });

  it('this entry point by --require, auto-instrumentations-node by --import after it, CommonJS app: the same', async () => {
    // --import modules run after every --require; on the 3.x line that register is ESM, with an API copy of its own.
    const run = await runApp(['--require', AXIOS_REGISTER, '--import', AUTO_REGISTER], 'zero-code-app.cjs');
    assertOneAxiosSpanPerRequest(run);
    assert.strictEqual(durationCount(), 2);
  });

  it('--require with an ESM app: axios is not traced (the ESM loader hook needs --import); the http span remains', async () => {
    await runApp(['--require', AUTO_REGISTER, '--require', AXIOS_REGISTER], 'zero-code-app.mjs');
    const spans = clientSpans();
    assert.deepStrictEqual(
      spans.map((span) => span.scope),
      [HTTP_SCOPE, HTTP_SCOPE]
    );
  });

  it('options from OTEL_INSTRUMENTATION_AXIOS_*: CAPTURE_HEADERS=true captures headers, sensitive ones still redacted', async () => {
    const run = await runApp(['--require', AUTO_REGISTER, '--require', AXIOS_REGISTER], 'zero-code-app.cjs', {
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_HEADERS: 'true',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_REQUEST_BODY: 'TRUE',
    });
    const [, post] = assertOneAxiosSpanPerRequest(run);
    assert.deepStrictEqual(post.attributes['http.request.header.x-app'], ['one']);
    assert.deepStrictEqual(post.attributes['http.request.header.authorization'], ['[REDACTED]']);
    assert.strictEqual(post.attributes['http.request.body.content'], '{"a":1}');
    assert.strictEqual(run.stderr.trim(), '', 'no warning');
  });

  it('a value that cannot be read: a diag warning, that option at its default, the others applied, the app unharmed', async () => {
    const run = await runApp(['--require', AXIOS_REGISTER, '--require', AUTO_REGISTER], 'zero-code-app.cjs', {
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_HEADERS: 'yes',
      OTEL_INSTRUMENTATION_AXIOS_MAX_BODY_LENGTH: '-5',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_REQUEST_BODY: 'true',
    });
    const [, post] = assertOneAxiosSpanPerRequest(run);
    assert.strictEqual(post.attributes['http.request.header.x-app'], undefined);
    assert.strictEqual(post.attributes['http.request.body.content'], '{"a":1}');
    assert.match(run.stderr, /OTEL_INSTRUMENTATION_AXIOS_CAPTURE_HEADERS="yes" is not 'true' or 'false'/);
    assert.match(run.stderr, /OTEL_INSTRUMENTATION_AXIOS_MAX_BODY_LENGTH="-5" is not a whole number/);
  });

  it('an AxiosInstrumentation the app creates takes over: one span per request, with the app’s options', async () => {
    const run = await runApp(['--require', AUTO_REGISTER, '--require', AXIOS_REGISTER], 'zero-code-own.cjs', {
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_HEADERS: 'true',
    });
    const spans = assertOneAxiosSpanPerRequest(run);
    for (const span of spans) {
      assert.strictEqual(span.attributes[ATTR_APP_HOOK], true, 'the app’s requestHook ran');
      assert.strictEqual(span.attributes['http.request.header.x-app'], undefined, 'the environment’s options no longer apply');
    }
  });

  it('axios in OTEL_NODE_DISABLED_INSTRUMENTATIONS: the entry point starts nothing', async () => {
    await runApp(['--require', AUTO_REGISTER, '--require', AXIOS_REGISTER], 'zero-code-app.cjs', {
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs,axios',
    });
    assert.deepStrictEqual(
      clientSpans().map((span) => span.scope),
      [HTTP_SCOPE, HTTP_SCOPE]
    );
  });

  it('without any SDK: the app runs as without the entry point, nothing recorded, no trace headers sent', async () => {
    const run = await runApp(['--require', AXIOS_REGISTER], 'zero-code-app.cjs');
    assert.deepStrictEqual(collector.received, []);
    assert.deepStrictEqual(
      server.received.map((request) => [request.path, request.headers.traceparent]),
      [
        ['/first', undefined],
        ['/second', undefined],
      ]
    );
    assert.strictEqual(run.stderr.trim(), '');
  });
});
