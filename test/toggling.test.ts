/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// enable(), disable() and setConfig() may be called at any time, with
// requests in flight. The application must see exactly what it would
// untraced, and each request must end up with one span or none, never two and
// never one left open.
//
// Every toggle happens at a point the test controls (a request arriving at
// the server, a request interceptor waiting on a gate, the server holding its
// answers), never on a timer, so each run interleaves the same way.

import * as assert from 'assert';
import * as http from 'http';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';

import type { AxiosInstrumentationConfig } from '../lib';
import { ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_HTTP_RESPONSE_BODY_CONTENT } from '../lib/semconv';
import { PACKAGE_NAME } from '../lib/version';
import { assertPropagated } from './support/assertions';
import { seededRandom } from './support/random';
import { assertNoOpenSpan, Outcome, outcomeSummary, settle } from './support/outcomes';
import { ReceivedRequest } from './support/server';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

// Written by the hooks of the configs below, so that a span tells which config ran each hook.
const ATTR_TEST_REQUEST_HOOK = 'test.request_hook.config';
const ATTR_TEST_RESPONSE_HOOK = 'test.response_hook.config';

/** Every tenth request is answered 500, so that failures are toggled over too. */
function failsOnPurpose(k: number): boolean {
  return k % 10 === 9;
}

function pathOf(k: number): string {
  return failsOnPurpose(k) ? `/t/${k}?fail=1` : `/t/${k}`;
}

/** The request number in a path or URL (`/t/<k>`). */
function numberIn(text: unknown): number | undefined {
  const match = /\/t\/(\d+)/.exec(String(text));
  return match ? Number(match[1]) : undefined;
}

/**
 * Holds every request until the test releases it, and tells the test when
 * one arrives: the moments at which the tests toggle the instrumentation.
 */
class HeldServer {
  readonly held: Array<{ k: number; answer: () => void }> = [];
  onArrival: () => void = () => undefined;
  /** Started and closed by the hooks of the suite that creates this. */
  readonly server = useTestServer((req, res, body) => {
    const id = String(req.headers['x-request-id']);
    this.held.push({
      k: numberIn(req.url) ?? -1,
      answer: () => {
        res.statusCode = /fail=1/.test(req.url ?? '') ? 500 : 200;
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-echo-id', id);
        res.end(JSON.stringify({ path: req.url, id, body: body.toString('utf8') }));
      },
    });
    this.onArrival();
  });

  /** Answers one held request, picked at random, so answers leave in another order than requests came; returns its number. */
  releaseOne(random: () => number): number {
    const [{ k, answer }] = this.held.splice(Math.floor(random() * this.held.length), 1);
    answer();
    return k;
  }

  releaseAll(random: () => number): void {
    while (this.held.length > 0) this.releaseOne(random);
  }

  /** Every request the server received for request number k. */
  receivedFor(k: number): ReceivedRequest[] {
    return this.server.received.filter((request) => numberIn(request.path) === k);
  }
}

/** A promise the test resolves when it chooses. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A POST that carries its number in its path, a header and its body. */
function send(client: AxiosInstance, k: number): Promise<AxiosResponse> {
  return client.post(pathOf(k), { k, filler: 'y'.repeat(k % 13) }, { headers: { 'x-request-id': `t-${k}` } });
}

/** What the application saw: the outcome (status or error), the echoed body and header. */
function seen(outcome: Outcome): unknown {
  const response = outcome.response ?? (outcome.error as { response?: AxiosResponse } | undefined)?.response;
  return { ...outcomeSummary(outcome), data: response?.data, echoId: response?.headers['x-echo-id'] };
}

/**
 * Sends `total` requests, about `WINDOW` in flight at once, while the server
 * holds up to `HOLD` of them and answers one at random whenever it holds more.
 * `onArrival` runs each time a request reaches the server, before any answer
 * is released; `onStart` runs just before each call. Resolves with what the
 * application saw for each request.
 */
