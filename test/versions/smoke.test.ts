/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A representative slice of the suite that adapts to the axios it runs
// against: scripts/test-versions.js runs it once per supported axios version
// (TEST_AXIOS_DIR points test/support/telemetry.ts at that copy), and
// `npm test` runs it against the project's own axios.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';
import type { ReadableStream } from 'stream/web';
import { setImmediate as nextTurn } from 'timers/promises';
import { context, metrics, SpanStatusCode, trace } from '@opentelemetry/api';
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
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_SCHEME,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { AxiosInstance, AxiosRequestConfig, InternalAxiosRequestConfig } from 'axios';

import { ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_HTTP_RESPONSE_BODY_CONTENT } from '../../lib/semconv';
import { assertClientSpan, assertPropagated, onlySpan, rejectionOf } from '../support/assertions';
import { projectRoot, runNode } from '../support/child';
import { closedPort, defaultHandler, TestServer } from '../support/server';
import { axios, finishedSpans, instrumentation, resetInstrumentation, tracer } from '../support/telemetry';

/** The file `require('axios')` loads from TEST_AXIOS_DIR (or the project). */
const AXIOS_MAIN = require.resolve('axios', process.env.TEST_AXIOS_DIR ? { paths: [process.env.TEST_AXIOS_DIR] } : undefined);

/** The folder of the package the loaded axios came from. */
function loadedAxiosPackage(): string {
  let dir = path.dirname(AXIOS_MAIN);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** axios 0.21 has no `axios.VERSION`. */
function loadedAxiosVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(loadedAxiosPackage(), 'package.json'), 'utf8')) as { version: string }).version;
}

const VERSION: string = (axios as { VERSION?: string }).VERSION ?? loadedAxiosVersion();

