/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Many requests at once, under many parents, must never mix up their spans:
// each span has its own parent, its own attributes and its own traceparent at
// the server, whatever the interleaving and however sockets are shared.

import * as assert from 'assert';
import * as http from 'http';
import type { Socket } from 'net';
import { context, Span, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';

import { ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_HTTP_RESPONSE_BODY_CONTENT } from '../lib/semconv';
import { PACKAGE_NAME } from '../lib/version';
import { assertClientSpan, assertPropagated } from './support/assertions';
import { assertNoOpenSpan } from './support/outcomes';
import { seededRandom } from './support/random';
import { ReceivedRequest } from './support/server';
import { SuiteServer, useTestServer } from './support/suite';
import {
  axios,
  finishedSpans,
  httpInstrumentation,
  instrumentation,
  resetInstrumentation,
  tracer,
  withHttpInstrumentation,
} from './support/telemetry';

/** What makes one request recognisable in every place it can show up. */
interface Identity {
  parent: number;
  n: number;
  path: string;
  id: string;
  data: { id: string; filler: string };
}

function identity(parent: number, n: number): Identity {
  const id = `req-${parent}-${n}`;
  // Bodies of different lengths, so that no two requests look alike on the wire.
  return { parent, n, path: `/p/${parent}/${n}`, id, data: { id, filler: 'x'.repeat((parent * 7 + n) % 11) } };
}

/** The JSON the server answers each request with. */
function echoOf(path: string, id: string, body: string): string {
  return JSON.stringify({ path, id, body });
}

/**
 * Answers every request with its own identity, after a short random delay
 * (setImmediate or 1-4 ms), so answers come back in another order than the
 * requests went out; counts how many requests it holds at once and on how many
 * sockets they came.
 */
const HOLD_LIMIT_MS = 200;

class LoadServer {
  inFlight = 0;
  maxInFlight = 0;
  /**
   * Answers are held until this many requests are in the server at once (or
   * for at most HOLD_LIMIT_MS): on a loaded machine a slow client might
   * otherwise never have many in flight, and the test would prove nothing
   * about requests that overlap.
   */
  holdUntilInFlight = 0;
  private held: Array<() => void> = [];
  readonly sockets = new Set<Socket>();
  readonly server: SuiteServer;

  /** Registers the hooks that start and close the server, in the suite that creates this. */
  constructor(seed: number) {
    const random = seededRandom(seed);
    this.server = useTestServer((req, res, body) => {
      this.sockets.add(req.socket);
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const id = String(req.headers['x-request-id']);
      const answer = () => {
        this.inFlight -= 1;
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-echo-id', id);
        res.end(echoOf(req.url ?? '', id, body.toString('utf8')));
      };
      const draw = random();
      const scheduleAnswer = () => {
        if (draw < 0.3) setImmediate(answer);
        else setTimeout(answer, 1 + Math.floor(draw * 4));
      };
      if (this.held.length + 1 >= this.holdUntilInFlight) {
        this.releaseHeld();
        scheduleAnswer();
      } else {
        this.held.push(scheduleAnswer);
        setTimeout(() => this.releaseHeld(), HOLD_LIMIT_MS);
      }
    });
  }

  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const scheduleAnswer of held) scheduleAnswer();
  }

  reset(): void {
    this.server.received.length = 0;
    this.sockets.clear();
    this.maxInFlight = 0;
    this.holdUntilInFlight = 0;
  }

  /** The request the server received for this path: exactly one. */
  receivedAt(path: string): ReceivedRequest {
    const matches = this.server.received.filter((request) => request.path === path);
    assert.strictEqual(matches.length, 1, `expected one request to ${path}, got ${matches.length}`);
    return matches[0];
  }
}

/** What the application saw for one request; it must not depend on tracing. */
type Seen = { status: number; data: unknown; echoId: unknown };

interface LoadRun {
  identities: Identity[];
  parents: Span[];
  seen: Map<string, Seen>;
}

/**
 * `parents` parent spans, each active around `perParent` requests started
 * together; every parent ends when its requests have answered.
 */
