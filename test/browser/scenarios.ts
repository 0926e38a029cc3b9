/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The package in a real browser: a page bundled with the browser entry
// (test/browser/page.js), served from one loopback server, calling it and a
// second, cross-origin one that answers CORS. Both servers record every
// request, preflights included, so what the browser really sent is checked
// here in Node, beside the spans the page recorded. One set of scenarios,
// run in each engine (test/browser/engines.ts) by a test file of its own.

import * as assert from 'assert';
import * as http from 'http';
import * as path from 'path';
import * as zlib from 'zlib';

import { BrowserEngine, BrowserPage, missingExecutables } from './engines';
import { bundleBrowserPage } from './bundle';
import { closedPort, Handler, ReceivedRequest, TestServer } from '../support/server';

export const ROOT = path.resolve(__dirname, '../../..');
export const PAGE_ENTRY = path.join(ROOT, 'test/browser/page.js');

const SPAN_STATUS_ERROR = 2;

/** The phase events, in the order they happen (secureConnectionStart only over TLS: these servers are plain HTTP). */
export const PHASES = [
  'fetchStart',
  'domainLookupStart',
  'domainLookupEnd',
  'connectStart',
  'connectEnd',
  'requestStart',
  'responseStart',
  'responseEnd',
];
/** Timestamps are rounded to nanoseconds, and the page's clock may be coarsened. */
const CLOCK_TOLERANCE_MS = 2;
/** The chunked route sends its body in two chunks, the first of this many bytes. */
const CHUNKED_FIRST_PART = 10;
/** The bytes of an ASCII body sent that way, chunk framing included (`<size in hex>\r\n<data>\r\n`, then `0\r\n\r\n`). */
function chunkedWireLength(body: string): number {
  const frame = (size: number) => size.toString(16).length + 2 + size + 2;
  return frame(CHUNKED_FIRST_PART) + frame(body.length - CHUNKED_FIRST_PART) + 5;
}
/** The delays the overlap route gives the first and the later requests to one URL. */
const SLOW_ANSWER_MS = 600;
const FAST_ANSWER_MS = 50;

/** What `window.otel.request()` gives back (test/browser/page.js). */
export interface PageOutcome {
  status?: number;
  data?: unknown;
  headers?: Record<string, string>;
  error?: { code?: string; message: string; status?: number };
  parentSpanId?: string;
  spans: PageSpan[];
  /** `Date.now()` in the page when the call had settled. */
  pageNow: number;
}

export interface PageSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  startEpochMs: number;
  endEpochMs: number;
  durationMs: number;
  status: { code: number };
  ended: boolean;
  events: Array<{ name: string; epochMs: number }>;
}

export interface RequestOptions {
  url: string;
  method?: string;
  adapter?: 'xhr' | 'fetch';
  data?: unknown;
  headers?: Record<string, string>;
  fetchOptions?: Record<string, unknown>;
  abortAfterMs?: number;
  underParent?: boolean;
  expectSpans?: number;
}

/** The page bundled by esbuild as an application's bundler would (test/browser/bundle.ts). */
export async function buildPageWithEsbuild(): Promise<{ code: string; inputs: string[] }> {
  const { text, inputs } = await bundleBrowserPage('page.js');
  return { code: text, inputs };
}

