/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Faults of real loopback servers: connections that break at each stage of
// the exchange, timers that fire before the headers or inside the body,
// redirect loops, names that do not resolve, answers without a body,
// compressed and chunked bodies, headers too large for Node's parser. For each
// one the application gets what it gets without the instrumentation
// (runBothWays compares the two), and exactly one span ends with the outcome.
// Neighbours cover the simple cases already (outcomes.test.ts: refused,
// timeout, redirect loop and a reset through nock, on the http adapter;
// adapters.test.ts: refused on both adapters); these extend them.

import * as assert from 'assert';
import { IncomingMessage, maxHeaderSize, ServerResponse } from 'http';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as zlib from 'zlib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_EXCEPTION_MESSAGE, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';

import {
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
} from '../lib/semconv';
import { assertClientSpan, ExpectedSpan, onlySpan } from './support/assertions';
import { Outcome, outcomeSummary, runBothWays } from './support/outcomes';
import { closedPort, defaultHandler } from './support/server';
import { useTestServer } from './support/suite';
import { axios, resetInstrumentation } from './support/telemetry';

const ADAPTERS = ['http', 'fetch'] as const;
type AdapterName = (typeof ADAPTERS)[number];

/** What the application is told about a failure, per adapter: axios words the same fault differently on each. */
interface AppError {
  code?: string;
  name?: string;
  message?: string;
  /** The status of the response the error carries, if any. */
  status?: number;
  /** The code of the error's cause: the undici error behind a fetch 'Network Error'. */
  causeCode?: string;
}

/** What one fault looks like, to the application and on the span, for one adapter. */
interface FaultExpectation {
  app: AppError;
  span: Omit<ExpectedSpan, 'method' | 'url'>;
}

