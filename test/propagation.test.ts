/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { context, propagation, SpanKind, TextMapPropagator, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';

import { PACKAGE_NAME } from '../lib/version';
import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { ReceivedRequest, TestServer } from './support/server';
import { useTestServer } from './support/suite';
import {
  axios,
  finishedSpans,
  httpInstrumentation,
  resetInstrumentation,
  tracer,
  withHttpInstrumentation,
} from './support/telemetry';

const BOGUS_TRACEPARENT = '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01';

function clientSpans(): ReadableSpan[] {
  return finishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
}

function isOurs(span: ReadableSpan): boolean {
  return span.instrumentationScope.name === PACKAGE_NAME;
}

/** The request the server received for this path. */
function receivedAt(server: Pick<TestServer, 'received'>, path: string): ReceivedRequest {
  const matches = server.received.filter((request) => request.path === path);
  assert.strictEqual(matches.length, 1, `expected one request to ${path}, got ${matches.length}`);
  return matches[0];
}

/** The span whose url.full is this URL. */
function spanFor(spans: ReadableSpan[], url: string): ReadableSpan {
  const matches = spans.filter((span) => span.attributes[ATTR_URL_FULL] === url);
  assert.strictEqual(matches.length, 1, `expected one span for ${url}, got ${matches.length}`);
  return matches[0];
}

describe('propagation: the server receives the traceparent of the axios span', () => {
  const server = useTestServer();
  beforeEach(() => {
    resetInstrumentation();
    server.received.length = 0;
  });
  afterEach(() => httpInstrumentation.disable());

  /** One request for `path` through `client` (whose baseURL is the server): one span, with its context at the server. */
  async function assertOneSpanPropagated(client: AxiosInstance, path: string): Promise<ReadableSpan> {
    const response = await client.get(path);
    assert.strictEqual(response.status, 200);
    const span = onlySpan();
    assertClientSpan(span, { method: 'GET', url: server.url(path), status: 200 });
    assertPropagated(span, receivedAt(server, path).headers);
    return span;
  }

  it('the default instance sends the span context as traceparent', async () => {
    const url = server.url('/default');
    await axios.get(url);
    const span = onlySpan();
    assertClientSpan(span, { method: 'GET', url, status: 200 });
    assertPropagated(span, server.last.headers);
  });

  it('an instance made with axios.create({ baseURL }) sends the traceparent for a relative URL', async () => {
    const client = axios.create({ baseURL: server.origin });
    await assertOneSpanPropagated(client, '/relative');
  });

  it('a request interceptor that replaces config.headers with a new plain object does not lose the traceparent', async () => {
    const client = axios.create({ baseURL: server.origin });
    client.interceptors.request.use((config) => {
      config.headers = { 'x-replaced': 'yes' } as unknown as InternalAxiosRequestConfig['headers'];
      return config;
    });
    await assertOneSpanPropagated(client, '/replaced');
    assert.strictEqual(server.last.headers['x-replaced'], 'yes', 'the interceptor headers are sent too');
  });

  it('a request interceptor that edits config.headers keeps its header and the traceparent', async () => {
    const client = axios.create({ baseURL: server.origin });
    client.interceptors.request.use((config) => {
      config.headers.set('x-edited', 'yes');
      return config;
    });
    await assertOneSpanPropagated(client, '/edited');
    assert.strictEqual(server.last.headers['x-edited'], 'yes');
  });

  const bogusSetters: Array<[string, (config: InternalAxiosRequestConfig) => void]> = [
    ['with headers.set()', (config) => config.headers.set('traceparent', BOGUS_TRACEPARENT)],
    [
      'as a property in another letter case',
      (config) => {
        (config.headers as unknown as Record<string, string>).TraceParent = BOGUS_TRACEPARENT;
      },
    ],
    [
      'in a replacing plain object',
      (config) => {
        config.headers = { Traceparent: BOGUS_TRACEPARENT } as unknown as InternalAxiosRequestConfig['headers'];
      },
    ],
  ];
  for (const [how, setBogus] of bogusSetters) {
    it(`a traceparent set by a request interceptor (${how}) is replaced by the span's own`, async () => {
      const client = axios.create({ baseURL: server.origin });
      client.interceptors.request.use((config) => {
        setBogus(config);
        return config;
      });
      const span = await assertOneSpanPropagated(client, '/bogus');
      assert.notStrictEqual(span.spanContext().traceId, BOGUS_TRACEPARENT.split('-')[1]);
    });
  }

  it('with an active parent span, the axios span is its child and the server sees the same trace', async () => {
    const parent = tracer.startSpan('parent');
    const url = server.url('/child');
    await context.with(trace.setSpan(context.active(), parent), () => axios.get(url));
    parent.end();

    const span = spanFor(clientSpans(), url);
    assert.strictEqual(span.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.strictEqual(span.spanContext().traceId, parent.spanContext().traceId);
    assertPropagated(span, server.last.headers);
  });

  it('without a parent, the axios span is a root span and still propagates', async () => {
    await axios.get(server.url('/root'));
    const span = onlySpan();
    assert.strictEqual(span.parentSpanContext, undefined);
    assertPropagated(span, server.last.headers);
  });

  describe('with @opentelemetry/instrumentation-http enabled', () => {
    it('by default there is exactly one CLIENT span, ours, and the server sees its span id', async () => {
      const url = server.url('/http-default');
      await withHttpInstrumentation(() => axios.get(url));
      const spans = clientSpans();
      assert.deepStrictEqual(
        spans.map((span) => span.instrumentationScope.name),
        [PACKAGE_NAME],
        'instrumentation-http made no span of its own'
      );
      assertClientSpan(spans[0], { method: 'GET', url, status: 200 });
      assertPropagated(spans[0], receivedAt(server, '/http-default').headers);
    });

    it('with keepTransportSpans, the http span is the child of ours and the server sees the http span id', async () => {
      resetInstrumentation({ keepTransportSpans: true });
      const url = server.url('/http-kept');
      await withHttpInstrumentation(() => axios.get(url));
      const spans = clientSpans();
      assert.strictEqual(spans.length, 2, `expected two CLIENT spans, got ${spans.map((s) => s.instrumentationScope.name)}`);
      const ours = spans.find(isOurs);
      const transport = spans.find((span) => !isOurs(span));
      assert.ok(ours && transport);
      assert.strictEqual(transport.instrumentationScope.name, '@opentelemetry/instrumentation-http');
      assertClientSpan(ours, { method: 'GET', url, status: 200 });
      assert.strictEqual(transport.parentSpanContext?.spanId, ours.spanContext().spanId);
      assert.strictEqual(transport.spanContext().traceId, ours.spanContext().traceId);
      assertPropagated(transport, receivedAt(server, '/http-kept').headers);
    });
  });

  describe('a request made through axios by a request interceptor (a token fetch)', () => {
    /** An instance whose interceptor fetches a token from the same server with the default axios. */
    function clientWithTokenFetch(): AxiosInstance {
      const client = axios.create({ baseURL: server.origin });
      client.interceptors.request.use(async (config) => {
        const token = await axios.get<{ path: string }>(server.url('/token'));
        config.headers.set('x-token-from', token.data.path);
        return config;
      });
      return client;
    }

    async function assertBothTraced(): Promise<void> {
      const spans = clientSpans();
      assert.strictEqual(spans.length, 2, `expected two CLIENT spans, got ${spans.length}`);
      assert.ok(spans.every(isOurs), 'both spans are axios spans');
      const tokenSpan = spanFor(spans, server.url('/token'));
      const apiSpan = spanFor(spans, server.url('/api'));
      assertClientSpan(tokenSpan, { method: 'GET', url: server.url('/token'), status: 200 });
      assertClientSpan(apiSpan, { method: 'GET', url: server.url('/api'), status: 200 });
      assertPropagated(tokenSpan, receivedAt(server, '/token').headers);
      assertPropagated(apiSpan, receivedAt(server, '/api').headers);
      assert.strictEqual(receivedAt(server, '/api').headers['x-token-from'], '/token');
    }

    it('is traced as its own span, and neither request is suppressed', async () => {
      await clientWithTokenFetch().get('/api');
      await assertBothTraced();
    });

    it('is traced as its own span also with instrumentation-http enabled', async () => {
      await withHttpInstrumentation(() => clientWithTokenFetch().get('/api'));
      await assertBothTraced();
    });

    it('shares the parent of the call that triggered it', async () => {
      const parent = tracer.startSpan('parent');
      await context.with(trace.setSpan(context.active(), parent), () => clientWithTokenFetch().get('/api'));
      parent.end();
      for (const span of clientSpans()) {
        assert.strictEqual(span.parentSpanContext?.spanId, parent.spanContext().spanId, String(span.attributes[ATTR_URL_FULL]));
      }
      assert.strictEqual(clientSpans().length, 2);
    });
  });

  describe('a propagator that throws after writing a header', () => {
    const HALF_WRITTEN = 'x-written-before-the-throw';
    const throwsHalfWay: TextMapPropagator = {
      inject(_context, carrier, setter) {
        setter.set(carrier, HALF_WRITTEN, 'part of a context');
        throw new Error('a propagator bug');
      },
      extract: (extractContext) => extractContext,
      fields: () => [HALF_WRITTEN],
    };
    before(() => {
      propagation.disable();
      propagation.setGlobalPropagator(throwsHalfWay);
    });
    after(() => {
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    });

    it('the request leaves without what it wrote, and the config handed back has none of it', async () => {
      const url = server.url('/half-way');
      const response = await axios.get(url, { headers: { 'x-application': 'kept' } });
      assert.strictEqual(response.status, 200);
      const received = receivedAt(server, '/half-way').headers;
      assert.strictEqual(received[HALF_WRITTEN], undefined, 'the half-written header was not sent');
      assert.strictEqual(received['x-application'], 'kept');
      assert.strictEqual(response.config.headers.has(HALF_WRITTEN), false, 'nothing is left in response.config');
      assertClientSpan(onlySpan(), { method: 'GET', url, status: 200 });
    });
  });
});