async function runLoad(
  parents: number,
  perParent: number,
  send: (request: Identity) => Promise<AxiosResponse>
): Promise<LoadRun> {
  const identities: Identity[] = [];
  const parentSpans: Span[] = [];
  const seen = new Map<string, Seen>();
  await Promise.all(
    Array.from({ length: parents }, async (_, p) => {
      const parent = tracer.startSpan(`parent-${p}`);
      parentSpans[p] = parent;
      const mine = Array.from({ length: perParent }, (__, n) => identity(p, n));
      identities.push(...mine);
      const responses = await context.with(trace.setSpan(context.active(), parent), () => Promise.all(mine.map(send)));
      parent.end();
      responses.forEach((response, i) => {
        seen.set(mine[i].id, { status: response.status, data: response.data, echoId: response.headers['x-echo-id'] });
      });
    })
  );
  return { identities, parents: parentSpans, seen };
}

/** A POST that carries the request's identity in its path, a header and its body. */
function sender(client: AxiosInstance, extra: AxiosRequestConfig = {}): (request: Identity) => Promise<AxiosResponse> {
  return (request) => client.post(request.path, request.data, { ...extra, headers: { 'x-request-id': request.id } });
}

/** Every `req-<p>-<n>` and `/p/<p>/<n>` mentioned in a span's attribute values. */
function identitiesMentioned(span: ReadableSpan): Set<string> {
  const found = new Set<string>();
  for (const value of Object.values(span.attributes)) {
    const text = Array.isArray(value) ? value.join('\n') : String(value);
    for (const match of text.matchAll(/req-(\d+)-(\d+)|\/p\/(\d+)\/(\d+)/g)) {
      found.add(match[1] !== undefined ? `req-${match[1]}-${match[2]}` : `req-${match[3]}-${match[4]}`);
    }
  }
  return found;
}

function isOurs(span: ReadableSpan): boolean {
  return span.instrumentationScope.name === PACKAGE_NAME;
}

function ourSpans(): ReadableSpan[] {
  return finishedSpans().filter(isOurs);
}

/** Our spans by `url.full`; fails if two spans share one. */
function spansByUrl(spans: ReadableSpan[]): Map<string, ReadableSpan> {
  const byUrl = new Map<string, ReadableSpan>();
  for (const span of spans) {
    const url = String(span.attributes[ATTR_URL_FULL]);
    assert.ok(!byUrl.has(url), `two spans for ${url}`);
    byUrl.set(url, span);
  }
  return byUrl;
}

/**
 * One span per request, child of its own parent in its parent's trace, whose
 * context reached the server with that request and nowhere else; the
 * application got its own answer. Returns the spans by request id.
 */
function assertOneSpanPerRequestUnderItsParent(load: LoadServer, run: LoadRun): Map<string, ReadableSpan> {
  const spans = ourSpans();
  assert.strictEqual(spans.length, run.identities.length, 'one span per request');
  const byUrl = spansByUrl(spans);
  const byId = new Map<string, ReadableSpan>();
  const traceparents = new Set<string>();
  assert.strictEqual(load.server.received.length, run.identities.length, 'the server received each request once');
  for (const request of run.identities) {
    const url = load.server.url(request.path);
    const span = byUrl.get(url);
    assert.ok(span, `a span for ${url}`);
    byId.set(request.id, span);
    assertClientSpan(span, { method: 'POST', url, status: 200 });
    const parent = run.parents[request.parent].spanContext();
    assert.strictEqual(span.parentSpanContext?.spanId, parent.spanId, `${request.id} is a child of parent-${request.parent}`);
    assert.strictEqual(span.spanContext().traceId, parent.traceId, `${request.id} is in the trace of parent-${request.parent}`);
    const received = load.receivedAt(request.path);
    assert.strictEqual(received.headers['x-request-id'], request.id);
    assertPropagated(span, received.headers);
    traceparents.add(String(received.headers.traceparent));
    const seen = run.seen.get(request.id);
    assert.strictEqual(seen?.echoId, request.id, `the application got the answer to ${request.id}`);
  }
  assert.strictEqual(traceparents.size, run.identities.length, 'no two requests carried the same traceparent');
  return byId;
}

