/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A user's-eye smoke test of the PUBLISHED package. scripts/test-node22.js
// copies this file into a throw-away consumer project that installed the
// `npm pack` tarball next to axios and one OpenTelemetry SDK line, and runs it
// there, so that everything below is resolved the way a user's application
// resolves it: from that project's node_modules, through the package's
// `exports`, with whatever @opentelemetry/* versions npm picked. It must not
// reach into the repository (no lib/, no test/support/), and it stays plain
// CommonJS so that it runs unchanged on every Node version and SDK line.
//
// Usage: node smoke-published.js --trace-sdk <package> [--with-http]
//   --trace-sdk   the package exporting InMemorySpanExporter and
//                 SimpleSpanProcessor: @opentelemetry/sdk-trace-base on the
//                 2.x line, @opentelemetry/sdk-trace on the 3.x line (which
//                 has no sdk-trace-base).
//   --with-http   also register @opentelemetry/instrumentation-http, as most
//                 applications using getNodeAutoInstrumentations() do.
// Prints a `SMOKE-INFO {json}` line with the versions actually loaded, one
// `ok` / `not ok` line per check, `note -` lines for what users should know
// but is not a failure, and ends with `N passed, N failed`.

'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const PACKAGE = 'opentelemetry-instrumentation-axios';
const HTTP_INSTRUMENTATION = '@opentelemetry/instrumentation-http';
const DURATION_METRIC = 'http.client.request.duration';

function parseArgs(argv) {
  const parsed = { traceSdk: undefined, withHttp: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--trace-sdk') parsed.traceSdk = argv[++i];
    else if (argv[i] === '--with-http') parsed.withHttp = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!parsed.traceSdk) throw new Error('--trace-sdk <package> is required');
  return parsed;
}