/** The page as the scenarios load it, checked to hold the browser platform of the ESM build and nothing of Node's. */
export async function bundlePageWithEsbuild(): Promise<string> {
  const { code, inputs } = await buildPageWithEsbuild();
  assert.ok(inputs.includes('dist/esm/index.js'), "the page bundles the ESM build, as the exports' browser condition says");
  assert.ok(inputs.includes('dist/esm/platform/browser/index.js'), 'the page bundles the browser platform');
  assert.ok(!inputs.some((input) => /^dist\/(esm\/)?platform\/node\//.test(input)), 'the page bundles nothing of the Node platform');
  return code;
}

/**
 * The API of both servers. Every response allows the page's origin and
 * exposes `x-exposed` (not `x-hidden`); a preflight is allowed whatever it
 * asks, and not cached, so that every request that needs one sends one.
 * `?tao=1` adds `Timing-Allow-Origin`.
 */
function apiHandler(pageOrigin: () => string): Handler {
  /** When each request to an overlap path arrived, by path: the first is answered slowly, the others fast. */
  const overlapArrivals = new Map<string, number>();
  return (req, res, body) => {
    const url = new URL('http://localhost' + (req.url ?? '/'));
    res.setHeader('access-control-allow-origin', pageOrigin());
    res.setHeader('access-control-expose-headers', 'x-exposed');
    res.setHeader('vary', 'origin');
    if (url.searchParams.has('tao')) res.setHeader('timing-allow-origin', pageOrigin());
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE');
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '');
      res.setHeader('access-control-max-age', '0');
      res.end();
      return;
    }
    res.setHeader('x-exposed', 'visible');
    res.setHeader('x-hidden', 'invisible');
    const echo = JSON.stringify({ method: req.method, path: req.url, body: body.toString('utf8') });
    if (url.pathname === '/api/status/500') {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end('{"failed":true}');
    } else if (url.pathname === '/api/slow') {
      setTimeout(() => res.end(echo), 5000).unref();
    } else if (url.pathname === '/api/gzip') {
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-encoding', 'gzip');
      res.end(zlib.gzipSync(echo));
    } else if (url.pathname === '/api/chunked') {
      // Two writes and no Content-Length: the body's size is known from the timing entry only.
      res.setHeader('content-type', 'application/json');
      res.write(echo.slice(0, CHUNKED_FIRST_PART));
      setTimeout(() => res.end(echo.slice(CHUNKED_FIRST_PART)), 20);
    } else if (url.pathname === '/api/overlap') {
      const arrivedBefore = overlapArrivals.has(req.url ?? '');
      if (!arrivedBefore) overlapArrivals.set(req.url ?? '', Date.now());
      const delayMs = arrivedBefore ? FAST_ANSWER_MS : SLOW_ANSWER_MS;
      const firstArrival = overlapArrivals.get(req.url ?? '') as number;
      res.setHeader('content-type', 'application/json');
      const answer = { traceparent: req.headers.traceparent, delayMs, sinceFirstArrivalMs: Date.now() - firstArrival };
      setTimeout(() => res.end(JSON.stringify(answer)), delayMs);
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(echo);
    }
  };
}

/** Serves the page and its bundle; every other path goes to `api`. */
export function pageHandler(bundle: string, api: Handler): Handler {
  return (req, res, body) => {
    if (req.url === '/') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>axios in a browser</title><script src="/bundle.js"></script>');
    } else if (req.url === '/bundle.js') {
      res.setHeader('content-type', 'text/javascript; charset=utf-8');
      res.end(bundle);
    } else if (req.url === '/favicon.ico') {
      res.statusCode = 404;
      res.end();
    } else {
      api(req, res, body);
    }
  };
}

/** A page served with its API from one origin, and a second, cross-origin API server. */
export interface PageServers {
  pageServer: TestServer;
  apiServer: TestServer;
  close(): Promise<void>;
}

export async function servePage(bundle: string): Promise<PageServers> {
  let pageOrigin = '';
  const api = apiHandler(() => pageOrigin);
  const pageServer = await TestServer.start(pageHandler(bundle, api));
  pageOrigin = pageServer.origin;
  const apiServer = await TestServer.start(api);
  return {
    pageServer,
    apiServer,
    close: async () => {
      await pageServer.close();
      await apiServer.close();
    },
  };
}

/** Fails unless the engine's files are there, naming the missing ones. */
export function assertEngineInstalled(engine: BrowserEngine): void {
  const missing = missingExecutables(engine);
  assert.deepStrictEqual(missing, [], `${engine.name} needs ${missing.join(', ')} (Debian's packages; .ci/run installs them)`);
}

export function onlySpan(outcome: PageOutcome): PageSpan {
  assert.strictEqual(outcome.spans.length, 1, `expected one CLIENT span, got ${outcome.spans.length}`);
  const [span] = outcome.spans;
  assert.ok(span.ended);
  return span;
}

/** The span's events that are phases (a failure adds `exception`). */
function phaseEvents(span: PageSpan): PageSpan['events'] {
  return span.events.filter((event) => PHASES.includes(event.name) || event.name === 'secureConnectionStart');
}