/** With captureAll: each span's captured headers and bodies are its request's own, and mention no other request. */
function assertCapturesAreOwn(load: LoadServer, run: LoadRun, byId: Map<string, ReadableSpan>): void {
  for (const request of run.identities) {
    const span = byId.get(request.id) as ReadableSpan;
    const { traceId, spanId } = span.spanContext();
    const body = JSON.stringify(request.data);
    assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-request-id')], [request.id]);
    assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('traceparent')], [`00-${traceId}-${spanId}-01`]);
    assert.deepStrictEqual(span.attributes[ATTR_HTTP_RESPONSE_HEADER('x-echo-id')], [request.id]);
    assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], body);
    assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], echoOf(request.path, request.id, body));
    assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200);
    assert.deepStrictEqual([...identitiesMentioned(span)], [request.id], `${request.id}'s span mentions only itself`);
  }
  assert.ok(load.server.received.length > 0);
}

/**
 * The same load with every instrumentation off: the application must see, for
 * each request, what it saw traced; and no axios span is made.
 */
async function assertSameUntraced(
  load: LoadServer,
  traced: LoadRun,
  parents: number,
  perParent: number,
  send: (request: Identity) => Promise<AxiosResponse>
): Promise<void> {
  const spansBefore = ourSpans().length;
  instrumentation.disable();
  try {
    load.reset();
    const untraced = await runLoad(parents, perParent, send);
    assert.deepStrictEqual(untraced.seen, traced.seen, 'the application sees the same with and without tracing');
    assert.strictEqual(ourSpans().length, spansBefore, 'no axios span while the instrumentation is disabled');
    assert.ok(
      load.server.received.every((request) => request.headers.traceparent === undefined),
      'nothing injects a traceparent untraced'
    );
  } finally {
    instrumentation.enable();
  }
}

