/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Each attempt on the wire is a span of its own: retries made by real plugins
// (axios-retry, axios-auth-refresh) carry http.request.resend_count, and each
// hop of a redirect followed by the http adapter is a span with its own URL,
// status and traceparent. The fetch adapter follows redirects out of sight:
// one span there.

import * as assert from 'assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import createAuthRefreshInterceptor from 'axios-auth-refresh';
import axiosRetry from 'axios-retry';

import { assertClientSpan } from './support/assertions';
import { Handler } from './support/server';
import { useTestServer } from './support/suite';
import { PACKAGE_NAME } from '../lib/version';
import { axios, finishedSpans, resetInstrumentation, tracer, withHttpInstrumentation } from './support/telemetry';

/** The W3C traceparent a span's context is sent as. */
function traceparentOf(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}

function resendCounts(spans: ReadableSpan[]): unknown[] {
  return spans.map((span) => span.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT]);
}

/** Runs `work` inside a fresh parent span; returns the parent's span id. */
async function underParent(work: () => Promise<unknown>): Promise<string> {
  return tracer.startActiveSpan('parent', async (parent) => {
    try {
      await work();
    } finally {
      parent.end();
    }
    return parent.spanContext().spanId;
  });
}

/** The spans the instrumentation made (not the test's parent). */
function clientSpans(): ReadableSpan[] {
  return finishedSpans().filter((span) => span.name !== 'parent');
}

function assertSiblingsUnder(spans: ReadableSpan[], parentSpanId: string): void {
  for (const span of spans) assert.strictEqual(span.parentSpanContext?.spanId, parentSpanId, 'a child of the caller');
}

/** `/flaky/<id>`: 503 twice, then 200, counted per id. */
function flakyHandler(): Handler {
  const seen = new Map<string, number>();
  return (req, res) => {
    const count = (seen.get(req.url ?? '') ?? 0) + 1;
    seen.set(req.url ?? '', count);
    res.statusCode = count <= 2 ? 503 : 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ attempt: count }));
  };
}

