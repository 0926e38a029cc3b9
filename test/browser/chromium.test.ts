/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The package in a real headless Chromium: a page bundled with the browser
// entry (test/browser/page.js), served from one loopback server, calling it
// and a second, cross-origin one that answers CORS. Both servers record every
// request, preflights included, so what the browser really sent is checked
// here in Node, beside the spans the page recorded.
//
// Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium: Debian's
// `chromium` package; .ci/run installs it); without it the suite fails.

import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as zlib from 'zlib';
import { Browser, chromium, Page } from 'playwright-core';

import { closedPort, Handler, ReceivedRequest, TestServer } from '../support/server';
import { bundleBrowserPage } from './bundle';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const SPAN_STATUS_ERROR = 2;

/** What `window.otel.request()` gives back (test/browser/page.js). */
interface PageOutcome {
  status?: number;
  data?: unknown;
  headers?: Record<string, string>;
  error?: { code?: string; message: string; status?: number };
  parentSpanId?: string;
  spans: PageSpan[];
  /** `Date.now()` in the page when the call had settled. */
  pageNow: number;
}

interface PageSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  startEpochMs: number;
  durationMs: number;
  status: { code: number };
  ended: boolean;
}

interface RequestOptions {
  url: string;
  method?: string;
  adapter?: 'xhr' | 'fetch';
  data?: unknown;
  headers?: Record<string, string>;
  abortAfterMs?: number;
  underParent?: boolean;
}