async function drive(
  server: HeldServer,
  total: number,
  call: (k: number) => Promise<unknown>,
  hooks: { onStart?: (k: number) => void; onArrival?: (arrivals: number) => void } = {},
  seed = 1
): Promise<Map<number, Outcome>> {
  const WINDOW = 40;
  const HOLD = 12;
  const random = seededRandom(seed);
  const outcomes = new Map<number, Outcome>();
  let started = 0;
  let settled = 0;
  let arrivals = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      server.onArrival = () => undefined;
      server.releaseAll(random);
      reject(error);
    };
    const release = () => {
      const inFlight = started - settled;
      // Once nothing else is on its way to the server, holding back would stall the run.
      while (server.held.length >= HOLD || (server.held.length > 0 && server.held.length === inFlight)) {
        server.releaseOne(random);
        if (server.held.length < HOLD) break;
      }
    };
    const topUp = () => {
      while (started < total && started - settled < WINDOW) {
        const k = started++;
        hooks.onStart?.(k);
        void settle(() => call(k)).then((outcome) => {
          outcomes.set(k, outcome);
          settled += 1;
          if (settled === total) {
            server.onArrival = () => undefined;
            resolve(outcomes);
            return;
          }
          try {
            topUp();
            release();
          } catch (error) {
            fail(error);
          }
        });
      }
    };
    server.onArrival = () => {
      arrivals += 1;
      try {
        hooks.onArrival?.(arrivals);
        release();
      } catch (error) {
        fail(error);
      }
    };
    topUp();
  });
}

/**
 * The config that generation g of setConfig() applies: captureAll on or off,
 * hooks on or off, a urlFilter or none, and sometimes an ignoreRequestHook;
 * everything it writes names g.
 */
function configFor(g: number): AxiosInstrumentationConfig {
  const config: AxiosInstrumentationConfig = { captureAll: g % 2 === 0 };
  if (g % 3 !== 2) {
    config.requestHook = (span) => span.setAttribute(ATTR_TEST_REQUEST_HOOK, g);
    config.responseHook = (span) => span.setAttribute(ATTR_TEST_RESPONSE_HOOK, g);
  }
  if (g % 4 !== 3) config.urlFilter = (url) => `http://config-${g}.filtered${url.pathname}${url.search}`;
  if (g % 5 === 4) config.ignoreRequestHook = (callConfig) => (numberIn(callConfig.url) ?? 1) % 4 === 0;
  return config;
}

/** What a span of request k, started under config generation g, holds when that config is applied throughout. */
function expectedUnder(g: number, k: number, origin: string): Record<string, unknown> {
  const config = configFor(g);
  return {
    url: config.urlFilter ? `http://config-${g}.filtered${pathOf(k)}` : `${origin}${pathOf(k)}`,
    requestHook: config.requestHook ? g : undefined,
    responseHook: config.responseHook ? g : undefined,
    requestHeaders: config.captureAll,
    requestBody: config.captureAll,
    responseHeaders: config.captureAll,
    responseBody: config.captureAll,
  };
}

/** The same view of an actual span. */
function observed(span: ReadableSpan): Record<string, unknown> {
  const { attributes } = span;
  return {
    url: attributes[ATTR_URL_FULL],
    requestHook: attributes[ATTR_TEST_REQUEST_HOOK],
    responseHook: attributes[ATTR_TEST_RESPONSE_HOOK],
    requestHeaders: attributes[ATTR_HTTP_REQUEST_HEADER('x-request-id')] !== undefined,
    requestBody: attributes[ATTR_HTTP_REQUEST_BODY_CONTENT] !== undefined,
    responseHeaders: attributes[ATTR_HTTP_RESPONSE_HEADER('x-echo-id')] !== undefined,
    responseBody: attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT] !== undefined,
  };
}

/** Our spans, grouped by request number. */
function spansByRequest(): Map<number, ReadableSpan[]> {
  const byRequest = new Map<number, ReadableSpan[]>();
  for (const span of finishedSpans().filter((s) => s.instrumentationScope.name === PACKAGE_NAME)) {
    const k = numberIn(span.attributes[ATTR_URL_FULL]);
    assert.ok(k !== undefined, `a span with an unexpected url.full: ${span.attributes[ATTR_URL_FULL]}`);
    byRequest.set(k, [...(byRequest.get(k) ?? []), span]);
  }
  return byRequest;
}