/** Where `name` resolves from `fromDir`, and its version (packages need not export ./package.json). */
function installed(name, fromDir = __dirname) {
  let dir = path.dirname(require.resolve(name, { paths: [fromDir] }));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (pkg.name === name) return { version: pkg.version, dir };
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json found for ${name}`);
    dir = parent;
  }
}

const args = parseArgs(process.argv.slice(2));

// The SDK is started before axios and node:http are required, as the
// OpenTelemetry getting-started guides tell users to do.
const api = require('@opentelemetry/api');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { InMemorySpanExporter, SimpleSpanProcessor } = require(args.traceSdk);
const {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} = require('@opentelemetry/sdk-metrics');
const { AxiosInstrumentation, REDACTED_HEADER_VALUE } = require(PACKAGE);

const spanExporter = new InMemorySpanExporter();
// 3.x takes an options object, 2.x the exporter itself.
const traceSdkMajor = Number(installed(args.traceSdk).version.split('.')[0]);
const spanProcessor =
  traceSdkMajor >= 3 ? new SimpleSpanProcessor({ exporter: spanExporter }) : new SimpleSpanProcessor(spanExporter);
// DELTA, so that each flush holds only what was recorded since the previous one.
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
const metricReader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const instrumentations = [new AxiosInstrumentation({ captureAll: true })];
if (args.withHttp) {
  const { HttpInstrumentation } = require(HTTP_INSTRUMENTATION);
  instrumentations.push(new HttpInstrumentation());
}
const sdk = new NodeSDK({
  spanProcessors: [spanProcessor],
  metricReaders: [metricReader],
  instrumentations,
  autoDetectResources: false,
  resourceDetectors: [],
});
sdk.start();

const http = require('node:http');
const axios = require('axios');

/** A loopback server that remembers the headers of every request it receives. */
function startServer() {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers });
      if (req.url.startsWith('/status/500')) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"boom"}');
      } else if (req.url.startsWith('/echo')) {
        res.writeHead(200, { 'content-type': req.headers['content-type'] || 'text/plain', 'x-reply': 'echoed' });
        res.end(Buffer.concat(chunks));
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-reply': 'json' });
        res.end('{"ok":true}');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        received,
        url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

function scopeName(span) {
  // instrumentationScope on 2.x and 3.x, instrumentationLibrary before.
  return (span.instrumentationScope || span.instrumentationLibrary).name;
}

function parentSpanId(span) {
  return span.parentSpanContext ? span.parentSpanContext.spanId : span.parentSpanId;
}

/** The one CLIENT span there must be, checked to come from this package. */
function onlyClientSpan() {
  const spans = spanExporter.getFinishedSpans().filter((span) => span.kind === api.SpanKind.CLIENT);
  const described = spans.map((span) => `${scopeName(span)} ${span.name}`).join(', ');
  assert.equal(spans.length, 1, `expected exactly one CLIENT span, got ${spans.length}: ${described}`);
  assert.equal(scopeName(spans[0]), PACKAGE);
  return spans[0];
}

function assertPropagated(span, request) {
  assert.ok(request, 'the server received no request');
  const { traceId, spanId } = span.spanContext();
  assert.equal(request.headers.traceparent, `00-${traceId}-${spanId}-01`);
}

/** The http.client.request.duration points recorded since the previous call, with their scope. */
async function flushedDurationPoints() {
  await metricReader.forceFlush();
  const points = [];
  for (const resourceMetrics of metricExporter.getMetrics()) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        if (metric.descriptor.name !== DURATION_METRIC) continue;
        for (const point of metric.dataPoints) {
          points.push({ scope: scopeMetrics.scope.name, unit: metric.descriptor.unit, ...point });
        }
      }
    }
  }
  metricExporter.reset();
  return points;
}

/**
 * A SERVER span ends when the server has finished writing, which can be a
 * moment after the client has its answer: poll for it (no fixed sleep).
 */
async function waitFor(find, attempts = 500) {
  for (let i = 0; i < attempts; i++) {
    const found = find();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
}

const checks = [];
const notes = [];
function check(name, fn) {
  checks.push({ name, fn });
}

let server;

check('the package is loaded from the installed tarball, through its exports', async () => {
  const resolved = require.resolve(PACKAGE);
  assert.ok(resolved.endsWith(path.join('node_modules', PACKAGE, 'dist', 'index.js')), `resolved to ${resolved}`);
  assert.equal(typeof AxiosInstrumentation, 'function');
});

check('a GET is one CLIENT span with url.full, method and status code, and its traceparent reaches the server', async () => {
  const url = server.url('/json?page=2');
  const response = await axios.get(url);
  assert.equal(response.status, 200);
  const span = onlyClientSpan();
  assert.equal(span.name, 'GET');
  assert.equal(span.attributes['url.full'], url);
  assert.equal(span.attributes['http.request.method'], 'GET');
  assert.equal(span.attributes['http.response.status_code'], 200);
  assert.equal(span.attributes['server.address'], '127.0.0.1');
  assert.equal(span.attributes['server.port'], server.port);
  assert.notEqual(span.status.code, api.SpanStatusCode.ERROR);
  assert.equal(server.received.length, 1);
  assertPropagated(span, server.received[0]);
});

check('captureAll records request and response bodies and headers, with authorization redacted', async () => {
  const secret = 'Bearer smoke-secret-token';
  const body = { hello: 'world', n: 1 };
  await axios.post(server.url('/echo'), body, { headers: { Authorization: secret, 'X-Smoke': 'yes' } });
  const { attributes } = onlyClientSpan();
  assert.equal(attributes['http.request.body.content'], JSON.stringify(body));
  assert.equal(attributes['http.response.body.content'], JSON.stringify(body));
  assert.deepEqual(attributes['http.request.header.x-smoke'], ['yes']);
  assert.deepEqual(attributes['http.response.header.x-reply'], ['echoed']);
  assert.deepEqual(attributes['http.request.header.authorization'], [REDACTED_HEADER_VALUE]);
  const leaked = Object.keys(attributes).filter((key) => JSON.stringify(attributes[key]).includes('smoke-secret-token'));
  assert.deepEqual(leaked, [], 'the secret appears in no attribute');
  // Redaction is for telemetry only: the server still gets the real header.
  assert.equal(server.received[0].headers.authorization, secret);
});

check("a 500 answer gives error.type '500' and the ERROR status", async () => {
  const error = await axios.get(server.url('/status/500')).then(
    () => assert.fail('a 500 must reject'),
    (err) => err
  );
  assert.equal(error.response && error.response.status, 500);
  const span = onlyClientSpan();
  assert.equal(span.attributes['error.type'], '500');
  assert.equal(span.attributes['http.response.status_code'], 500);
  assert.equal(span.status.code, api.SpanStatusCode.ERROR);
});

check('the fetch adapter is traced and propagates the trace context', async () => {
  const url = server.url('/json?via=fetch');
  const response = await axios.get(url, { adapter: 'fetch' });
  assert.deepEqual(response.data, { ok: true });
  const span = onlyClientSpan();
  assert.equal(span.attributes['url.full'], url);
  assert.equal(span.attributes['http.response.status_code'], 200);
  assert.equal(server.received.length, 1);
  assertPropagated(span, server.received[0]);
});

check('http.client.request.duration is recorded once per request, in seconds, with the conventions attributes', async () => {
  await flushedDurationPoints(); // drop what earlier checks recorded
  await axios.get(server.url('/json'));
  await axios.get(server.url('/status/500')).catch(() => undefined);
  const all = await flushedDurationPoints();
  const described = all.map((p) => `${p.scope} ${JSON.stringify(p.attributes)} count=${p.value.count}`).join('\n');
  // Each request is counted once: by this package, or, where instrumentation-http records the same
  // requests whatever the context says, by it alone (durationMetric 'auto', the default).
  assert.equal(all.length, 2, `expected two data points, one per request, got:\n${described}`);
  for (const point of all) {
    assert.equal(point.unit, 's');
    assert.equal(point.value.count, 1);
    assert.equal(point.attributes['http.request.method'], 'GET');
  }
  const points = all.filter((point) => point.scope === PACKAGE);
  assert.equal(points.length, args.withHttp ? 0 : 2, `expected ${args.withHttp ? 'none' : 'both'} from ${PACKAGE}:\n${described}`);
  for (const point of points) {
    assert.equal(point.attributes['server.address'], '127.0.0.1');
    assert.equal(point.attributes['server.port'], server.port);
    assert.equal(point.attributes['url.scheme'], 'http');
  }
  if (points.length > 0) {
    const outcomes = points.map((p) => [p.attributes['http.response.status_code'], p.attributes['error.type']]);
    outcomes.sort((a, b) => a[0] - b[0]);
    assert.deepEqual(outcomes, [
      [200, undefined],
      [500, '500'],
    ]);
  }
});

if (args.withHttp) {
  check('with instrumentation-http registered, still exactly one CLIENT span, parent of the server span', async () => {
    await axios.get(server.url('/json?with=http'));
    const span = onlyClientSpan();
    const { traceId, spanId } = span.spanContext();
    // instrumentation-http really is active: it traces the incoming request as
    // a child of the axios span, so the single CLIENT span is not vacuous.
    const serverSpan = await waitFor(() =>
      spanExporter
        .getFinishedSpans()
        .find((s) => s.kind === api.SpanKind.SERVER && s.spanContext().traceId === traceId)
    );
    assert.ok(serverSpan, 'instrumentation-http traced the incoming request');
    assert.equal(scopeName(serverSpan), HTTP_INSTRUMENTATION);
    assert.equal(parentSpanId(serverSpan), spanId);
    assertPropagated(span, server.received[0]);
  });
}

async function main() {
  const ours = installed(PACKAGE);
  const versions = {
    node: process.version,
    package: ours.version,
    axios: installed('axios').version,
    api: installed('@opentelemetry/api').version,
    sdkNode: installed('@opentelemetry/sdk-node').version,
    traceSdk: `${args.traceSdk}@${installed(args.traceSdk).version}`,
    sdkMetrics: installed('@opentelemetry/sdk-metrics').version,
    // The copy this package loads, which need not be the SDK's.
    packageInstrumentation: installed('@opentelemetry/instrumentation', ours.dir).version,
    instrumentationHttp: args.withHttp ? installed(HTTP_INSTRUMENTATION).version : null,
  };
  console.log(`SMOKE-INFO ${JSON.stringify(versions)}`);

  server = await startServer();
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of checks) {
    spanExporter.reset();
    server.received.length = 0;
    try {
      await fn();
      passed++;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed++;
      console.log(`not ok - ${name}`);
      console.log(String((error && error.stack) || error).replace(/^/gm, '    '));
    }
  }
  await server.close();
  await sdk.shutdown();
  for (const note of notes) console.log(`note - ${note}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