describe('resends: each attempt on the wire is its own span, counted by http.request.resend_count', () => {
  const adapters = ['http', 'fetch'] as const;

  describe('axios-retry: 503, 503, 200', () => {
    const server = useTestServer(flakyHandler());
    beforeEach(() => resetInstrumentation());

    for (const adapter of adapters) {
      it(`${adapter} adapter: three sibling spans with no count, 1, 2, each id in its own traceparent at the server`, async () => {
        const client = axios.create({ adapter });
        axiosRetry(client, { retries: 3, retryCondition: (error) => error.response?.status === 503 });
        const path = `/flaky/${adapter}`;
        const from = server.received.length;
        let status: number | undefined;
        const parentSpanId = await underParent(async () => {
          status = (await client.get(server.url(path))).status;
        });
        assert.strictEqual(status, 200);
        const spans = clientSpans();
        assert.strictEqual(spans.length, 3);
        assert.deepStrictEqual(resendCounts(spans), [undefined, 1, 2]);
        assertClientSpan(spans[0], { method: 'GET', url: server.url(path), status: 503, errorType: '503' });
        assertClientSpan(spans[1], { method: 'GET', url: server.url(path), status: 503, errorType: '503' });
        assertClientSpan(spans[2], { method: 'GET', url: server.url(path), status: 200 });
        assertSiblingsUnder(spans, parentSpanId);
        const received = server.received.slice(from).map((request) => request.headers.traceparent);
        assert.deepStrictEqual(received, spans.map(traceparentOf));
      });
    }

    it('an instance created from a config handed back makes requests of its own: no count', async () => {
      const first = await axios.get(server.url('/status-ok'), { validateStatus: () => true });
      const instance = axios.create(first.config);
      await instance.get(server.url('/unrelated/1'), { validateStatus: () => true });
      await instance.get(server.url('/unrelated/2'), { validateStatus: () => true });
      assert.deepStrictEqual(resendCounts(clientSpans()), [undefined, undefined, undefined]);
    });

    it('a new call with a config of its own is not a resend, even after a retried one', async () => {
      const client = axios.create();
      axiosRetry(client, { retries: 3, retryCondition: (error) => error.response?.status === 503 });
      await client.get(server.url('/flaky/again'));
      await client.get(server.url('/flaky/again'));
      assert.deepStrictEqual(resendCounts(clientSpans()), [undefined, 1, 2, undefined]);
    });
  });

  describe('axios-auth-refresh: a 401, a token refresh, the request again', () => {
    const handler: Handler = (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/token') {
        res.end(JSON.stringify({ token: 'fresh' }));
      } else if (req.headers.authorization === 'Bearer fresh') {
        res.end(JSON.stringify({ secret: 'data' }));
      } else {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'expired' }));
      }
    };
    const server = useTestServer(handler);

    it('the request sent again carries resend_count 1; the refresh call is a request of its own; the new token is redacted', async () => {
      resetInstrumentation({ captureHeaders: true });
      const client = axios.create({ headers: { Authorization: 'Bearer stale' } });
      createAuthRefreshInterceptor(client, async (failed) => {
        const { data } = await axios.post(server.url('/token'));
        failed.response.config.headers.Authorization = `Bearer ${data.token}`;
      });
      const from = server.received.length;
      const parentSpanId = await underParent(async () => {
        assert.deepStrictEqual((await client.get(server.url('/secure'))).data, { secret: 'data' });
      });
      const spans = clientSpans();
      assert.deepStrictEqual(
        spans.map((span) => [span.name, span.attributes[ATTR_URL_FULL], span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]]),
        [
          ['GET', server.url('/secure'), 401],
          ['POST', server.url('/token'), 200],
          ['GET', server.url('/secure'), 200],
        ]
      );
      assert.deepStrictEqual(resendCounts(spans), [undefined, undefined, 1]);
      assertSiblingsUnder(spans, parentSpanId);
      assert.deepStrictEqual(spans[2].attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], ['[REDACTED]']);
      assert.deepStrictEqual(
        server.received.slice(from).map((request) => request.headers.traceparent),
        spans.map(traceparentOf)
      );
    });
  });

  describe('a token-refresh interceptor written as applications write one', () => {
    const server = useTestServer((req, res) => {
      res.statusCode = req.headers.authorization === 'Bearer renewed' ? 200 : 401;
      res.end();
    });
    beforeEach(() => resetInstrumentation());

    it('the original request sent again from error.config is a resend, with a traceparent of its own', async () => {
      const client = axios.create();
      client.interceptors.response.use(undefined, async (error) => {
        const original = error.config;
        if (error.response?.status !== 401 || original._retried) throw error;
        original._retried = true;
        original.headers.Authorization = 'Bearer renewed';
        return client(original);
      });
      await client.get(server.url('/me'));
      const spans = clientSpans();
      assert.deepStrictEqual(
        spans.map((span) => span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]),
        [401, 200]
      );
      assert.deepStrictEqual(resendCounts(spans), [undefined, 1]);
      assert.notStrictEqual(traceparentOf(spans[0]), traceparentOf(spans[1]));
      assert.strictEqual(server.last.headers.traceparent, traceparentOf(spans[1]));
    });
  });

  describe('redirects', () => {
    /** first /a -> second /b -> first /c (200). */
    const crossHost: Handler = (req, res, body) => {
      if (req.url === '/to-credentials') {
        res.statusCode = 302;
        const target = second.url('/c?access_token=hop-secret-1&sig=hop-secret-2&page=1#hop-secret-3');
        res.setHeader('location', target.replace('http://', 'http://hop-user:hop-secret-4@'));
        res.end();
      } else if (req.url === '/a') {
        res.statusCode = 302;
        res.setHeader('location', second.url('/b'));
        res.end();
      } else if (req.url === '/b') {
        res.statusCode = 307;
        res.setHeader('location', first.url('/c'));
        res.end();
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url, body: body.toString() }));
      }
    };
    const first = useTestServer(crossHost);
    const second = useTestServer(crossHost);
    beforeEach(() => resetInstrumentation({ captureHeaders: true }));

    it('http adapter, three hops across two hosts: three sibling spans, each with its URL, port, status, count and the traceparent that hop sent', async () => {
      const fromFirst = first.received.length;
      const fromSecond = second.received.length;
      const parentSpanId = await underParent(() => axios.get(first.url('/a'), { adapter: 'http', headers: { 'X-App': 'kept' } }));
      const spans = clientSpans();
      assert.strictEqual(spans.length, 3);
      assertClientSpan(spans[0], { method: 'GET', url: first.url('/a'), status: 302 });
      assertClientSpan(spans[1], { method: 'GET', url: second.url('/b'), status: 307 });
      assertClientSpan(spans[2], { method: 'GET', url: first.url('/c'), status: 200 });
      assert.deepStrictEqual(resendCounts(spans), [undefined, 1, 2]);
      assert.deepStrictEqual(spans.map((span) => span.attributes[ATTR_SERVER_PORT]), [first.port, second.port, first.port]);
      assertSiblingsUnder(spans, parentSpanId);
      const [a, c] = first.received.slice(fromFirst);
      const [b] = second.received.slice(fromSecond);
      assert.deepStrictEqual([a.headers.traceparent, b.headers.traceparent, c.headers.traceparent], spans.map(traceparentOf));
      // What each hop sent, as the server got it.
      assert.deepStrictEqual(
        spans.map((span) => span.attributes[ATTR_HTTP_REQUEST_HEADER('host')]),
        [[`127.0.0.1:${first.port}`], [`127.0.0.1:${second.port}`], [`127.0.0.1:${first.port}`]]
      );
      assert.deepStrictEqual(
        spans.map((span) => span.attributes[ATTR_HTTP_REQUEST_HEADER('traceparent')]),
        spans.map((span) => [traceparentOf(span)])
      );
      assert.deepStrictEqual(spans[0].attributes[ATTR_HTTP_RESPONSE_HEADER('location')], [second.url('/b')]);
      for (const span of spans) assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-app')], ['kept']);
    });

    it('fetch adapter, the same three hops: one span with the URL first requested, the final status, its traceparent on every hop', async () => {
      const fromFirst = first.received.length;
      const fromSecond = second.received.length;
      await axios.get(first.url('/a'), { adapter: 'fetch' });
      const spans = clientSpans();
      assert.strictEqual(spans.length, 1);
      assertClientSpan(spans[0], { method: 'GET', url: first.url('/a'), status: 200 });
      assert.strictEqual(spans[0].attributes[ATTR_HTTP_REQUEST_RESEND_COUNT], undefined);
      const hops = [...first.received.slice(fromFirst), ...second.received.slice(fromSecond)];
      assert.strictEqual(hops.length, 3);
      for (const hop of hops) assert.strictEqual(hop.headers.traceparent, traceparentOf(spans[0]));
    });

    it('with instrumentation-http registered, each hop is still one span: the transport of every hop stays suppressed', async () => {
      const fromFirst = first.received.length;
      await withHttpInstrumentation(() => axios.get(first.url('/a'), { adapter: 'http' }));
      // instrumentation-http also traces the test servers: their SERVER spans are left out.
      const spans = finishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
      assert.deepStrictEqual(
        spans.map((span) => span.instrumentationScope.name),
        Array(3).fill(PACKAGE_NAME),
        'no CLIENT span of instrumentation-http'
      );
      assert.strictEqual(first.received[fromFirst].headers.traceparent, traceparentOf(spans[0]));
    });

    it('a hop to a URL with credentials: its url.full and the captured Location are redacted like the first', async () => {
      await axios.get(first.url('/to-credentials'), { headers: { authorization: 'Bearer hop-secret-5' } });
      const spans = clientSpans();
      assert.strictEqual(spans.length, 2);
      assert.strictEqual(
        spans[1].attributes[ATTR_URL_FULL],
        second.url('/c?access_token=REDACTED&sig=REDACTED&page=1').replace('http://', 'http://REDACTED:REDACTED@')
      );
      for (const span of spans) {
        assert.ok(!JSON.stringify(span.attributes).includes('hop-secret'), `no credential in ${JSON.stringify(span.attributes)}`);
      }
    });

    it('maxRedirects 0: one span with the 302, nothing followed, no count', async () => {
      const from = first.received.length;
      const error = await axios.get(first.url('/a'), { adapter: 'http', maxRedirects: 0 }).catch((failure) => failure);
      assert.strictEqual(error.response?.status, 302);
      const spans = clientSpans();
      assert.strictEqual(spans.length, 1);
      assertClientSpan(spans[0], { method: 'GET', url: first.url('/a'), status: 302, errorType: 'ERR_BAD_RESPONSE' });
      assert.strictEqual(spans[0].attributes[ATTR_HTTP_REQUEST_RESEND_COUNT], undefined);
      assert.strictEqual(first.received.length - from, 1);
    });

    it("the application's beforeRedirect still runs on each hop, before the next hop's span (it sees the redirected hop's traceparent), and what it adds is sent and captured", async () => {
      const seen: Array<{ status: unknown; href: unknown; traceparent: unknown }> = [];
      const beforeRedirect = (options: Record<string, any>, response: { statusCode: number }) => {
        seen.push({ status: response.statusCode, href: options.href, traceparent: options.headers.traceparent });
        options.headers['X-Hop'] = String(seen.length);
      };
      const response = await axios.get(first.url('/a'), { adapter: 'http', beforeRedirect });
      const spans = clientSpans();
      assert.deepStrictEqual(
        seen,
        [
          { status: 302, href: second.url('/b'), traceparent: traceparentOf(spans[0]) },
          { status: 307, href: first.url('/c'), traceparent: traceparentOf(spans[1]) },
        ]
      );
      // Each hop still went out with its own.
      assert.strictEqual(second.last.headers.traceparent, traceparentOf(spans[1]));
      assert.strictEqual(first.last.headers.traceparent, traceparentOf(spans[2]));
      assert.strictEqual(second.last.headers['x-hop'], '1');
      assert.strictEqual(first.last.headers['x-hop'], '2');
      assert.deepStrictEqual(spans[1].attributes[ATTR_HTTP_REQUEST_HEADER('x-hop')], ['1']);
      assert.deepStrictEqual(spans[2].attributes[ATTR_HTTP_REQUEST_HEADER('x-hop')], ['2']);
      // The config handed back carries the application's function, not ours.
      assert.strictEqual(response.config.beforeRedirect, beforeRedirect);
    });

    it('a config handed back after redirects keeps counting: the resend follows the three hops', async () => {
      const response = await axios.get(first.url('/a'), { adapter: 'http' });
      assert.ok(!('beforeRedirect' in response.config), 'no beforeRedirect of ours left in the config');
      await axios(response.config);
      assert.deepStrictEqual(resendCounts(clientSpans()), [undefined, 1, 2, 3, 4, 5]);
    });

    it('a beforeRedirect that throws fails the request with its error on the hop it refused; the hop never sent has no span', async () => {
      const from = first.received.length;
      const beforeRedirect = () => {
        throw new Error('no redirects here');
      };
      const message = await axios
        .get(first.url('/a'), { adapter: 'http', beforeRedirect })
        .then(() => undefined, (error: Error) => error.message);
      assert.match(String(message), /no redirects here/);
      assert.strictEqual(first.received.length - from, 1, 'only the first hop went out');
      const spans = clientSpans();
      assert.strictEqual(spans.length, 1, `one span, for the hop that was sent: ${spans.map((span) => span.attributes[ATTR_URL_FULL])}`);
      assert.strictEqual(spans[0].attributes[ATTR_URL_FULL], first.url('/a'));
      assert.strictEqual(spans[0].attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 302);
      assert.strictEqual(spans[0].status.code, SpanStatusCode.ERROR);
      assert.ok(spans[0].ended);
    });

    it('with keepTransportSpans, the transport span of each hop is the child of that hop\'s span', async () => {
      resetInstrumentation({ keepTransportSpans: true });
      const fromFirst = first.received.length;
      const fromSecond = second.received.length;
      await withHttpInstrumentation(() => axios.get(first.url('/a'), { adapter: 'http' }));
      const spans = finishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
      const ours = spans.filter((span) => span.instrumentationScope.name === PACKAGE_NAME);
      const transport = spans.filter((span) => span.instrumentationScope.name !== PACKAGE_NAME);
      assert.strictEqual(ours.length, 3);
      assert.strictEqual(transport.length, 3);
      const [a, c] = first.received.slice(fromFirst);
      const [b] = second.received.slice(fromSecond);
      // The server saw each hop's transport span; that span's parent is the hop's own axios span.
      const sentBy = (traceparent: unknown) => transport.find((span) => traceparentOf(span) === traceparent);
      const parents = [a, b, c].map((hop) => sentBy(hop.headers.traceparent)?.parentSpanContext?.spanId);
      assert.deepStrictEqual(parents, ours.map((span) => span.spanContext().spanId));
    });
  });
});
