/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The checks every runtime smoke app runs against the copy of axios it loaded:
// spans, propagation, header capture with redaction, bodies, errors (a 500 and
// a refused connection), the fetch adapter and the duration metric, against a
// real loopback server (node:http, which Bun and Deno provide too). Only
// node: built-ins and the consumer project's packages: this folder is copied
// into a throw-away project that installed the packed package.
//
// Prints one `ok - ` / `not ok - ` line per check; returns the counts.

'use strict';

const assert = require('node:assert/strict');
const http = require('node:http');

const PACKAGE = 'opentelemetry-instrumentation-axios';
const DURATION_METRIC = 'http.client.request.duration';
const SECRET_TOKEN = 'smoke-secret-token';
const SECRET_SIGNATURE = 'smoke-secret-signature';

/** A loopback server that remembers every request it receives. */
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
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** A port nothing listens on: one the system just gave a server that is closed again. */
function closedPort() {
  return new Promise((resolve) => {
    const server = http.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function scopeName(span) {
  return (span.instrumentationScope || span.instrumentationLibrary).name;
}

function clientSpans(telemetry) {
  return telemetry.spanExporter.getFinishedSpans().filter((span) => span.kind === telemetry.api.SpanKind.CLIENT);
}

/** The one CLIENT span there must be, checked to come from this package. */
function onlyClientSpan(telemetry) {
  const spans = clientSpans(telemetry);
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

async function rejection(promise) {
  return promise.then(
    () => assert.fail('the request must reject'),
    (error) => error
  );
}

/** The http.client.request.duration points recorded since the previous call. */
async function flushedDurationPoints(telemetry) {
  await telemetry.metricReader.forceFlush();
  const points = [];
  for (const resourceMetrics of telemetry.metricExporter.getMetrics()) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        if (metric.descriptor.name !== DURATION_METRIC) continue;
        for (const point of metric.dataPoints) {
          points.push({ scope: scopeMetrics.scope.name, unit: metric.descriptor.unit, ...point });
        }
      }
    }
  }
  telemetry.metricExporter.reset();
  return points;
}

function defineChecks(axios, telemetry, server) {
  const { api, REDACTED_HEADER_VALUE } = telemetry;
  return [
    [
      'a GET is one CLIENT span with url.full, method and status code, and its span id reaches the server in traceparent',
      async () => {
        const url = server.url('/json?page=2');
        const response = await axios.get(url);
        assert.equal(response.status, 200);
        const span = onlyClientSpan(telemetry);
        assert.equal(span.name, 'GET');
        assert.equal(span.attributes['url.full'], url);
        assert.equal(span.attributes['http.request.method'], 'GET');
        assert.equal(span.attributes['http.response.status_code'], 200);
        assert.equal(span.attributes['server.address'], '127.0.0.1');
        assert.equal(span.attributes['server.port'], server.port);
        assert.notEqual(span.status.code, api.SpanStatusCode.ERROR);
        assert.equal(server.received.length, 1);
        assertPropagated(span, server.received[0]);
      },
    ],
    [
      'headers are captured with Authorization as [REDACTED], and a Signature query value is REDACTED in url.full',
      async () => {
        const query = `?Signature=${SECRET_SIGNATURE}&page=2`;
        await axios.get(server.url(`/json${query}`), {
          headers: { Authorization: `Bearer ${SECRET_TOKEN}`, 'X-Smoke': 'yes' },
        });
        const { attributes } = onlyClientSpan(telemetry);
        assert.equal(attributes['url.full'], server.url('/json?Signature=REDACTED&page=2'));
        assert.deepEqual(attributes['http.request.header.authorization'], [REDACTED_HEADER_VALUE]);
        assert.deepEqual(attributes['http.request.header.x-smoke'], ['yes']);
        assert.deepEqual(attributes['http.response.header.x-reply'], ['json']);
        const leaked = Object.keys(attributes).filter((key) => {
          const value = JSON.stringify(attributes[key]);
          return value.includes(SECRET_TOKEN) || value.includes(SECRET_SIGNATURE);
        });
        assert.deepEqual(leaked, [], 'no attribute carries the token or the signature');
        // Redaction is for telemetry only: the server still gets the real values.
        assert.equal(server.received[0].headers.authorization, `Bearer ${SECRET_TOKEN}`);
        assert.equal(server.received[0].url, `/json${query}`);
      },
    ],
    [
      'request and response bodies are captured',
      async () => {
        const body = { hello: 'world', n: 1 };
        const response = await axios.post(server.url('/echo'), body);
        assert.deepEqual(response.data, body);
        const { attributes } = onlyClientSpan(telemetry);
        assert.equal(attributes['http.request.body.content'], JSON.stringify(body));
        assert.equal(attributes['http.response.body.content'], JSON.stringify(body));
      },
    ],
    [
      "a 500 answer rejects as untraced, and the span has error.type '500' and the ERROR status",
      async () => {
        const error = await rejection(axios.get(server.url('/status/500')));
        assert.equal(error.response && error.response.status, 500);
        const span = onlyClientSpan(telemetry);
        assert.equal(span.attributes['error.type'], '500');
        assert.equal(span.attributes['http.response.status_code'], 500);
        assert.equal(span.status.code, api.SpanStatusCode.ERROR);
      },
    ],
    [
      'a refused connection rejects with ECONNREFUSED, and the span has error.type ECONNREFUSED and the ERROR status',
      async () => {
        const url = `http://127.0.0.1:${await closedPort()}/refused`;
        const error = await rejection(axios.get(url));
        assert.equal(error.code, 'ECONNREFUSED');
        assert.equal(error.response, undefined);
        const span = onlyClientSpan(telemetry);
        assert.equal(span.attributes['url.full'], url);
        assert.equal(span.attributes['error.type'], 'ECONNREFUSED');
        assert.equal(span.attributes['http.response.status_code'], undefined);
        assert.equal(span.status.code, api.SpanStatusCode.ERROR);
      },
    ],
    [
      'the fetch adapter (the runtime’s own fetch) is traced and propagates the trace context',
      async () => {
        const url = server.url('/json?via=fetch');
        const response = await axios.get(url, { adapter: 'fetch' });
        assert.deepEqual(response.data, { ok: true });
        const span = onlyClientSpan(telemetry);
        assert.equal(span.attributes['url.full'], url);
        assert.equal(span.attributes['http.response.status_code'], 200);
        assert.equal(server.received.length, 1);
        assertPropagated(span, server.received[0]);
      },
    ],
    [
      'http.client.request.duration is recorded once per request, in seconds, with method, address, port, status and error.type',
      async () => {
        await flushedDurationPoints(telemetry); // drop what earlier checks recorded
        await axios.get(server.url('/json'));
        await axios.get(server.url('/status/500')).catch(() => undefined);
        const points = (await flushedDurationPoints(telemetry)).filter((point) => point.scope === PACKAGE);
        assert.equal(points.length, 2, `expected two data points of ${PACKAGE}, got ${points.length}`);
        for (const point of points) {
          assert.equal(point.unit, 's');
          assert.equal(point.value.count, 1);
          assert.ok(point.value.sum > 0 && point.value.sum < 10, `a plausible duration: ${point.value.sum} s`);
          assert.equal(point.attributes['http.request.method'], 'GET');
          assert.equal(point.attributes['server.address'], '127.0.0.1');
          assert.equal(point.attributes['server.port'], server.port);
          assert.equal(point.attributes['url.scheme'], 'http');
        }
        const outcomes = points.map((p) => [p.attributes['http.response.status_code'], p.attributes['error.type']]);
        outcomes.sort((a, b) => a[0] - b[0]);
        assert.deepEqual(outcomes, [
          [200, undefined],
          [500, '500'],
        ]);
      },
    ],
  ];
}

function report(ok, name, error) {
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (error) console.log(String((error && error.stack) || error).replace(/^/gm, '    '));
}

/** Runs every check against `axios`; returns { passed, failed }. */
async function runChecks(axios, telemetry) {
  const server = await startServer();
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of defineChecks(axios, telemetry, server)) {
    telemetry.spanExporter.reset();
    server.received.length = 0;
    try {
      await fn();
      passed++;
      report(true, name);
    } catch (error) {
      failed++;
      report(false, name, error);
    }
  }
  await server.close();
  return { passed, failed };
}