/** The response headers that describe a body; Date and the keep-alive ones differ from one call to the next. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'etag'];

function responseOf(outcome: Outcome): AxiosResponse | undefined {
  return outcome.response ?? (outcome.error as { response?: AxiosResponse } | undefined)?.response;
}

/** What the application saw: outcomeSummary, the cause of an error, and the body with the headers that describe it. */
function seen(outcome: Outcome): Record<string, unknown> {
  const response = responseOf(outcome);
  const cause = (outcome.error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  return {
    ...outcomeSummary(outcome),
    cause: cause && { code: cause.code, message: cause.message },
    data: response?.data,
    headers: response && Object.fromEntries(BODY_HEADERS.map((name) => [name, response.headers[name] as unknown])),
  };
}

/** runBothWays with `seen`, for a scenario that makes one span: the traced outcome and that span. */
async function oneSpanBothWays(call: () => Promise<unknown>): Promise<{ outcome: Outcome; span: ReadableSpan }> {
  const { outcome } = await runBothWays(call, seen);
  return { outcome, span: onlySpan() };
}

function exceptionMessages(span: ReadableSpan): unknown[] {
  return span.events.filter((event) => event.name === 'exception').map((event) => event.attributes?.[ATTR_EXCEPTION_MESSAGE]);
}

/** The application got the expected error, and the span records it with the one exception the application got. */
function assertFault(outcome: Outcome, span: ReadableSpan, method: string, url: string, expected: FaultExpectation): void {
  const error = outcome.error as (Error & { code?: string; cause?: { code?: string } }) | undefined;
  assert.ok(error, 'the call failed');
  const { app } = expected;
  if ('code' in app) assert.strictEqual(error.code, app.code, 'the error code the application gets');
  if (app.name !== undefined) assert.strictEqual(error.name, app.name);
  if (app.message !== undefined) assert.strictEqual(error.message, app.message);
  assert.strictEqual(responseOf(outcome)?.status, app.status, 'the status of the response the error carries');
  if (app.causeCode !== undefined) assert.strictEqual(error.cause?.code, app.causeCode);
  assertClientSpan(span, { method, url, ...expected.span });
  assert.deepStrictEqual(exceptionMessages(span), [error.message], 'one exception event, the error the application got');
}

/** The call resolved, and its span has the status code and no exception. */
function assertAnswered(outcome: Outcome, span: ReadableSpan, method: string, url: string, status: number): AxiosResponse {
  const { response } = outcome;
  assert.ok(response, `the call resolved (it failed with ${String((outcome.error as Error | undefined)?.message)})`);
  assert.strictEqual(response.status, status);
  assertClientSpan(span, { method, url, status });
  assert.deepStrictEqual(exceptionMessages(span), [], 'no exception event');
  return response;
}

/** The W3C traceparent that carries this span. */
function traceparentOf(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}

/**
 * Answers the first request of each connection by hand, for the broken HTTP
 * that http.createServer never writes: a body cut short, a connection closed
 * or reset before any answer.
 */
class RawServer {
  private constructor(
    private readonly server: net.Server,
    private readonly sockets: Set<net.Socket>
  ) {}

  static async start(respond: (socket: net.Socket, path: string) => void): Promise<RawServer> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // The client gives up on the broken connections these tests make.
      socket.on('error', () => undefined);
      let head = '';
      const readHead = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', readHead);
        respond(socket, head.split(' ')[1] ?? '/');
      };
      socket.on('data', readHead);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RawServer(server, sockets);
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Headers that promise 100 bytes, then 10 of them. */
const PARTIAL_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(10);

/**
 * An RST throws away what the client has not read yet, headers included: wait
 * long enough for the client to have parsed the headers, so that both runs of
 * runBothWays break in the body (an RST that overtook the headers would make
 * fetch fail with ERR_NETWORK instead, and the runs differ by chance).
 */
const RESET_AFTER_MS = 150;

/** Node's limit on the size of received headers (16 KiB unless --max-http-header-size says otherwise). */
const MAX_HEADER_SIZE = maxHeaderSize;
const HUGE_HEADER_VALUE = 'h'.repeat(MAX_HEADER_SIZE + 4096);

const COMPRESSED_TEXT = 'a body that compresses well. '.repeat(40);
const ENCODINGS: Array<[string, (text: string) => Buffer]> = [
  ['gzip', (text) => zlib.gzipSync(text)],
  ['br', (text) => zlib.brotliCompressSync(text)],
  ['deflate', (text) => zlib.deflateSync(text)],
];

const CHUNKS = Array.from({ length: 8 }, (_, index) => `chunk ${index};`);
const JSON_CHUNKS = ['{"items":[', '1,', '2,', '3', '],"done":true}'];

/** Writes the chunks one event-loop turn apart, so that each is its own chunk on the wire. */
function writeChunks(res: ServerResponse, chunks: string[]): void {
  let index = 0;
  const next = () => {
    if (index === chunks.length) return res.end();
    res.write(chunks[index]);
    index += 1;
    setImmediate(next);
  };
  next();
}

/** The fault routes, on top of the default ones. Requests it leaves unanswered are closed by TestServer.close(). */
function faultHandler(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const encoding = /^\/compressed\/(\w+)$/.exec(url.pathname)?.[1];
  if (url.pathname === '/never-answers') {
    // Slow headers: the request arrived; nothing comes back.
  } else if (url.pathname === '/stalled-body') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
    res.write('x'.repeat(10));
  } else if (url.pathname === '/no-content') {
    res.statusCode = 204;
    res.end();
  } else if (url.pathname === '/etag') {
    res.setHeader('etag', '"v1"');
    if (req.headers['if-none-match'] === '"v1"') {
      res.statusCode = 304;
      res.end();
    } else {
      res.setHeader('content-type', 'text/plain');
      res.end('version 1');
    }
  } else if (url.pathname === '/head') {
    const text = 'a body only GET gets';
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(text)) });
    res.end(req.method === 'HEAD' ? undefined : text);
  } else if (encoding) {
    const compress = ENCODINGS.find(([name]) => name === encoding)?.[1] as (text: string) => Buffer;
    const compressed = compress(COMPRESSED_TEXT);
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-encoding': encoding,
      'content-length': String(compressed.length),
    });
    res.end(compressed);
  } else if (url.pathname === '/unknown-encoding') {
    const compressed = zlib.gzipSync(COMPRESSED_TEXT);
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-encoding': 'x-unknown',
      'content-length': String(compressed.length),
    });
    res.end(compressed);
  } else if (url.pathname === '/chunked-text') {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    writeChunks(res, CHUNKS);
  } else if (url.pathname === '/chunked-json') {
    res.setHeader('content-type', 'application/json');
    writeChunks(res, JSON_CHUNKS);
  } else if (url.pathname === '/huge-response-headers') {
    res.setHeader('x-huge', HUGE_HEADER_VALUE);
    res.end('never parsed');
  } else {
    defaultHandler(req, res, body);
  }
}