/** The page bundled as an application's bundler would (test/browser/bundle.ts). */
async function bundlePage(): Promise<string> {
  const { text, inputs } = await bundleBrowserPage('page.js');
  assert.ok(inputs.includes('dist/esm/index.js'), "the page bundles the ESM build, as the exports' browser condition says");
  assert.ok(inputs.includes('dist/esm/platform/browser/index.js'), 'the page bundles the browser platform');
  assert.ok(!inputs.some((input) => /^dist\/(esm\/)?platform\/node\//.test(input)), 'the page bundles nothing of the Node platform');
  return text;
}

/**
 * The API of both servers. Every response allows the page's origin and
 * exposes `x-exposed` (not `x-hidden`); a preflight is allowed whatever it
 * asks, and not cached, so that every request that needs one sends one.
 */
function apiHandler(pageOrigin: () => string): Handler {
  return (req, res, body) => {
    const url = new URL('http://localhost' + (req.url ?? '/'));
    res.setHeader('access-control-allow-origin', pageOrigin());
    res.setHeader('access-control-expose-headers', 'x-exposed');
    res.setHeader('vary', 'origin');
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
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(echo);
    }
  };
}

function pageHandler(bundle: string, api: Handler): Handler {
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

describe('in a real browser (headless Chromium)', function () {
  this.timeout(60000);

  let pageServer: TestServer;
  let apiServer: TestServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  /** Each test's requests get a path of their own, so the servers' records are told apart. */
  let caseNumber = 0;

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (install Debian's chromium package, or set CHROMIUM_PATH)`);
    const bundle = await bundlePage();
    let pageOrigin = '';
    const api = apiHandler(() => pageOrigin);
    pageServer = await TestServer.start(pageHandler(bundle, api));
    pageOrigin = pageServer.origin;
    apiServer = await TestServer.start(api);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    page = await browser.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(pageServer.url('/'));
    await page.waitForFunction(() => (globalThis as { otelReady?: boolean }).otelReady === true);
  });

  after(async () => {
    await browser?.close();
    await pageServer?.close();
    await apiServer?.close();
  });

  afterEach(() => {
    assert.deepStrictEqual(pageErrors, [], 'the page threw');
  });

  /** Resets the page's instrumentation with these options; `corsPattern` becomes a RegExp there. */
  async function reset(config: Record<string, unknown> = {}, corsPattern?: string): Promise<void> {
    await page.evaluate(
      ({ config, corsPattern }) => {
        const options = { ...config } as Record<string, unknown>;
        if (corsPattern !== undefined) options.propagateTraceHeaderCorsUrls = [new RegExp(corsPattern)];
        (globalThis as any).otel.reset(options);
      },
      { config, corsPattern }
    );
  }

  function request(options: RequestOptions): Promise<PageOutcome> {
    return page.evaluate((options) => (globalThis as any).otel.request(options), options);
  }

  function newPath(route = '/api/echo'): string {
    caseNumber += 1;
    return `${route}?case=${caseNumber}`;
  }

  /** What one server received for this path, preflights included, in order. */
  function received(server: TestServer, requestPath: string): ReceivedRequest[] {
    return server.received.filter((entry) => entry.path === requestPath);
  }

  function onlySpan(outcome: PageOutcome): PageSpan {
    assert.strictEqual(outcome.spans.length, 1, `expected one CLIENT span, got ${outcome.spans.length}`);
    const [span] = outcome.spans;
    assert.ok(span.ended);
    return span;
  }

  function assertPropagated(span: PageSpan, headers: http.IncomingHttpHeaders): void {
    assert.strictEqual(headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
  }

  for (const adapter of ['xhr', 'fetch'] as const) {
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

      it('cross origin, not in propagateTraceHeaderCorsUrls: no trace headers and no preflight', async () => {
        await reset({ propagateTraceHeaderCorsUrls: 'http://elsewhere.example/api/echo' });
        const requestPath = newPath();
        const outcome = await request({ url: apiServer.url(requestPath), adapter });
        assert.strictEqual(outcome.status, 200);
        const span = onlySpan(outcome);
        assert.strictEqual(span.attributes['url.full'], apiServer.url(requestPath));
        assert.strictEqual(span.attributes['server.port'], apiServer.port);
        const sent = received(apiServer, requestPath);
        assert.deepStrictEqual(
          sent.map((entry) => entry.method),
          ['GET'],
          'the browser sent no preflight'
        );
        assert.strictEqual(sent[0].headers.traceparent, undefined);
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

      it('a 500: ERROR span with the status code, the page gets axios` own error', async () => {
        await reset();
        const outcome = await request({ url: newPath('/api/status/500'), adapter });
        assert.strictEqual(outcome.error?.status, 500);
        const span = onlySpan(outcome);
        assert.strictEqual(span.status.code, SPAN_STATUS_ERROR);
        assert.strictEqual(span.attributes['http.response.status_code'], 500);
        assert.strictEqual(span.attributes['error.type'], '500');
      });

      it('a network error (nothing listens): ERROR span, the page gets ERR_NETWORK', async () => {
        await reset();
        const url = `http://127.0.0.1:${await closedPort()}/api/echo`;
        const outcome = await request({ url, adapter });
        assert.strictEqual(outcome.error?.code, 'ERR_NETWORK');
        const span = onlySpan(outcome);
        assert.strictEqual(span.status.code, SPAN_STATUS_ERROR);
        assert.strictEqual(span.attributes['error.type'], 'ERR_NETWORK');
        assert.strictEqual(span.attributes['url.full'], url);
      });

      it('a cancellation (AbortController): the span ends with error.type ERR_CANCELED', async () => {
        await reset();
        const outcome = await request({ url: newPath('/api/slow'), adapter, abortAfterMs: 200 });
        assert.strictEqual(outcome.error?.code, 'ERR_CANCELED');
        const span = onlySpan(outcome);
        assert.strictEqual(span.attributes['error.type'], 'ERR_CANCELED');
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
    await page.evaluate(() => (globalThis as any).otel.instrumentation.disable());
    const whileDisabled = newPath();
    const untraced = await request({ url: whileDisabled });
    assert.strictEqual(untraced.status, 200);
    assert.deepStrictEqual(untraced.spans, []);
    assert.strictEqual(received(pageServer, whileDisabled)[0].headers.traceparent, undefined);

    await page.evaluate(() => (globalThis as any).otel.instrumentation.enable());
    const afterEnable = newPath();
    const traced = await request({ url: afterEnable });
    assertPropagated(onlySpan(traced), received(pageServer, afterEnable)[0].headers);
  });

  it('ran all the above in a page that has no process and no Buffer', async () => {
    const globals = await page.evaluate(() => [typeof (globalThis as any).process, typeof (globalThis as any).Buffer]);
    assert.deepStrictEqual(globals, ['undefined', 'undefined']);
  });
});