/** A span that ended normally with the answer the server gave request k. */
function assertEndedWithItsAnswer(span: ReadableSpan, k: number): void {
  assert.ok(span.ended, `the span of request ${k} has ended`);
  if (failsOnPurpose(k)) {
    assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 500);
    assert.strictEqual(span.attributes[ATTR_ERROR_TYPE], '500');
    assert.strictEqual(span.status.code, SpanStatusCode.ERROR);
  } else {
    assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200);
    assert.strictEqual(span.attributes[ATTR_ERROR_TYPE], undefined);
    assert.strictEqual(span.status.code, SpanStatusCode.UNSET);
  }
}

/**
 * Request k has exactly one span if `traced`, else none; the server received
 * the span's traceparent, or none, once.
 */
function assertTracedOnceOrNot(server: HeldServer, spans: Map<number, ReadableSpan[]>, k: number, traced: boolean): ReadableSpan | undefined {
  const mine = spans.get(k) ?? [];
  const received = server.receivedFor(k);
  assert.strictEqual(received.length, 1, `the server received request ${k} once`);
  if (!traced) {
    assert.strictEqual(mine.length, 0, `request ${k} started while disabled or ignored has no span`);
    assert.strictEqual(received[0].headers.traceparent, undefined, `request ${k} carried no traceparent`);
    return undefined;
  }
  assert.strictEqual(mine.length, 1, `request ${k} started while enabled has exactly one span, got ${mine.length}`);
  assertPropagated(mine[0], received[0].headers);
  assertEndedWithItsAnswer(mine[0], k);
  return mine[0];
}

function assertSameAsUntraced(outcomes: Map<number, Outcome>, baseline: Map<number, unknown>): void {
  assert.strictEqual(outcomes.size, baseline.size);
  for (const [k, outcome] of outcomes) {
    assert.deepStrictEqual(seen(outcome), baseline.get(k), `request ${k} resolved as it does untraced`);
  }
}