/** Whether `version` (x.y.z) is at least `minimum`. */
function atLeast(version: string, minimum: string): boolean {
  const parse = (text: string) => text.split(/[.-]/).slice(0, 3).map(Number);
  const [have, want] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

// What each version has, by name: a test that needs what a version lacks is
// replaced by one that checks the lack, never skipped in silence.

/** axios 0.x: adapters are functions chosen at load (no getAdapter, no adapter names, no AxiosHeaders). */
const IS_0X = !atLeast(VERSION, '1.0.0');
/** From 1.6.6 `request` delegates to `_request`, which covers every call form. */
const HAS_REQUEST_INDIRECTION = atLeast(VERSION, '1.6.6');
/** On 0.x the module hook patches lib/core/Axios.js before the default export binds `request`. */
const EVERY_FORM_TRACED = IS_0X || HAS_REQUEST_INDIRECTION;
const HAS_FETCH_ADAPTER = atLeast(VERSION, '1.7.0');
/** `signal` (AbortController) from 0.22.0. */
const HAS_SIGNAL = !IS_0X || atLeast(VERSION, '0.22.0');
/** The http adapter hands `config.beforeRedirect` to follow-redirects (0.21 does not): the per-hop spans need it. */
const HANDS_BEFORE_REDIRECT = !IS_0X || httpAdapterSource().includes('config.beforeRedirect');
/** beforeRedirect is given the 3xx response (0.30 to 0.35 and early 1.x call it with the next hop's options only). */
const HOP_STATUS_SEEN = !httpAdapterSource().includes('beforeRedirects.config(options)');
const HAS_AXIOS_HEADERS = typeof (axios as { AxiosHeaders?: unknown }).AxiosHeaders === 'function';
/** How a config chooses the http adapter: by name on 1.x, the function itself (the Node default) on 0.x. */
const HTTP_ADAPTER: unknown = IS_0X ? axios.defaults.adapter : 'http';

/** The source of the http adapter (1.x ships lib/ beside its bundles). */
function httpAdapterSource(): string {
  return fs.readFileSync(path.join(loadedAxiosPackage(), 'lib', 'adapters', 'http.js'), 'utf8');
}

/** What the server answers at /raw-json: spaced out, so the parsed-and-re-serialised text differs from it. */
const RAW_JSON = '{ "raw" : [1, 2],  "text": "caf\u00e9" }';
/** /binary?size=5000 is a single chunk written with end(): the case a stray `data` listener loses (otel-js #5477). */
const SINGLE_CHUNK = Buffer.alloc(5000, 7);
const CHUNKS = Buffer.concat(Array.from({ length: 16 }, (_, i) => Buffer.alloc(1024, i)));

type Adapter = 'http' | 'fetch';

function adapterOption(adapter: Adapter): AxiosRequestConfig['adapter'] {
  return (adapter === 'http' ? HTTP_ADAPTER : adapter) as AxiosRequestConfig['adapter'];
}

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
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.strictEqual(require(AXIOS_MAIN), axios, 'the copy under test');
    const prototype = axios.Axios.prototype as unknown as Record<string, unknown>;
    assert.strictEqual(typeof prototype._request === 'function', HAS_REQUEST_INDIRECTION, '_request exists exactly from 1.6.6');
    assert.ok(isWrapped(prototype[HAS_REQUEST_INDIRECTION ? '_request' : 'request']), 'the request method is wrapped');
  });

  if (IS_0X) {
    it('axios 0.x: no getAdapter, and the default adapter on Node is the http adapter, a function chosen at load', () => {
      assert.strictEqual((axios as { getAdapter?: unknown }).getAdapter, undefined);
      assert.strictEqual(typeof HTTP_ADAPTER, 'function');
      assert.strictEqual((HTTP_ADAPTER as { name: string }).name, 'httpAdapter');
    });
  }

  describe(EVERY_FORM_TRACED ? 'every call form is traced' : 'call forms, with the documented gap of axios 1.5.0 to 1.6.5', () => {
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
    // The default export is `request` bound at load time: before any patch on 1.x, after lib/core/Axios.js's on 0.x.
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

  describe('headers as the adapter gets them', () => {
    it('common and method-specific default headers are captured as sent, and response.config carries no trace header', async () => {
      resetInstrumentation({ captureHeaders: true });
      const client = axios.create({ headers: { common: { 'x-common': 'c' }, get: { 'x-get': 'g' } } } as unknown as AxiosRequestConfig);
      const response = await client.get(server.url('/merged'));
      const { attributes } = onlySpan();
      assert.deepStrictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('x-common')], ['c']);
      assert.deepStrictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('x-get')], ['g']);
      assert.strictEqual(server.last.headers['x-get'], 'g');
      assertPropagated(onlySpan(), server.last.headers);
      const given = response.config.headers as unknown as Record<string, unknown>;
      assert.strictEqual(given.traceparent, undefined, 'the trace header is taken out again');
      if (HAS_AXIOS_HEADERS) assert.ok(given instanceof axios.AxiosHeaders, 'an AxiosHeaders');
    });

    if (!HAS_AXIOS_HEADERS) {
      it('excluded, AxiosHeaders: none in 0.x, the adapter gets a plain object, which the trace headers go into and leave', async () => {
        let seen: unknown;
        const client = axios.create();
        client.interceptors.response.use((response) => {
          seen = response.config.headers;
          return response;
        });
        await client.get(server.url('/plain'));
        // A plain object (null-prototype from 0.3x), no AxiosHeaders methods.
        assert.strictEqual(Object.prototype.toString.call(seen), '[object Object]');
        assert.strictEqual((seen as { set?: unknown }).set, undefined);
        assert.strictEqual((seen as Record<string, unknown>).traceparent, undefined);
        assertPropagated(onlySpan(), server.last.headers);
      });
    }
  });

  /** captureAll: the request body as sent, the raw response text, a request header. */
  async function assertCapturesAll(adapter: Adapter): Promise<void> {
    resetInstrumentation({ captureAll: true });
    const url = server.url('/raw-json');
    const response = await axios.post(url, { a: 1 }, { adapter: adapterOption(adapter), headers: { 'x-probe': adapter } });
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
    const response = await axios.get(url, { responseType: 'stream', adapter: adapterOption(adapter) });
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

    if (HANDS_BEFORE_REDIRECT) {
      it('a redirect followed is a span per hop, each propagated, the second with resend_count 1', async () => {
        const appHops: string[] = [];
        await axios.get(server.url('/redirect/1'), {
          adapter: adapterOption('http'),
          beforeRedirect: (options: Record<string, unknown>) => void appHops.push(String(options.href)),
        } as AxiosRequestConfig);
        const spans = finishedSpans();
        assert.strictEqual(spans.length, 2);
        assert.strictEqual(server.received.length, 2);
        assertPropagated(spans[0], server.received[0].headers);
        assertPropagated(spans[1], server.received[1].headers);
        // Where the 3xx is not handed to beforeRedirect, the first hop ends without a status code.
        assertClientSpan(spans[0], { method: 'GET', url: server.url('/redirect/1'), status: HOP_STATUS_SEEN ? 302 : undefined });
        assertClientSpan(spans[1], { method: 'GET', url: server.url('/redirect/0'), status: 200 });
        assert.deepStrictEqual(spans.map((span) => span.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT]), [undefined, 1]);
        assert.deepStrictEqual(appHops, [server.url('/redirect/0')], "the application's beforeRedirect still runs");
      });
    } else {
      it('excluded, per-hop redirect spans: this http adapter hands follow-redirects no beforeRedirect, so a redirect is one span, propagated, with the final status', async () => {
        await axios.get(server.url('/redirect/1'));
        const span = onlySpan();
        assert.strictEqual(server.received.length, 2);
        assertClientSpan(span, { method: 'GET', url: server.url('/redirect/1'), status: 200 });
        assertPropagated(span, server.received[0].headers);
      });
    }

    it('a config handed back and sent again is a resend: resend_count 1, a traceparent of its own', async () => {
      // An instance: the default export's own call is untraced on 1.5.0 to 1.6.5 (the documented gap).
      const client = axios.create({ adapter: adapterOption('http') });
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
    it('excluded, the fetch adapter: none before 1.7.0, so the fetch tests do not apply', () => {
      if (IS_0X) assert.strictEqual((axios as { getAdapter?: unknown }).getAdapter, undefined, '0.x resolves no adapter by name');
      else assert.throws(() => axios.getAdapter('fetch'), /fetch/);
    });
  }

  describe('capture options, redaction and scrubbing', () => {
    it('captureHeaders: request and response headers, the sensitive ones redacted', async () => {
      resetInstrumentation({ captureHeaders: true });
      await axios.get(server.url('/headers'), { headers: { authorization: 'Bearer secret-token', 'x-probe': 'seen' } });
      const { attributes } = onlySpan();
      assert.deepStrictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('x-probe')], ['seen']);
      assert.deepStrictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], ['[REDACTED]']);
      assert.deepStrictEqual(attributes[ATTR_HTTP_RESPONSE_HEADER('content-type')], ['application/json; charset=utf-8']);
      assert.strictEqual(server.last.headers.authorization, 'Bearer secret-token', 'the request is sent as it was');
    });

    it('headersToSpanAttributes: the named headers only, with captureHeaders off', async () => {
      resetInstrumentation({ headersToSpanAttributes: { requestHeaders: ['x-named'], responseHeaders: ['content-type'] } });
      await axios.get(server.url('/named'), { headers: { 'x-named': 'yes', 'x-other': 'no' } });
      const { attributes } = onlySpan();
      assert.deepStrictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('x-named')], ['yes']);
      assert.strictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('x-other')], undefined);
      assert.deepStrictEqual(attributes[ATTR_HTTP_RESPONSE_HEADER('content-type')], ['application/json; charset=utf-8']);
    });

    it('a sensitive query parameter is REDACTED in url.full, and sent as it was', async () => {
      await axios.get(server.url('/query'), { params: { api_key: 'k-123', page: 2 } });
      assert.strictEqual(onlySpan().attributes[ATTR_URL_FULL], server.url('/query?api_key=REDACTED&page=2'));
      assert.strictEqual(server.last.path, '/query?api_key=k-123&page=2');
    });

    it('params with a baseURL: url.full is the URL the adapter requested', async () => {
      await axios.create({ baseURL: server.url('/base') }).get('/leaf', { params: { q: 'x y' } });
      assert.strictEqual(onlySpan().attributes[ATTR_URL_FULL], server.url('/base/leaf?q=x+y'));
      assert.strictEqual(server.last.path, '/base/leaf?q=x+y');
    });

    it('captureRequestBody and captureResponseBody: sensitive JSON values scrubbed, the server gets the real body', async () => {
      resetInstrumentation({ captureRequestBody: true, captureResponseBody: true });
      await axios.post(server.url('/echo'), { user: 'ann', password: 'hunter2' });
      const { attributes } = onlySpan();
      assert.strictEqual(attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], '{"user":"ann","password":"[REDACTED]"}');
      assert.match(String(attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT]), /"method":"POST"/);
      assert.strictEqual(server.last.body.toString('utf8'), '{"user":"ann","password":"hunter2"}');
    });

    it("captureResponseBody 'on-error': a 500's body only", async () => {
      resetInstrumentation({ captureResponseBody: 'on-error' });
      await axios.get(server.url('/ok'));
      await rejectionOf(() => axios.get(server.url('/status/500')));
      const [ok, failed] = finishedSpans();
      assert.strictEqual(ok.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], undefined);
      assert.strictEqual(failed.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"status":500}');
    });
  });

  describe('hooks and filters', () => {
    it("requestHook and responseHook see axios' own config and response; urlFilter decides url.full", async () => {
      const seen: string[] = [];
      resetInstrumentation({
        requestHook: (span, { config, url }) => {
          seen.push(`request ${String(config.method)} ${String(url)}`);
          span.setAttribute('app.request', String(config.headers?.['x-probe']));
        },
        responseHook: (span, { response }) => {
          seen.push(`response ${String(response?.status)}`);
          span.setAttribute('app.response', String(response?.headers['content-type']));
        },
        urlFilter: (url) => url.origin + '/filtered',
      });
      await axios.get(server.url('/hooked'), { headers: { 'x-probe': 'p' } });
      const span = onlySpan();
      assert.deepStrictEqual(seen, [`request get ${server.origin}/filtered`, 'response 200']);
      assert.strictEqual(span.attributes['app.request'], 'p');
      assert.strictEqual(span.attributes['app.response'], 'application/json; charset=utf-8');
      assert.strictEqual(span.attributes[ATTR_URL_FULL], `${server.origin}/filtered`);
    });

    it('hooks that throw never reach the application', async () => {
      resetInstrumentation({
        requestHook: () => {
          throw new Error('request hook bug');
        },
        responseHook: () => {
          throw new Error('response hook bug');
        },
      });
      const response = await axios.get(server.url('/throwing-hooks'));
      assert.strictEqual(response.status, 200);
      assertClientSpan(onlySpan(), { method: 'GET', url: server.url('/throwing-hooks'), status: 200 });
    });

    it('ignoreRequestHook: no span and no traceparent for the ignored request, the other traced', async () => {
      resetInstrumentation({ ignoreRequestHook: (config) => String(config.url).endsWith('/ignored') });
      await axios.get(server.url('/ignored'));
      assert.strictEqual(server.last.headers.traceparent, undefined);
      await axios.get(server.url('/kept'));
      assertPropagated(onlySpan(), server.last.headers);
    });

    it('requireParentforSpans: no span outside a span, a child span inside one', async () => {
      resetInstrumentation({ requireParentforSpans: true });
      await axios.get(server.url('/orphan'));
      assert.deepStrictEqual(finishedSpans(), []);
      const parent = tracer.startSpan('parent');
      await context.with(trace.setSpan(context.active(), parent), () => axios.get(server.url('/child')));
      parent.end();
      const [child] = finishedSpans();
      assert.strictEqual(child.parentSpanContext?.spanId ?? (child as unknown as { parentSpanId?: string }).parentSpanId, parent.spanContext().spanId);
      assertPropagated(child, server.last.headers);
    });
  });

  describe('failures, timeouts and cancellation', () => {
    it("a timeout is an ERROR span with error.type 'ECONNABORTED'", async () => {
      const url = server.url('/slow?ms=500');
      const error = (await rejectionOf(() => axios.get(url, { timeout: 50 }))) as { code?: string };
      assert.strictEqual(error.code, 'ECONNABORTED');
      assertClientSpan(onlySpan(), { method: 'GET', url, errorType: 'ECONNABORTED' });
    });

    it('a request interceptor that throws: one ERROR span for the call, the application gets its error', async () => {
      const client = axios.create();
      client.interceptors.request.use(() => {
        throw new Error('interceptor refused');
      });
      const error = (await rejectionOf(() => client.get(server.url('/never')))) as Error;
      assert.strictEqual(error.message, 'interceptor refused');
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url: server.url('/never'), errorType: '_OTHER' });
      assert.strictEqual(server.received.length, 0);
    });

    if (HAS_SIGNAL) {
      it("an AbortSignal aborted in flight: one span, status UNSET, error.type 'ERR_CANCELED'", async () => {
        const url = server.url('/hang');
        const controller = new AbortController();
        void new Promise<void>((resolve) => hangArrivals.push(resolve)).then(() => controller.abort());
        const error = await rejectionOf(() => axios.get(url, { signal: controller.signal }));
        assert.ok(axios.isCancel(error), 'the application got a cancellation');
        const span = onlySpan();
        assertClientSpan(span, { method: 'GET', url, errorType: 'ERR_CANCELED' });
        assertNoException(span);
        assertPropagated(span, server.last.headers);
      });
    } else {
      it('excluded, AbortSignal: axios before 0.22.0 ignores `signal`, so only CancelToken cancels', async () => {
        const controller = new AbortController();
        controller.abort();
        const response = await axios.get(server.url('/not-aborted'), { signal: controller.signal } as AxiosRequestConfig);
        assert.strictEqual(response.status, 200);
        assertClientSpan(onlySpan(), { method: 'GET', url: server.url('/not-aborted'), status: 200 });
      });
    }
  });

  describe('disable() and enable()', () => {
    afterEach(() => instrumentation.enable());

    it('disabled, no call form makes a span or sends a traceparent (the default export included); enabled again, they do', async () => {
      instrumentation.disable();
      await axios({ url: server.url('/off') });
      await axios.get(server.url('/off'));
      assert.deepStrictEqual(finishedSpans(), []);
      assert.ok(server.received.every((request) => request.headers.traceparent === undefined));
      instrumentation.enable();
      await axios.get(server.url('/on'));
      assertPropagated(onlySpan(), server.last.headers);
    });
  });

  describe('manuallyInstrument(): a copy loaded before any instrumentation existed (a child process)', () => {
    // The default export's own call is bound at load to `request`, out of reach
    // of manuallyInstrument() before 1.6.6 (`_request`): the documented gap.
    const manualDefaultExportTraced = HAS_REQUEST_INDIRECTION;

    it(`every call form gets one span and its traceparent${manualDefaultExportTraced ? '' : ', but axios(config) and axios.request(config)'}`, async () => {
      const child = await runNode([path.join(projectRoot, 'test', 'fixtures', 'manual-child.js'), server.origin], 20000, {
        AXIOS_MAIN,
      });
      const results = child.linesStartingWith('FORM ') as Array<{
        form: string;
        status: number;
        traceparent?: string;
        spans: Array<{ traceId: string; spanId: string; method: unknown; url: unknown }>;
      }>;
      const defaultExportForms = ['axios(config)', 'axios.request(config)'];
      assert.deepStrictEqual(
        results.map((result) => result.form),
        ['axios.get(url)', 'axios.post(url, data)', 'axios.create().get(url)', 'new axios.Axios(defaults).get(url)', ...defaultExportForms]
      );
      for (const result of results) {
        assert.strictEqual(result.status, 200, result.form);
        if (!manualDefaultExportTraced && defaultExportForms.includes(result.form)) {
          assert.deepStrictEqual(result.spans, [], `${result.form}: the documented gap`);
          assert.strictEqual(result.traceparent, undefined, result.form);
          continue;
        }
        assert.strictEqual(result.spans.length, 1, result.form);
        const [span] = result.spans;
        assert.strictEqual(result.traceparent, `00-${span.traceId}-${span.spanId}-01`, result.form);
        assert.strictEqual(span.url, `${server.origin}/manual`, result.form);
      }
    });
  });

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