/** Fails name resolution as getaddrinfo does, without any DNS query. */
function unresolvableLookup(hostname: string, _options: unknown, callback: (error: Error) => void): void {
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
}

interface Dispatcher {
  close(): Promise<void>;
}

/**
 * Node's fetch takes no `lookup`; it takes an undici dispatcher. undici is not
 * a dependency here, but Node's fetch runs on its own undici, whose global
 * Agent (created by the first fetch) sits on globalThis under
 * `Symbol.for('undici.globalDispatcher.N')`. Node 26's undici 8 keeps it under
 * `.2` and puts a wrapper for older undici copies under `.1`, which is all
 * there is before: so take the Agent of the highest N, and build one like it
 * whose connections resolve names with our lookup. Throws rather than skip
 * when no Node line keeps it there any more, so the check cannot silently
 * stop running.
 */
async function fetchDispatcherWithLookup(lookup: typeof unresolvableLookup, warmUpUrl: string): Promise<Dispatcher> {
  await (await fetch(warmUpUrl)).arrayBuffer();
  const slots = Object.getOwnPropertySymbols(globalThis)
    .map((symbol) => ({ symbol, version: Number(/^undici\.globalDispatcher\.(\d+)$/.exec(symbol.description ?? '')?.[1]) }))
    .filter((slot) => slot.version > 0)
    .sort((a, b) => b.version - a.version);
  for (const { symbol } of slots) {
    const Agent = ((globalThis as Record<symbol, unknown>)[symbol] as { constructor?: unknown } | undefined)?.constructor;
    if (typeof Agent === 'function' && Agent.name === 'Agent') {
      return new (Agent as new (options: unknown) => Dispatcher)({ connect: { lookup } });
    }
  }
  throw new Error(`no undici Agent found on globalThis (Node ${process.version}, slots ${slots.map((slot) => String(slot.symbol)).join(', ')})`);
}