describe('concurrency: requests in flight together never mix up their spans', function () {
  this.timeout(60000);

  const PARENTS = 50;
  const PER_PARENT = 20;
  const load = new LoadServer(20260501);
  const agents: http.Agent[] = [];

  /** An axios instance on the load server through its own keep-alive agent. */
  function clientWith(maxSockets: number): AxiosInstance {
    const agent = new http.Agent({ keepAlive: true, maxSockets });
    agents.push(agent);
    return axios.create({ baseURL: load.server.origin, httpAgent: agent });
  }

  after(() => {
    for (const agent of agents) agent.destroy();
  });
  beforeEach(() => {
    resetInstrumentation({ captureAll: true });
    load.reset();
  });
  afterEach(() => {
    httpInstrumentation.disable();
    instrumentation.enable();
  });

  it('1,000 requests under 50 parents, each on a socket of its own: one span each, under its own parent, with only its own attributes and traceparent', async () => {
    const send = sender(clientWith(PARENTS * PER_PARENT));
    load.holdUntilInFlight = 16;
    const run = await runLoad(PARENTS, PER_PARENT, send);
    assertNoOpenSpan();
    // Otherwise the test would prove nothing about requests that overlap.
    assert.ok(load.maxInFlight > 8, `requests overlapped at the server (at most ${load.maxInFlight} at once)`);
    const byId = assertOneSpanPerRequestUnderItsParent(load, run);
    assertCapturesAreOwn(load, run, byId);
    await assertSameUntraced(load, run, PARENTS, PER_PARENT, send);
    assertNoOpenSpan();
  });

  it('1,000 requests under 50 parents queued on 8 keep-alive sockets: one span each, under its own parent, with only its own attributes and traceparent', async () => {
    const send = sender(clientWith(8));
    const run = await runLoad(PARENTS, PER_PARENT, send);
    assertNoOpenSpan();
    assert.ok(load.sockets.size <= 8, `at most 8 sockets were used (${load.sockets.size})`);
    assert.ok(load.maxInFlight > 1, 'requests overlapped at the server');
    const byId = assertOneSpanPerRequestUnderItsParent(load, run);
    assertCapturesAreOwn(load, run, byId);
    await assertSameUntraced(load, run, PARENTS, PER_PARENT, send);
    assertNoOpenSpan();
  });

  it('200 requests under 10 parents through the fetch adapter: one span each, under its own parent, with only its own attributes and traceparent', async () => {
    const send = sender(axios.create({ baseURL: load.server.origin }), { adapter: 'fetch' });
    const run = await runLoad(10, 20, send);
    assertNoOpenSpan();
    assert.ok(load.maxInFlight > 1, 'requests overlapped at the server');
    const byId = assertOneSpanPerRequestUnderItsParent(load, run);
    assertCapturesAreOwn(load, run, byId);
    await assertSameUntraced(load, run, 10, 20, send);
    assertNoOpenSpan();
  });

  describe('with @opentelemetry/instrumentation-http enabled', () => {
    /** The SERVER span instrumentation-http made for each request, by path. */
    function serverSpansByPath(): Map<string, ReadableSpan> {
      const byPath = new Map<string, ReadableSpan>();
      for (const span of finishedSpans().filter((s) => s.kind === SpanKind.SERVER)) {
        const path = String(span.attributes[ATTR_URL_PATH]);
        assert.ok(!byPath.has(path), `two server spans for ${path}`);
        byPath.set(path, span);
      }
      return byPath;
    }

    it('1,000 requests under 50 parents on 8 sockets: still one CLIENT span each, under its own parent, and the server continues that span', async () => {
      const send = sender(clientWith(8));
      const run = await withHttpInstrumentation(() => runLoad(PARENTS, PER_PARENT, send));
      assertNoOpenSpan();
      const clientSpans = finishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
      assert.strictEqual(clientSpans.length, run.identities.length, 'instrumentation-http made no CLIENT span of its own');
      assert.ok(clientSpans.every(isOurs));
      const byId = assertOneSpanPerRequestUnderItsParent(load, run);
      assertCapturesAreOwn(load, run, byId);
      const serverSpans = serverSpansByPath();
      assert.strictEqual(serverSpans.size, run.identities.length, 'instrumentation-http traced each request at the server');
      for (const request of run.identities) {
        const client = byId.get(request.id) as ReadableSpan;
        const server = serverSpans.get(request.path);
        assert.strictEqual(server?.parentSpanContext?.spanId, client.spanContext().spanId, `the server span of ${request.id} continues its client span`);
        assert.strictEqual(server?.spanContext().traceId, client.spanContext().traceId);
      }
    });

    it('with keepTransportSpans, 200 requests under 10 parents on 8 sockets: each http span is the child of its own axios span and is what the server sees', async () => {
      resetInstrumentation({ captureAll: true, keepTransportSpans: true });
      const send = sender(clientWith(8));
      const run = await withHttpInstrumentation(() => runLoad(10, 20, send));
      assertNoOpenSpan();
      const ours = spansByUrl(ourSpans());
      const transport = finishedSpans().filter((span) => span.kind === SpanKind.CLIENT && !isOurs(span));
      assert.strictEqual(ours.size, run.identities.length, 'one axios span per request');
      assert.strictEqual(transport.length, run.identities.length, 'one http span per request');
      const transportById = new Map(transport.map((span) => [span.parentSpanContext?.spanId, span]));
      for (const request of run.identities) {
        const axiosSpan = ours.get(load.server.url(request.path)) as ReadableSpan;
        const parent = run.parents[request.parent].spanContext();
        assert.strictEqual(axiosSpan.parentSpanContext?.spanId, parent.spanId, `${request.id} is a child of parent-${request.parent}`);
        const httpSpan = transportById.get(axiosSpan.spanContext().spanId);
        assert.ok(httpSpan, `an http span under the axios span of ${request.id}`);
        assert.strictEqual(httpSpan.spanContext().traceId, parent.traceId);
        assert.strictEqual(httpSpan.attributes[ATTR_URL_FULL], load.server.url(request.path), 'the http span is for the same request');
        assertPropagated(httpSpan, load.receivedAt(request.path).headers);
      }
    });
  });
});