/**
 * Where a runtime ignores the loader hook: a request made through the ESM copy
 * of axios gets no span and no traceparent. A check that can fail: it fails
 * the day the runtime starts honouring the hook (then the README must say so).
 */
async function checkUntraced(axios, telemetry, name) {
  const server = await startServer();
  try {
    telemetry.spanExporter.reset();
    const response = await axios.get(server.url('/json?hook=only'));
    assert.equal(response.status, 200);
    assert.equal(clientSpans(telemetry).length, 0, 'no CLIENT span');
    assert.equal(server.received[0].headers.traceparent, undefined, 'no traceparent');
    report(true, name);
    return { passed: 1, failed: 0 };
  } catch (error) {
    report(false, name, error);
    return { passed: 0, failed: 1 };
  } finally {
    await server.close();
  }
}

/** The versions the app runs with, as one `SMOKE-INFO {json}` line. */
function printInfo(mode) {
  const runtime =
    typeof globalThis.Bun !== 'undefined'
      ? `Bun ${globalThis.Bun.version}`
      : typeof globalThis.Deno !== 'undefined'
        ? `Deno ${globalThis.Deno.version.deno}`
        : `Node ${process.versions.node}`;
  console.log(`SMOKE-INFO ${JSON.stringify({ runtime, mode })}`);
}

async function finish(telemetry, counts) {
  await telemetry.sdk.shutdown();
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed === 0 ? 0 : 1;
}

module.exports = { runChecks, checkUntraced, printInfo, finish };
