/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A representative slice of the suite that adapts to the axios it runs
// against: scripts/test-versions.js runs it once per supported axios version
// (TEST_AXIOS_DIR points test/support/telemetry.ts at that copy), and
// `npm test` runs it against the project's own axios.

import * as assert from 'assert';
import type { Readable } from 'stream';
import type { ReadableStream } from 'stream/web';
import { setImmediate as nextTurn } from 'timers/promises';
import { metrics, SpanStatusCode } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import {
  AggregationTemporality,
  DataPoint,
  Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { AxiosInstance, AxiosRequestConfig, InternalAxiosRequestConfig } from 'axios';

import { ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_HTTP_RESPONSE_BODY_CONTENT } from '../../lib/semconv';
import { assertClientSpan, assertPropagated, onlySpan, rejectionOf } from '../support/assertions';
import { closedPort, defaultHandler, TestServer } from '../support/server';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from '../support/telemetry';

const VERSION = axios.VERSION;

/** Whether `version` (x.y.z) is at least `minimum`. */
function atLeast(version: string, minimum: string): boolean {
  const parse = (text: string) => text.split(/[.-]/).slice(0, 3).map(Number);
  const [have, want] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

/** From 1.6.6 `request` delegates to `_request`, which covers every call form. */
const EVERY_FORM_TRACED = atLeast(VERSION, '1.6.6');
const HAS_FETCH_ADAPTER = atLeast(VERSION, '1.7.0');

/** What the server answers at /raw-json: spaced out, so the parsed-and-re-serialised text differs from it. */
const RAW_JSON = '{ "raw" : [1, 2],  "text": "caf\u00e9" }';
/** /binary?size=5000 is a single chunk written with end(): the case a stray `data` listener loses (otel-js #5477). */
const SINGLE_CHUNK = Buffer.alloc(5000, 7);
const CHUNKS = Buffer.concat(Array.from({ length: 16 }, (_, i) => Buffer.alloc(1024, i)));

type Adapter = 'http' | 'fetch';

/** The axios package.json that TEST_AXIOS_DIR (or the project) provides. */
function expectedPackage(): { version: string; path: string } {
  const paths = process.env.TEST_AXIOS_DIR ? [process.env.TEST_AXIOS_DIR] : undefined;
  const path = require.resolve('axios/package.json', paths ? { paths } : undefined);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { version: (require(path) as { version: string }).version, path };
}

/** Reads a response stream to its end, a turn after the response, as an application may. */
async function readAll(data: unknown, adapter: Adapter): Promise<Buffer> {
  await nextTurn();
  const chunks: Buffer[] = [];
  if (adapter === 'fetch') {
    const reader = (data as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks);
      chunks.push(Buffer.from(value));
    }
  }
  const stream = data as Readable;
  assert.strictEqual(stream.readableFlowing, null, 'nothing else is reading the stream');
  return new Promise<Buffer>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function assertNoException(span: ReadableSpan): void {
  assert.deepStrictEqual(
    span.events.filter((event) => event.name === 'exception'),
    []
  );
}

describe(`versions smoke test against axios ${VERSION}`, () => {
  let server: TestServer;
  /** Resolvers waiting for the next request to /hang, which is never answered. */
  let hangArrivals: Array<() => void> = [];

  before(async () => {
    server = await TestServer.start((req, res, body) => {
      if (req.url === '/raw-json') {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(RAW_JSON);
      } else if (req.url === '/hang') {
        const waiting = hangArrivals;
        hangArrivals = [];
        for (const resolve of waiting) resolve();
      } else defaultHandler(req, res, body);
    });
  });
  after(() => server.close());
  beforeEach(() => {
    resetInstrumentation();
    server.received.length = 0;
  });

  it("the axios under test is the copy TEST_AXIOS_DIR names (else the project's own), patched by the module-load hook", () => {
    const expected = expectedPackage();
    assert.strictEqual(VERSION, expected.version, `axios.VERSION matches ${expected.path}`);
    const prototype = axios.Axios.prototype as unknown as Record<string, unknown>;
    assert.strictEqual(typeof prototype._request === 'function', EVERY_FORM_TRACED, '_request exists exactly from 1.6.6');
    assert.ok(isWrapped(prototype[EVERY_FORM_TRACED ? '_request' : 'request']), 'the request method is wrapped');
  });

  describe(EVERY_FORM_TRACED ? 'every call form is traced' : 'call forms, with the documented gap of axios < 1.6.6', () => {
    const defaults = () => axios.defaults as AxiosRequestConfig;
    const alwaysTraced: Array<[string, string, (url: string) => Promise<unknown>]> = [
      ['axios.get(url)', 'GET', (url) => axios.get(url)],
      ['axios.post(url, data)', 'POST', (url) => axios.post(url, { a: 1 })],
      ['axios.create().get(url)', 'GET', (url) => axios.create().get(url)],
      ['axios.create()(config)', 'GET', (url) => (axios.create() as AxiosInstance)({ url })],
      ['axios.create().request(config)', 'GET', (url) => axios.create().request({ url })],
      ['new axios.Axios(defaults).request(config)', 'GET', (url) => new axios.Axios(defaults()).request({ url })],
      ['new axios.Axios(defaults).get(url)', 'GET', (url) => new axios.Axios(defaults()).get(url)],
    ];
    // The default export is `request` bound at load time, before any patch.
    const defaultExportItself: Array<[string, string, (url: string) => Promise<unknown>]> = [
      ['axios(config)', 'GET', (url) => axios({ url })],
      ['axios(url)', 'GET', (url) => axios(url)],
      ['axios(url, config)', 'POST', (url) => axios(url, { method: 'post', data: { a: 1 } })],
      ['axios.request(config)', 'GET', (url) => axios.request({ url })],
    ];
    const traced = EVERY_FORM_TRACED ? [...defaultExportItself, ...alwaysTraced] : alwaysTraced;

    for (const [form, method, call] of traced) {
      it(`${form}: one ${method} span, propagated to the server`, async () => {
        const url = server.url('/form');
        await call(url);
        const span = onlySpan();
        assertClientSpan(span, { method, url, status: 200 });
        assertPropagated(span, server.last.headers);
      });
    }

    if (!EVERY_FORM_TRACED) {
      for (const [form, , call] of defaultExportItself) {
        it(`${form} is not traced (the documented gap): no span, no traceparent, and the request still works`, async () => {
          const response = (await call(server.url('/gap'))) as { status: number };
          assert.strictEqual(response.status, 200);
          assert.strictEqual(server.received.length, 1);
          assert.strictEqual(server.last.headers.traceparent, undefined);
          assert.deepStrictEqual(finishedSpans(), []);
        });
      }
    }
  });

  describe('outcomes', () => {
    it("a 404 is an ERROR span with error.type '404' and one exception event", async () => {
      const url = server.url('/status/404');
      const error = (await rejectionOf(() => axios.get(url))) as { response?: { status?: number } };
      assert.strictEqual(error.response?.status, 404);
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, status: 404, errorType: '404' });
      assert.strictEqual(span.events.filter((event) => event.name === 'exception').length, 1);
    });

    it("a refused connection is an ERROR span with error.type 'ECONNREFUSED'", async () => {
      const url = `http://127.0.0.1:${await closedPort()}/refused`;
      const error = (await rejectionOf(() => axios.get(url))) as { code?: string };
      assert.strictEqual(error.code, 'ECONNREFUSED');
      assertClientSpan(onlySpan(), { method: 'GET', url, errorType: 'ECONNREFUSED' });
    });

    it("a CancelToken cancelled before the call: one span, status UNSET, error.type 'ERR_CANCELED', no exception", async () => {
      const url = server.url('/hang');
      const source = axios.CancelToken.source();
      source.cancel('changed my mind');
      const error = await rejectionOf(() => axios.get(url, { cancelToken: source.token }));
      assert.ok(axios.isCancel(error), 'the application got a cancellation');
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, errorType: 'ERR_CANCELED' });
      assert.strictEqual(span.status.code, SpanStatusCode.UNSET);
      assertNoException(span);
      assert.strictEqual(server.received.length, 0, 'nothing was sent');
    });

    it("a CancelToken cancelled in flight: one span, status UNSET, error.type 'ERR_CANCELED', no exception", async () => {
      const url = server.url('/hang');
      const source = axios.CancelToken.source();
      void new Promise<void>((resolve) => hangArrivals.push(resolve)).then(() => source.cancel('too slow'));
      const error = await rejectionOf(() => axios.get(url, { cancelToken: source.token }));
      assert.ok(axios.isCancel(error), 'the application got a cancellation');
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, errorType: 'ERR_CANCELED' });
      assertNoException(span);
      assertPropagated(span, server.last.headers);
    });
  });

  describe('propagation', () => {
    it('a request interceptor that replaces config.headers with a plain object still propagates the trace context', async () => {
      const client = axios.create({ baseURL: server.origin });
      client.interceptors.request.use((config) => {
        config.headers = { 'x-replaced': 'yes' } as unknown as InternalAxiosRequestConfig['headers'];
        return config;
      });
      await client.get('/replaced');
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url: server.url('/replaced'), status: 200 });
      assertPropagated(span, server.last.headers);
      assert.strictEqual(server.last.headers['x-replaced'], 'yes', 'the interceptor headers are sent too');
    });
  });

  /** captureAll: the request body as sent, the raw response text, a request header. */
  async function assertCapturesAll(adapter: Adapter): Promise<void> {
    resetInstrumentation({ captureAll: true });
    const url = server.url('/raw-json');
    const response = await axios.post(url, { a: 1 }, { adapter, headers: { 'x-probe': adapter } });
    assert.deepStrictEqual(response.data, JSON.parse(RAW_JSON), 'the application gets the parsed object');
    const span = onlySpan();
    assertClientSpan(span, { method: 'POST', url, status: 200 });
    assertPropagated(span, server.last.headers);
    assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], '{"a":1}');
    assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], RAW_JSON);
    assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-probe')], [adapter]);
  }

  /** responseType 'stream' with captureAll: the application reads exactly what the server wrote. */
  async function assertStreamsExactBytes(adapter: Adapter, route: string, expected: Buffer): Promise<void> {
    resetInstrumentation({ captureAll: true });
    const url = server.url(route);
    const response = await axios.get(url, { responseType: 'stream', adapter });
    const received = await readAll(response.data, adapter);
    assert.strictEqual(received.length, expected.length);
    assert.ok(received.equals(expected), 'byte for byte');
    const span = onlySpan();
    assertClientSpan(span, { method: 'GET', url, status: 200 });
    assertPropagated(span, server.last.headers);
    assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], undefined, 'a stream is not captured');
  }

  describe('http adapter', () => {
    it('with captureAll, captures the request body and the raw JSON response text', () => assertCapturesAll('http'));

    it("responseType 'stream' with captureAll: a single chunk arrives intact", () =>
      assertStreamsExactBytes('http', '/binary?size=5000', SINGLE_CHUNK));

    it("responseType 'stream' with captureAll: many chunks arrive intact", () =>
      assertStreamsExactBytes('http', '/chunks?count=16&size=1024', CHUNKS));

    it('a redirect followed is a span per hop, each propagated, the second with resend_count 1', async () => {
      await axios.get(server.url('/redirect/1'), { adapter: 'http' });
      const spans = finishedSpans();
      assert.strictEqual(spans.length, 2);
      assert.strictEqual(server.received.length, 2);
      assertPropagated(spans[0], server.received[0].headers);
      assertPropagated(spans[1], server.received[1].headers);
      assertClientSpan(spans[1], { method: 'GET', url: server.url('/redirect/0'), status: 200 });
      assert.deepStrictEqual(spans.map((span) => span.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT]), [undefined, 1]);
    });

    it('a config handed back and sent again is a resend: resend_count 1, a traceparent of its own', async () => {
      // An instance: the default export's own call is untraced before 1.6.6 (the documented gap).
      const client = axios.create({ adapter: 'http' });
      const response = await client.get(server.url('/again'));
      await client.request(response.config);
      const spans = finishedSpans();
      assert.deepStrictEqual(spans.map((span) => span.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT]), [undefined, 1]);
      assertPropagated(spans[1], server.last.headers);
    });
  });

  if (HAS_FETCH_ADAPTER) {
    // scripts/test-versions.js finds the fetch tests by this title.
    describe('fetch adapter (axios >= 1.7.0)', () => {
      it('one span, propagated, and the request was sent by fetch', async () => {
        const url = server.url('/fetch');
        const response = await axios.get(url, { adapter: 'fetch' });
        assert.ok(response.request instanceof Request, 'the fetch adapter sent the request');
        const span = onlySpan();
        assertClientSpan(span, { method: 'GET', url, status: 200 });
        assertPropagated(span, server.last.headers);
      });

      it('with captureAll, captures the request body and the raw JSON response text', () =>
        assertCapturesAll('fetch'));

      it("responseType 'stream' with captureAll: a single chunk arrives intact", () =>
        assertStreamsExactBytes('fetch', '/binary?size=5000', SINGLE_CHUNK));
    });
  } else {
    it('has no fetch adapter before 1.7.0, so the fetch tests do not apply', () => {
      assert.throws(() => axios.getAdapter('fetch'), /fetch/);
    });
  }

  describe('metrics', () => {
    let reader: PeriodicExportingMetricReader;
    let meterProvider: MeterProvider;
    let exporter: InMemoryMetricExporter;

    beforeEach(() => {
      exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
      meterProvider = new MeterProvider({ readers: [reader] });
      instrumentation.setMeterProvider(meterProvider);
    });
    afterEach(async () => {
      instrumentation.setMeterProvider(metrics.getMeterProvider());
      await meterProvider.shutdown();
    });

    it('one request records one http.client.request.duration point with the request attributes', async () => {
      await axios.get(server.url('/metrics'));
      await reader.forceFlush();
      const durations = exporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics)
        .flatMap((scope) => scope.metrics)
        .filter((metric) => metric.descriptor.name === METRIC_HTTP_CLIENT_REQUEST_DURATION);
      assert.strictEqual(durations.length, 1, 'one duration metric');
      const points = durations[0].dataPoints as Array<DataPoint<Histogram>>;
      assert.strictEqual(points.length, 1);
      assert.strictEqual(points[0].value.count, 1);
      assert.strictEqual(points[0].attributes[ATTR_HTTP_REQUEST_METHOD], 'GET');
      assert.strictEqual(points[0].attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200);
      assert.strictEqual(points[0].attributes[ATTR_SERVER_ADDRESS], '127.0.0.1');
      assert.strictEqual(points[0].attributes[ATTR_SERVER_PORT], server.port);
      assert.strictEqual(points[0].attributes[ATTR_URL_SCHEME], 'http');
      assert.strictEqual(points[0].attributes[ATTR_ERROR_TYPE], undefined);
    });
  });
});