describe('toggling: enable(), disable() and setConfig() with requests in flight', function () {
  this.timeout(30000);

  const TOTAL = 300;
  const held = new HeldServer();
  let client: AxiosInstance;
  let agent: http.Agent;
  /** What the application sees for each request with the instrumentation disabled throughout. */
  let baseline: Map<number, unknown>;

  before(async () => {
    agent = new http.Agent({ keepAlive: true });
    client = axios.create({ baseURL: held.server.origin, httpAgent: agent });
    instrumentation.disable();
    try {
      const outcomes = await drive(held, TOTAL, (k) => send(client, k));
      baseline = new Map([...outcomes].map(([k, outcome]) => [k, seen(outcome)]));
    } finally {
      instrumentation.enable();
    }
    assert.ok(held.server.received.every((request) => request.headers.traceparent === undefined));
  });
  after(() => {
    agent.destroy();
  });
  beforeEach(() => {
    resetInstrumentation();
    held.server.received.length = 0;
  });
  afterEach(() => resetInstrumentation());

  it('300 requests while enable(), disable() and setConfig() take turns at server arrivals: each resolves as untraced, has one span if it started enabled and none otherwise, every span ends', async () => {
    const origin = held.server.origin;
    const random = seededRandom(7);
    let generation = 0;
    instrumentation.setConfig(configFor(generation));
    const atStart = new Map<number, { enabled: boolean; generation: number }>();
    const toggles = { disable: 0, enable: 0, setConfig: 0 };
    const outcomes = await drive(
      held,
      TOTAL,
      (k) => send(client, k),
      {
        onStart: (k) => atStart.set(k, { enabled: instrumentation.isEnabled(), generation }),
        onArrival: (arrivals) => {
          if (arrivals % 3 !== 0) return;
          const draw = random();
          if (draw < 0.3) {
            instrumentation.disable();
            toggles.disable += 1;
          } else if (draw < 0.6) {
            instrumentation.enable();
            toggles.enable += 1;
          } else {
            generation += 1;
            instrumentation.setConfig(configFor(generation));
            toggles.setConfig += 1;
          }
        },
      },
      2
    );
    instrumentation.enable();

    assertNoOpenSpan();
    assertSameAsUntraced(outcomes, baseline);
    const spans = spansByRequest();
    let traced = 0;
    let untraced = 0;
    for (let k = 0; k < TOTAL; k += 1) {
      const start = atStart.get(k) as { enabled: boolean; generation: number };
      const config = configFor(start.generation);
      const ignored = config.ignoreRequestHook?.({ url: pathOf(k) } as AxiosRequestConfig) === true;
      const span = assertTracedOnceOrNot(held, spans, k, start.enabled && !ignored);
      if (!span) {
        untraced += 1;
        continue;
      }
      traced += 1;
      // The URL and the request hook are settled when the request is handed to
      // the adapter, which happens in the same turn as the call here.
      const expected = expectedUnder(start.generation, k, origin);
      assert.strictEqual(span.attributes[ATTR_URL_FULL], expected.url, `url.full of request ${k}`);
      assert.strictEqual(span.attributes[ATTR_TEST_REQUEST_HOOK], expected.requestHook, `request hook of request ${k}`);
    }
    // Otherwise the run would not have exercised what its name says.
    assert.ok(traced > 30 && untraced > 30, `both traced (${traced}) and untraced (${untraced}) requests`);
    assert.ok(toggles.disable > 10 && toggles.enable > 10 && toggles.setConfig > 10, JSON.stringify(toggles));
  });

  // Which config wins when setConfig() is called while a request is in flight:
  // the one in force when the application made the call, for every part of
  // the span (the request keeps it from the call to the end), so that a span
  // never mixes two configs.
  it('under load, a setConfig() while a request is in flight does not change its span: every span is recorded wholly under the config in force at its call', async () => {
    const origin = held.server.origin;
    let generation = 0;
    instrumentation.setConfig(configFor(generation));
    const generationAtStart = new Map<number, number>();
    const outcomes = await drive(
      held,
      TOTAL,
      (k) => send(client, k),
      {
        onStart: (k) => generationAtStart.set(k, generation),
        onArrival: (arrivals) => {
          if (arrivals % 3 !== 0) return;
          generation += 1;
          instrumentation.setConfig(configFor(generation));
        },
      },
      3
    );

    assertNoOpenSpan();
    assertSameAsUntraced(outcomes, baseline);
    const spans = spansByRequest();
    const mixed: string[] = [];
    for (let k = 0; k < TOTAL; k += 1) {
      const g = generationAtStart.get(k) as number;
      const ignored = configFor(g).ignoreRequestHook?.({ url: pathOf(k) } as AxiosRequestConfig) === true;
      const span = assertTracedOnceOrNot(held, spans, k, !ignored);
      if (!span) continue;
      const expected = expectedUnder(g, k, origin);
      const actual = observed(span);
      try {
        assert.deepStrictEqual(actual, expected);
      } catch {
        mixed.push(`request ${k} called under config ${g}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      }
    }
    assert.deepStrictEqual(mixed.slice(0, 3), [], `${mixed.length} spans mix configs, e.g.`);
  });

  describe('with whole waves held at the server', () => {
    /**
     * Starts n requests (numbers from `first`); `arrived` resolves once all of
     * them have reached the server, `outcomes` once all have settled.
     */
    function startWave(first: number, n: number): { arrived: Promise<void>; settled: Map<number, Promise<Outcome>>; outcomes: Promise<Map<number, Outcome>> } {
      let count = 0;
      const arrived = new Promise<void>((resolve) => {
        held.onArrival = () => {
          count += 1;
          if (count === n) resolve();
        };
      });
      const settled = new Map(Array.from({ length: n }, (_, i) => [first + i, settle(() => send(client, first + i))] as const));
      const outcomes = waitAll(settled);
      return { arrived, settled, outcomes };
    }

    async function waitAll(settled: Map<number, Promise<Outcome>>): Promise<Map<number, Outcome>> {
      const outcomes = new Map<number, Outcome>();
      for (const [k, outcome] of settled) outcomes.set(k, await outcome);
      return outcomes;
    }

    it('100 requests started enabled and held at the server while disable() and enable() flip five times: each still gets exactly one span, ended with its own answer', async () => {
      const random = seededRandom(11);
      const wave = startWave(0, 100);
      await wave.arrived;
      for (let flip = 0; flip < 5; flip += 1) {
        instrumentation.disable();
        // Ten answers are received and settled between this flip and the next.
        const released = Array.from({ length: 10 }, () => held.releaseOne(random));
        await Promise.all(released.map((k) => wave.settled.get(k)));
        instrumentation.enable();
      }
      instrumentation.disable();
      held.releaseAll(random);
      const outcomes = await wave.outcomes;
      instrumentation.enable();

      assertNoOpenSpan();
      assertSameAsUntraced(outcomes, new Map([...outcomes.keys()].map((k) => [k, baseline.get(k)])));
      const spans = spansByRequest();
      for (let k = 0; k < 100; k += 1) assertTracedOnceOrNot(held, spans, k, true);
    });

    it('100 requests started disabled and held at the server while enable() is called: none gets a span, and later requests are traced again', async () => {
      const random = seededRandom(13);
      instrumentation.disable();
      const wave = startWave(0, 100);
      await wave.arrived;
      instrumentation.enable();
      held.releaseAll(random);
      const outcomes = await wave.outcomes;

      assertNoOpenSpan();
      assertSameAsUntraced(outcomes, new Map([...outcomes.keys()].map((k) => [k, baseline.get(k)])));
      const spans = spansByRequest();
      for (let k = 0; k < 100; k += 1) assertTracedOnceOrNot(held, spans, k, false);

      const after = startWave(100, 10);
      await after.arrived;
      held.releaseAll(random);
      await after.outcomes;
      const spansAfter = spansByRequest();
      for (let k = 100; k < 110; k += 1) assertTracedOnceOrNot(held, spansAfter, k, true);
      assertNoOpenSpan();
    });
  });

  it('requests waiting in an async request interceptor when disable() or enable() is called keep the choice made at their call: one span if called enabled, none if called disabled', async () => {
    const random = seededRandom(17);
    const gates = [gate(), gate()];
    const gated = axios.create({ baseURL: held.server.origin, httpAgent: agent });
    gated.interceptors.request.use(async (config) => {
      await gates[(numberIn(config.url) as number) < 40 ? 0 : 1].opened;
      return config;
    });
    held.onArrival = () => held.releaseOne(random);

    const calledEnabled = Array.from({ length: 40 }, (_, k) => settle(() => send(gated, k)));
    instrumentation.disable();
    const calledDisabled = Array.from({ length: 40 }, (_, i) => settle(() => send(gated, 40 + i)));
    instrumentation.enable();
    // Each group reaches the adapter in the opposite state from its call.
    instrumentation.disable();
    gates[0].open();
    await Promise.all(calledEnabled);
    instrumentation.enable();
    gates[1].open();
    const outcomes = await Promise.all([...calledEnabled, ...calledDisabled]);

    assertNoOpenSpan();
    assertSameAsUntraced(new Map(outcomes.map((outcome, k) => [k, outcome])), new Map(outcomes.map((_, k) => [k, baseline.get(k)])));
    const spans = spansByRequest();
    for (let k = 0; k < 80; k += 1) assertTracedOnceOrNot(held, spans, k, k < 40);
  });

  // response.config holds the traced adapter of the first request (its
  // closure keeps that request's state) and the traceparent injected into
  // its headers. Enabled, the wrapper swaps the adapter back; disabled, axios
  // runs the old traced adapter: a second span starts under the first
  // request's parent and start time, and the first span's context goes out.
  describe('a config that axios handed back (response.config), sent again after disable(), as axios-retry does', () => {
    /** Sends request k, then sends its response.config again with the instrumentation disabled. */
    async function resendAfterDisable(k: number): Promise<void> {
      const first = await send(client, k);
      instrumentation.disable();
      try {
        await client.request(first.config);
      } finally {
        instrumentation.enable();
      }
    }

    beforeEach(() => {
      const random = seededRandom(1);
      held.onArrival = () => held.releaseOne(random);
    });

    it('makes no span for the second request', async () => {
      await resendAfterDisable(0);
      const spans = spansByRequest().get(0) ?? [];
      assert.strictEqual(held.receivedFor(0).length, 2, 'the request was sent twice');
      assert.strictEqual(spans.length, 1, `one span, for the request made while enabled; got ${spans.length}`);
      assertNoOpenSpan();
    });

    it('sends no traceparent with the second request, as untraced', async () => {
      await resendAfterDisable(1);
      const [, second] = held.receivedFor(1);
      assert.strictEqual(second.headers.traceparent, undefined, 'the first span context is not sent again');
    });
  });
});