function phaseNames(span: PageSpan): string[] {
  return phaseEvents(span).map((event) => event.name);
}

/** The span's events that are phases are these, in order in time, within the span. */
export function assertPhases(span: PageSpan, expected: string[]): void {
  const phases = phaseEvents(span);
  assert.deepStrictEqual(
    phases.map((event) => event.name),
    expected
  );
  let previous = span.startEpochMs - CLOCK_TOLERANCE_MS;
  for (const event of phases) {
    assert.ok(event.epochMs >= previous, `${event.name} at ${event.epochMs}, before the previous phase or the span's start (${previous})`);
    previous = event.epochMs;
  }
  assert.ok(previous <= span.endEpochMs + CLOCK_TOLERANCE_MS, `the last phase at ${previous}, after the span's end (${span.endEpochMs})`);
}

function eventTime(span: PageSpan, name: string): number {
  const event = span.events.find((candidate) => candidate.name === name);
  assert.ok(event, `${name} recorded`);
  return event.epochMs;
}

/** Defines the suite for one engine. */
export function describeInBrowser(engine: BrowserEngine): void {
  describe(`in a real browser (headless ${engine.name})`, function () {
    this.timeout(60000);

    let servers: PageServers;
    let pageServer: TestServer;
    let apiServer: TestServer;
    let page: BrowserPage;
    /** Each test's requests get a path of their own, so the servers' records are told apart. */
    let caseNumber = 0;

    before(async function () {
      this.timeout(120000);
      assertEngineInstalled(engine);
      servers = await servePage(await bundlePageWithEsbuild());
      ({ pageServer, apiServer } = servers);
      page = await engine.open(pageServer.url('/'));
    });

    after(async () => {
      await page?.close();
      await servers?.close();
    });

    afterEach(async () => {
      const facts = await page.call<{ errors: string[] }>('pageFacts');
      assert.deepStrictEqual(facts.errors, [], 'the page threw');
    });

    /** Resets the page's instrumentation with these options; `corsPattern` becomes a RegExp there. */
    async function reset(config: Record<string, unknown> = {}, corsPattern?: string): Promise<void> {
      await page.call('reset', { ...config, corsPattern });
    }

    function request(options: RequestOptions): Promise<PageOutcome> {
      return page.call('request', options);
    }

    function newPath(route = '/api/echo'): string {
      caseNumber += 1;
      return `${route}?case=${caseNumber}`;
    }

    /** What one server received for this path, preflights included, in order. */
    function received(server: TestServer, requestPath: string): ReceivedRequest[] {
      return server.received.filter((entry) => entry.path === requestPath);
    }

    function assertPropagated(span: PageSpan, headers: http.IncomingHttpHeaders): void {
      assert.strictEqual(headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
    }

    for (const adapter of ['xhr', 'fetch'] as const) {
      /**
       * What keeps the browser from holding back a request to a URL already in
       * flight until the first one's answer (its HTTP cache's lock). For an XHR,
       * Chromium still holds back one sent with `Cache-Control: no-store` alone,
       * and Firefox, now and then, one sent with `no-cache` alone.
       */
      const bypassCache: Partial<RequestOptions> =
        adapter === 'xhr'
          ? { headers: { 'cache-control': 'no-cache, no-store' } }
          : { fetchOptions: { cache: 'no-store' } };

      describe(`the ${adapter} adapter`, () => {
        it('same origin, relative URL: resolved against the page for url.full and the server address, trace headers sent', async () => {
          await reset();
          const requestPath = newPath();
          const outcome = await request({ url: requestPath, adapter, underParent: true });
          assert.strictEqual(outcome.status, 200);
          const span = onlySpan(outcome);
          assert.strictEqual(span.name, 'GET');
          assert.strictEqual(span.parentSpanId, outcome.parentSpanId);
          assert.strictEqual(span.attributes['url.full'], pageServer.url(requestPath));
          assert.strictEqual(span.attributes['server.address'], '127.0.0.1');
          assert.strictEqual(span.attributes['server.port'], pageServer.port);
          assert.strictEqual(span.attributes['url.scheme'], 'http');
          assert.strictEqual(span.attributes['http.request.method'], 'GET');
          assert.strictEqual(span.attributes['http.response.status_code'], 200);
          // The start time (performance.now() at the call) is read on the page's clock.
          assert.ok(span.durationMs >= 0 && span.durationMs < 30000, `duration ${span.durationMs} ms`);
          const startedAgo = outcome.pageNow - span.startEpochMs;
          assert.ok(startedAgo >= span.durationMs - 1 && startedAgo < 30000, `started ${startedAgo} ms before the call settled`);
          const [sent, ...others] = received(pageServer, requestPath);
          assert.deepStrictEqual(others, []);
          assertPropagated(span, sent.headers);
        });

        it('same origin: the phases of the request as events, from its Resource Timing entry', async () => {
          await reset();
          const span = onlySpan(await request({ url: newPath(), adapter }));
          assertPhases(span, PHASES);
          assert.strictEqual(span.attributes['http.response.body.size'], undefined, 'Content-Length gave the size: none from the entry');
        });

        it('a body of unknown length (chunked): http.response.body.size from the timing entry', async () => {
          await reset();
          const requestPath = newPath('/api/chunked');
          const span = onlySpan(await request({ url: requestPath, adapter }));
          const body = JSON.stringify({ method: 'GET', path: requestPath, body: '' });
          // WebKit's encodedBodySize counts the chunk framing too.
          const expectedSize = engine.name === 'WebKit' ? chunkedWireLength(body) : body.length;
          assert.strictEqual(span.attributes['http.response.body.size'], expectedSize);
          assertPhases(span, PHASES);
        });

        it('cross origin without Timing-Allow-Origin: no events from the zeros of the detailed phases', async () => {
          await reset();
          const span = onlySpan(await request({ url: apiServer.url(newPath()), adapter }));
          assertPhases(span, ['fetchStart', 'responseEnd']);
        });

        it('cross origin with Timing-Allow-Origin: every phase', async () => {
          await reset();
          const span = onlySpan(await request({ url: apiServer.url(newPath() + '&tao=1'), adapter }));
          assertPhases(span, PHASES);
        });

        it('two overlapping requests to one URL, one answered fast, one slowly: each span has its own timings', async () => {
          await reset();
          const url = newPath('/api/overlap');
          const together = await page.call<{ outcomes: PageOutcome[]; spans: PageSpan[] }>('requestsTogether', [
            { url, adapter, ...bypassCache },
            { url, adapter, ...bypassCache },
          ]);
          const answers = together.outcomes.map((outcome) => outcome.data as { traceparent: string; delayMs: number; sinceFirstArrivalMs: number });
          // Sent on two connections, the two may reach the server in either order.
          answers.sort((one, other) => other.delayMs - one.delayMs);
          assert.deepStrictEqual(
            answers.map((answer) => answer.delayMs),
            [SLOW_ANSWER_MS, FAST_ANSWER_MS]
          );
          assert.ok(answers[1].sinceFirstArrivalMs < SLOW_ANSWER_MS, 'the second request reached the server while the first one waited');
          assert.strictEqual(together.spans.length, 2);
          const spanOf = (answer: { traceparent: string }) => {
            const span = together.spans.find((candidate) => answer.traceparent === `00-${candidate.traceId}-${candidate.spanId}-01`);
            assert.ok(span, `the span of ${answer.traceparent}`);
            return span;
          };
          const [slow, fast] = answers.map(spanOf);
          for (const span of [slow, fast]) assertPhases(span, PHASES);
          const waited = (span: PageSpan) => eventTime(span, 'responseStart') - eventTime(span, 'requestStart');
          assert.ok(waited(slow) >= SLOW_ANSWER_MS - CLOCK_TOLERANCE_MS, `the slow one waited ${waited(slow)} ms for its answer`);
          assert.ok(
            waited(fast) >= FAST_ANSWER_MS - CLOCK_TOLERANCE_MS && waited(fast) < SLOW_ANSWER_MS - FAST_ANSWER_MS,
            `the fast one waited ${waited(fast)} ms for its answer`
          );
          assert.ok(eventTime(fast, 'responseEnd') < eventTime(slow, 'responseEnd'));
        });

        it('ignoreNetworkEvents: no events', async () => {
          await reset({ ignoreNetworkEvents: true });
          const span = onlySpan(await request({ url: newPath('/api/chunked'), adapter }));
          assert.deepStrictEqual(span.events, []);
          assert.strictEqual(span.attributes['http.response.body.size'], undefined);
        });

        it("clearTimingResources: the page's timing buffer is emptied once no request waits; left alone by default", async () => {
          await reset({ clearTimingResources: true });
          const cleared = newPath();
          assertPhases(onlySpan(await request({ url: cleared, adapter })), PHASES);
          assert.deepStrictEqual(await page.call('adapterTimingEntries'), []);
          await reset();
          const kept = newPath();
          assertPhases(onlySpan(await request({ url: kept, adapter })), PHASES);
          assert.deepStrictEqual(await page.call('adapterTimingEntries'), [pageServer.url(kept)]);
        });

        it('cross origin, not in propagateTraceHeaderCorsUrls: no trace headers, and no preflight asks for them', async () => {
          await reset({ propagateTraceHeaderCorsUrls: 'http://elsewhere.example/api/echo' });
          const requestPath = newPath();
          const outcome = await request({ url: apiServer.url(requestPath), adapter });
          assert.strictEqual(outcome.status, 200);
          const span = onlySpan(outcome);
          assert.strictEqual(span.attributes['url.full'], apiServer.url(requestPath));
          assert.strictEqual(span.attributes['server.port'], apiServer.port);
          const sent = received(apiServer, requestPath);
          // Firefox and WebKit let the fetch adapter send axios' User-Agent (Chromium drops it), which is not a
          // CORS-safelisted header: a preflight asks for it alone.
          const preflights = sent.filter((entry) => entry.method === 'OPTIONS');
          const expectedPreflights = engine.name !== 'Chromium' && adapter === 'fetch' ? ['user-agent'] : [];
          assert.deepStrictEqual(
            preflights.map((entry) => entry.headers['access-control-request-headers']),
            expectedPreflights
          );
          const [get] = sent.filter((entry) => entry.method === 'GET');
          assert.strictEqual(get.headers.traceparent, undefined);
        });

        it('cross origin, matched by propagateTraceHeaderCorsUrls: the preflight asks for traceparent, the request carries the span', async () => {
          const requestPath = newPath();
          // A RegExp for one adapter, the exact URL as a string for the other.
          if (adapter === 'fetch') await reset({}, `^${apiServer.origin.replace(/[.]/g, '\\.')}/api/echo\\?`);
          else await reset({ propagateTraceHeaderCorsUrls: ['http://elsewhere.example/', apiServer.url(requestPath)] });
          const outcome = await request({ url: apiServer.url(requestPath), adapter });
          assert.strictEqual(outcome.status, 200);
          const span = onlySpan(outcome);
          const sent = received(apiServer, requestPath);
          assert.deepStrictEqual(
            sent.map((entry) => entry.method),
            ['OPTIONS', 'GET']
          );
          assert.match(String(sent[0].headers['access-control-request-headers']), /\btraceparent\b/);
          assertPropagated(span, sent[1].headers);
        });

        it('a 500: ERROR span with the status code and its phases, the page gets axios` own error', async () => {
          await reset();
          const outcome = await request({ url: newPath('/api/status/500'), adapter });
          assert.strictEqual(outcome.error?.status, 500);
          const span = onlySpan(outcome);
          assert.strictEqual(span.status.code, SPAN_STATUS_ERROR);
          assert.strictEqual(span.attributes['http.response.status_code'], 500);
          assert.strictEqual(span.attributes['error.type'], '500');
          assertPhases(span, PHASES);
        });

        it('a network error (nothing listens): ERROR span, the page gets ERR_NETWORK, no phase past the failure', async () => {
          await reset();
          const url = `http://127.0.0.1:${await closedPort()}/api/echo`;
          const outcome = await request({ url, adapter });
          assert.strictEqual(outcome.error?.code, 'ERR_NETWORK');
          const span = onlySpan(outcome);
          assert.strictEqual(span.status.code, SPAN_STATUS_ERROR);
          assert.strictEqual(span.attributes['error.type'], 'ERR_NETWORK');
          assert.strictEqual(span.attributes['url.full'], url);
          const names = phaseNames(span);
          assert.ok(!names.includes('requestStart') && !names.includes('responseStart'), names.join(', '));
          assertPhases(span, names);
        });

        it('a cancellation (AbortController): the span ends with error.type ERR_CANCELED, no answer among its phases', async () => {
          await reset();
          const outcome = await request({ url: newPath('/api/slow'), adapter, abortAfterMs: 200 });
          assert.strictEqual(outcome.error?.code, 'ERR_CANCELED');
          const span = onlySpan(outcome);
          assert.strictEqual(span.attributes['error.type'], 'ERR_CANCELED');
          const names = phaseNames(span);
          assert.ok(!names.includes('responseStart'), names.join(', '));
          assertPhases(span, names);
        });

        it('captureAll, cross origin: bodies and the headers the browser exposes, CORS-hidden ones absent', async () => {
          await reset({ captureAll: true });
          const requestPath = newPath();
          const outcome = await request({
            url: apiServer.url(requestPath),
            adapter,
            method: 'post',
            data: { greeting: 'héllo' },
            headers: { 'x-request-note': 'kept', authorization: 'Bearer secret-token' },
          });
          assert.strictEqual(outcome.status, 200);
          const span = onlySpan(outcome);
          const { attributes } = span;
          assert.strictEqual(attributes['http.request.body.content'], '{"greeting":"héllo"}');
          const [preflight, sent] = received(apiServer, requestPath);
          assert.strictEqual(preflight.method, 'OPTIONS', 'a JSON POST with custom headers is preflighted anyway');
          assert.strictEqual(sent.headers.traceparent, undefined, 'not in propagateTraceHeaderCorsUrls');
          assert.strictEqual(attributes['http.response.body.content'], JSON.stringify({ method: 'POST', path: requestPath, body: '{"greeting":"héllo"}' }));
          assert.deepStrictEqual(attributes['http.request.header.x-request-note'], ['kept']);
          assert.deepStrictEqual(attributes['http.request.header.authorization'], ['[REDACTED]']);
          assert.match(String(attributes['http.request.header.content-type']), /application\/json/);
          assert.deepStrictEqual(attributes['http.response.header.x-exposed'], ['visible']);
          assert.match(String(attributes['http.response.header.content-type']), /application\/json/);
          assert.strictEqual(attributes['http.response.header.x-hidden'], undefined, 'CORS hides it from the page');
          assert.strictEqual(outcome.headers?.['x-hidden'], undefined, 'the page does not see it either');
        });

        it('captureResponseBody, same origin, gzip: the body the browser decoded is captured as text', async () => {
          await reset({ captureResponseBody: true });
          const requestPath = newPath('/api/gzip');
          const outcome = await request({ url: requestPath, adapter });
          assert.strictEqual(outcome.status, 200);
          const span = onlySpan(outcome);
          assert.strictEqual(span.attributes['http.response.body.content'], JSON.stringify({ method: 'GET', path: requestPath, body: '' }));
        });
      });
    }

    it('disable() then enable(): no span and no trace headers while disabled, both again after', async () => {
      await reset();
      await page.call('setEnabled', false);
      const whileDisabled = newPath();
      const untraced = await request({ url: whileDisabled, expectSpans: 0 });
      assert.strictEqual(untraced.status, 200);
      assert.deepStrictEqual(untraced.spans, []);
      assert.strictEqual(received(pageServer, whileDisabled)[0].headers.traceparent, undefined);

      await page.call('setEnabled', true);
      const afterEnable = newPath();
      const traced = await request({ url: afterEnable });
      assertPropagated(onlySpan(traced), received(pageServer, afterEnable)[0].headers);
    });

    it('ran all the above in a page that has no process and no Buffer', async () => {
      const facts = await page.call<{ process: string; Buffer: string }>('pageFacts');
      assert.deepStrictEqual([facts.process, facts.Buffer], ['undefined', 'undefined']);
    });
  });
}