describe('faults: real servers failing in every way give the application what it gets untraced, and one span with the outcome', function () {
  this.timeout(20000);

  const server = useTestServer(faultHandler);
  let raw: RawServer;
  before(async () => {
    raw = await RawServer.start((socket, path) => {
      if (path === '/reset-mid-body') {
        socket.write(PARTIAL_RESPONSE, () => setTimeout(() => socket.resetAndDestroy(), RESET_AFTER_MS));
      } else if (path === '/close-mid-body') {
        // A FIN comes after the bytes written before it: no wait needed.
        socket.write(PARTIAL_RESPONSE, () => socket.destroy());
      } else if (path === '/reset-before-headers') {
        socket.resetAndDestroy();
      } else {
        socket.destroy();
      }
    });
  });
  after(async () => {
    await raw.close();
  });
  beforeEach(() => resetInstrumentation());

  /** One test per adapter and fault: a GET of the raw server's path fails as it does untraced, as expected. */
  function itFailsAsUntraced(faults: Array<[string, string, Record<AdapterName, FaultExpectation>]>): void {
    for (const adapter of ADAPTERS) {
      for (const [how, path, expectations] of faults) {
        it(`${adapter} adapter, ${how}: the same error as untraced, one ERROR span with error.type ${String(expectations[adapter].span.errorType)}`, async () => {
          const url = raw.url(path);
          const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter }));
          assertFault(outcome, span, 'GET', url, expectations[adapter]);
        });
      }
    }
  }

  describe('the connection breaks in the middle of the body (Content-Length promised 100 bytes, 10 came)', () => {
    const faults: Array<[string, string, Record<AdapterName, FaultExpectation>]> = [
      [
        'closed (FIN)',
        '/close-mid-body',
        {
          // The http adapter had the response: the error carries it, and the span its status.
          http: {
            app: { code: 'ERR_BAD_RESPONSE', message: 'stream has been aborted', status: 200 },
            span: { status: 200, errorType: 'ERR_BAD_RESPONSE' },
          },
          // fetch resolved on the headers and fails reading the body: axios passes undici's bare TypeError on.
          fetch: { app: { code: undefined, name: 'TypeError', message: 'terminated' }, span: { errorType: 'TypeError' } },
        },
      ],
      [
        'reset (RST)',
        '/reset-mid-body',
        {
          http: { app: { code: 'ECONNRESET', message: 'read ECONNRESET' }, span: { errorType: 'ECONNRESET' } },
          fetch: { app: { code: undefined, name: 'TypeError', message: 'terminated' }, span: { errorType: 'TypeError' } },
        },
      ],
    ];
    itFailsAsUntraced(faults);
  });

  describe('the connection breaks after the request, before any header', () => {
    const faults: Array<[string, string, Record<AdapterName, FaultExpectation>]> = [
      [
        'closed (FIN)',
        '/close-before-headers',
        {
          http: { app: { code: 'ECONNRESET', message: 'socket hang up' }, span: { errorType: 'ECONNRESET' } },
          fetch: { app: { code: 'ERR_NETWORK', causeCode: 'UND_ERR_SOCKET' }, span: { errorType: 'ERR_NETWORK' } },
        },
      ],
      [
        'reset (RST)',
        '/reset-before-headers',
        {
          http: { app: { code: 'ECONNRESET' }, span: { errorType: 'ECONNRESET' } },
          fetch: { app: { code: 'ERR_NETWORK', causeCode: 'ECONNRESET' }, span: { errorType: 'ERR_NETWORK' } },
        },
      ],
    ];
    itFailsAsUntraced(faults);
  });

  describe('the timeout fires', () => {
    // The server never finishes, so which phase the timer fires in does not
    // depend on the machine's speed; the body timeout is longer only so that
    // the headers, sent at once, have surely arrived when it fires.
    const faults: Array<[string, string, number, Record<AdapterName, FaultExpectation>]> = [
      [
        'before the headers arrive',
        '/never-answers',
        200,
        {
          http: { app: { code: 'ECONNABORTED', message: 'timeout of 200ms exceeded' }, span: { errorType: 'ECONNABORTED' } },
          fetch: { app: { code: 'ETIMEDOUT', message: 'timeout of 200ms exceeded' }, span: { errorType: 'ETIMEDOUT' } },
        },
      ],
      [
        'while the body stalls after the headers',
        '/stalled-body',
        500,
        {
          // The http adapter's socket timer destroys the response: axios reports the aborted stream, with the response.
          http: {
            app: { code: 'ERR_BAD_RESPONSE', message: 'stream has been aborted', status: 200 },
            span: { status: 200, errorType: 'ERR_BAD_RESPONSE' },
          },
          fetch: { app: { code: 'ETIMEDOUT', message: 'timeout of 500ms exceeded' }, span: { errorType: 'ETIMEDOUT' } },
        },
      ],
    ];
    for (const adapter of ADAPTERS) {
      for (const [when, path, timeout, expectations] of faults) {
        it(`${adapter} adapter, ${when}: the same error as untraced, one ERROR span with error.type ${String(expectations[adapter].span.errorType)}`, async () => {
          const url = server.url(path);
          const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter, timeout }));
          assertFault(outcome, span, 'GET', url, expectations[adapter]);
        });
      }
    }
  });

  describe('a redirect loop', () => {
    /** The traceparents of the hops of /redirect-loop the server saw since `from`. */
    function hopTraceparents(from: number): unknown[] {
      return server.received
        .slice(from)
        .filter((request) => request.path === '/redirect-loop')
        .map((request) => request.headers.traceparent);
    }

    // axios passes maxRedirects to follow-redirects on the http adapter, which
    // shows us each hop; fetch follows undici's fixed 20 out of sight and
    // knows only maxRedirects 0 ('manual').
    it("http adapter: 4 hops, each its own span carrying its own traceparent, then the same error as untraced", async () => {
      const url = server.url('/redirect-loop');
      const from = server.received.length;
      const { outcome, spans } = await runBothWays(() => axios.get(url, { adapter: 'http', maxRedirects: 3 }), seen);
      assert.strictEqual(spans.length, 4);
      assertFault(outcome, spans[3], 'GET', url, {
        app: { code: 'ERR_FR_TOO_MANY_REDIRECTS', message: 'Maximum number of redirects exceeded' },
        span: { errorType: 'ERR_FR_TOO_MANY_REDIRECTS' },
      });
      for (const span of spans.slice(0, 3)) assertClientSpan(span, { method: 'GET', url, status: 302 });
      const traceparents = hopTraceparents(from);
      assert.strictEqual(traceparents.length, 8, '4 hops traced, 4 untraced');
      assert.deepStrictEqual(traceparents.slice(0, 4), spans.map(traceparentOf));
      assert.deepStrictEqual(traceparents.slice(4), Array(4).fill(undefined));
    });

    it("fetch adapter: 21 hops, each carrying the one span's traceparent, then the same error as untraced", async () => {
      const url = server.url('/redirect-loop');
      const from = server.received.length;
      const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter: 'fetch' }));
      assertFault(outcome, span, 'GET', url, { app: { code: 'ERR_NETWORK', message: 'Network Error' }, span: { errorType: 'ERR_NETWORK' } });
      const traceparents = hopTraceparents(from);
      assert.strictEqual(traceparents.length, 42, '21 hops traced, 21 untraced');
      assert.deepStrictEqual(traceparents.slice(0, 21), Array(21).fill(traceparentOf(span)));
      assert.deepStrictEqual(traceparents.slice(21), Array(21).fill(undefined));
    });

    for (const adapter of ADAPTERS) {
      it(`${adapter} adapter, maxRedirects 0: the first 302 is the answer, rejected as untraced, and the span records 302`, async () => {
        const url = server.url('/redirect-loop');
        const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter, maxRedirects: 0 }));
        assertFault(outcome, span, 'GET', url, {
          app: { code: 'ERR_BAD_RESPONSE', message: 'Request failed with status code 302', status: 302 },
          span: { status: 302, errorType: 'ERR_BAD_RESPONSE' },
        });
      });
    }
  });

  describe('a connection refused, with everything captured', () => {
    beforeEach(() => resetInstrumentation({ captureAll: true }));

    const expectations: Record<AdapterName, FaultExpectation> = {
      http: { app: { code: 'ECONNREFUSED' }, span: { errorType: 'ECONNREFUSED' } },
      fetch: { app: { code: 'ERR_NETWORK', causeCode: 'ECONNREFUSED' }, span: { errorType: 'ERR_NETWORK' } },
    };
    for (const adapter of ADAPTERS) {
      it(`${adapter} adapter: the same error as untraced; the span has the request body it tried to send and nothing of a response`, async () => {
        const url = `http://127.0.0.1:${await closedPort()}/refused`;
        const { outcome, span } = await oneSpanBothWays(() => axios.post(url, { attempt: 1 }, { adapter }));
        assertFault(outcome, span, 'POST', url, expectations[adapter]);
        assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], '{"attempt":1}');
        const responseAttributes = Object.keys(span.attributes).filter((name) => name.startsWith('http.response.'));
        assert.deepStrictEqual(responseAttributes, []);
      });
    }
  });

  describe('a host name that does not resolve (a custom lookup fails it; no DNS query is sent)', () => {
    const url = 'http://no-such-host.invalid/resource';

    it('http adapter: the same ENOTFOUND as untraced, one ERROR span with error.type ENOTFOUND', async () => {
      const { outcome, span } = await oneSpanBothWays(() =>
        axios.get(url, { adapter: 'http', proxy: false, lookup: unresolvableLookup as AxiosRequestConfig['lookup'] })
      );
      assertFault(outcome, span, 'GET', url, {
        app: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND no-such-host.invalid' },
        span: { errorType: 'ENOTFOUND' },
      });
    });

    // fetch ignores axios' `lookup`: the lookup goes to an undici dispatcher instead.
    it('fetch adapter: the same ERR_NETWORK (caused by ENOTFOUND) as untraced, one ERROR span with error.type ERR_NETWORK', async () => {
      const dispatcher = await fetchDispatcherWithLookup(unresolvableLookup, server.url('/no-content'));
      try {
        const { outcome, span } = await oneSpanBothWays(() =>
          axios.get(url, { adapter: 'fetch', fetchOptions: { dispatcher } as AxiosRequestConfig['fetchOptions'] })
        );
        assertFault(outcome, span, 'GET', url, {
          app: { code: 'ERR_NETWORK', message: 'Network Error', causeCode: 'ENOTFOUND' },
          span: { errorType: 'ERR_NETWORK' },
        });
      } finally {
        await dispatcher.close();
      }
    });
  });

  describe('answers without a body (204, 304, HEAD), with everything captured', () => {
    beforeEach(() => resetInstrumentation({ captureAll: true }));

    const notModified = { headers: { 'if-none-match': '"v1"' } };
    for (const adapter of ADAPTERS) {
      it(`${adapter} adapter, 204: resolves with the same empty data as untraced; the span records 204`, async () => {
        const url = server.url('/no-content');
        const { outcome, span } = await oneSpanBothWays(() => axios.delete(url, { adapter }));
        const response = assertAnswered(outcome, span, 'DELETE', url, 204);
        assert.strictEqual(response.data, '');
      });

      it(`${adapter} adapter, 304 accepted by validateStatus: resolves with the same empty data as untraced; the span records 304, not an error`, async () => {
        const url = server.url('/etag');
        const { outcome, span } = await oneSpanBothWays(() =>
          axios.get(url, { adapter, ...notModified, validateStatus: (status) => status < 400 })
        );
        const response = assertAnswered(outcome, span, 'GET', url, 304);
        assert.strictEqual(response.data, '');
        assert.strictEqual(response.headers.etag, '"v1"');
      });

      // axios rejects anything outside 2xx by default: the span records the
      // failure the application got, with the status the server gave.
      it(`${adapter} adapter, 304 with the default validateStatus: rejects as untraced; the span records 304 and ERR_BAD_RESPONSE`, async () => {
        const url = server.url('/etag');
        const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter, ...notModified }));
        assertFault(outcome, span, 'GET', url, {
          app: { code: 'ERR_BAD_RESPONSE', status: 304 },
          span: { status: 304, errorType: 'ERR_BAD_RESPONSE' },
        });
      });

      it(`${adapter} adapter, HEAD: resolves with the same empty data and Content-Length as untraced; the span records 200`, async () => {
        const url = server.url('/head');
        const { outcome, span } = await oneSpanBothWays(() => axios.head(url, { adapter }));
        const response = assertAnswered(outcome, span, 'HEAD', url, 200);
        assert.strictEqual(response.data, '');
        assert.strictEqual(response.headers['content-length'], '20');
      });

      // A HEAD answer's Content-Length is the size of the body a GET would get.
      it(`${adapter} adapter, HEAD: the Content-Length is not recorded as http.response.body.size, since no body was transferred`, async () => {
        const url = server.url('/head');
        const response = await axios.head(url, { adapter });
        assert.strictEqual(response.headers['content-length'], '20');
        assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_SIZE], undefined);
      });
    }
  });

  describe('compressed bodies (Content-Encoding), with everything captured', () => {
    beforeEach(() => resetInstrumentation({ captureAll: true }));

    for (const adapter of ADAPTERS) {
      for (const [encoding, compress] of ENCODINGS) {
        it(`${adapter} adapter, ${encoding}: the application gets the same decoded text as untraced; the span captures the decoded text and the compressed size`, async () => {
          const url = server.url(`/compressed/${encoding}`);
          const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter }));
          const response = assertAnswered(outcome, span, 'GET', url, 200);
          assert.strictEqual(response.data, COMPRESSED_TEXT);
          assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], COMPRESSED_TEXT);
          // The conventions' body size is the bytes transferred: compressed.
          assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_SIZE], compress(COMPRESSED_TEXT).length);
          // The captured headers are the application's: the http adapter
          // drops Content-Encoding once it has decoded the body, fetch keeps it.
          const contentEncoding = response.headers['content-encoding'] as string | undefined;
          assert.strictEqual(contentEncoding, adapter === 'http' ? undefined : encoding);
          assert.deepStrictEqual(
            span.attributes[ATTR_HTTP_RESPONSE_HEADER('content-encoding')],
            contentEncoding === undefined ? undefined : [contentEncoding]
          );
        });
      }
    }

    // The body is still compressed (axios was told not to decode it, or does
    // not know the coding), so its bytes are not text whatever the
    // Content-Type says: decoded as UTF-8 they would be mojibake.
    const stillEncoded: Array<[string, AdapterName, string, AxiosRequestConfig]> = [
      ['http adapter, decompress: false, gzip', 'http', '/compressed/gzip', { decompress: false }],
      ['http adapter, a coding axios does not know', 'http', '/unknown-encoding', {}],
      ['fetch adapter, a coding undici does not know', 'fetch', '/unknown-encoding', {}],
    ];
    for (const [label, adapter, path, config] of stillEncoded) {
      it(`${label}: the application gets the same compressed bytes as untraced, and the span does not capture them as text`, async () => {
        const url = server.url(path);
        const compressed = zlib.gzipSync(COMPRESSED_TEXT);
        const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter, ...config, responseType: 'arraybuffer' }));
        const response = assertAnswered(outcome, span, 'GET', url, 200);
        assert.ok(Buffer.from(response.data as ArrayBuffer).equals(compressed), 'the gzip bytes, untouched');
        assert.ok(response.headers['content-encoding'], 'the coding is still named');
        assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_SIZE], compressed.length);
        assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], undefined, 'compressed bytes are not text');
      });
    }
  });

  describe('chunked bodies without a Content-Length, with everything captured', () => {
    beforeEach(() => resetInstrumentation({ captureAll: true }));

    for (const adapter of ADAPTERS) {
      it(`${adapter} adapter, text in ${CHUNKS.length} chunks: the same text as untraced, captured whole`, async () => {
        const url = server.url('/chunked-text');
        const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter }));
        const response = assertAnswered(outcome, span, 'GET', url, 200);
        assert.strictEqual(response.data, CHUNKS.join(''));
        assert.strictEqual(response.headers['content-length'], undefined, 'no Content-Length was sent');
        assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], CHUNKS.join(''));
        assert.strictEqual(span.attributes[ATTR_AXIOS_RESPONSE_BODY_TRUNCATED], undefined);
      });

      it(`${adapter} adapter, JSON split inside its tokens: the same parsed data as untraced, the raw text captured`, async () => {
        const url = server.url('/chunked-json');
        const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter }));
        const response = assertAnswered(outcome, span, 'GET', url, 200);
        assert.deepStrictEqual(response.data, { items: [1, 2, 3], done: true });
        assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], JSON_CHUNKS.join(''));
      });
    }
  });

  describe(`headers larger than Node's limit (${MAX_HEADER_SIZE} bytes)`, () => {
    const responseOverflow: Record<AdapterName, FaultExpectation> = {
      http: { app: { code: 'HPE_HEADER_OVERFLOW' }, span: { errorType: 'HPE_HEADER_OVERFLOW' } },
      fetch: { app: { code: 'ERR_NETWORK', causeCode: 'UND_ERR_HEADERS_OVERFLOW' }, span: { errorType: 'ERR_NETWORK' } },
    };
    for (const adapter of ADAPTERS) {
      it(`${adapter} adapter, in the response: the client's parser gives up, the same error as untraced, one ERROR span with error.type ${String(responseOverflow[adapter].span.errorType)}`, async () => {
        const url = server.url('/huge-response-headers');
        const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter }));
        assertFault(outcome, span, 'GET', url, responseOverflow[adapter]);
      });

      it(`${adapter} adapter, in the request: the server answers 431, rejected as untraced, one ERROR span with error.type '431'`, async () => {
        const url = server.url('/huge-request-headers');
        const { outcome, span } = await oneSpanBothWays(() => axios.get(url, { adapter, headers: { 'x-huge': HUGE_HEADER_VALUE } }));
        assertFault(outcome, span, 'GET', url, {
          app: { code: 'ERR_BAD_REQUEST', message: 'Request failed with status code 431', status: 431 },
          span: { status: 431, errorType: '431' },
        });
      });
    }
  });
});
