/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// How a browser request finds its own Resource Timing entry, with the page's
// clock, timing buffer and PerformanceObserver played here, so that every
// order of sends, answers and deliveries can be set up exactly (the real
// browsers run the same code in test/browser/). Spans from the real SDK.

import * as assert from 'assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

import { finishNetworkTimings, startNetworkTimings } from '../lib/platform/browser';
import type { NetworkTimings, SettledRequest } from '../lib/network-timings';
import { exporter, finishedSpans, tracer } from './support/telemetry';

const URL_A = 'https://app.example/api/items';
const PHASE_FIELDS = ['fetchStart', 'domainLookupStart', 'domainLookupEnd', 'connectStart', 'secureConnectionStart', 'connectEnd', 'requestStart', 'responseStart', 'responseEnd'];

interface FakeEntry {
  name: string;
  initiatorType: string;
  startTime: number;
  encodedBodySize: number;
  [field: string]: number | string;
}

/** An entry whose phases run from `start` to `end`; `crossOrigin` zeros the detailed ones. */
function entry(start: number, end: number, options: { crossOrigin?: boolean; initiatorType?: string; size?: number } = {}): FakeEntry {
  const made: FakeEntry = { name: URL_A, initiatorType: options.initiatorType ?? 'xmlhttprequest', startTime: start, encodedBodySize: options.size ?? 0 };
  const step = (end - start) / (PHASE_FIELDS.length - 1);
  PHASE_FIELDS.forEach((field, index) => {
    made[field] = field === 'secureConnectionStart' ? 0 : start + step * index;
  });
  if (options.crossOrigin) {
    for (const field of ['domainLookupStart', 'domainLookupEnd', 'connectStart', 'connectEnd', 'requestStart', 'responseStart']) made[field] = 0;
  }
  return made;
}

/** The page: its clock, its timing buffer and the observers it delivers entries to. */
const page = {
  now: 0,
  buffer: [] as FakeEntry[],
  observers: [] as Array<(entries: FakeEntry[]) => void>,
  cleared: 0,
  deliver(...entries: FakeEntry[]): void {
    for (const observer of this.observers) observer(entries);
  },
};

class FakeObserver {
  constructor(private readonly callback: (list: { getEntries(): FakeEntry[] }) => void) {}
  private readonly listener = (entries: FakeEntry[]) => this.callback({ getEntries: () => entries });
  observe(): void {
    page.observers.push(this.listener);
  }
  disconnect(): void {
    page.observers = page.observers.filter((listener) => listener !== this.listener);
  }
}

const TIME_ORIGIN = 1_700_000_000_000;

function settled(overrides: Partial<SettledRequest> = {}): SettledRequest {
  return { answered: true, bodySizeKnown: true, clearTimingResources: false, timeOrigin: TIME_ORIGIN, ...overrides };
}

/** A request handed to the adapter at `at`, with a span of its own. */
function send(at: number, name: string): { timings: NetworkTimings; span: ReturnType<typeof tracer.startSpan>; name: string } {
  page.now = at;
  const timings = startNetworkTimings(URL_A, true);
  assert.ok(timings);
  return { timings, span: tracer.startSpan(name), name };
}

/** The request settles at `at`; resolves when its span has ended, with the span. */
function settle(request: ReturnType<typeof send>, at: number, overrides: Partial<SettledRequest> = {}): Promise<ReadableSpan> {
  page.now = at;
  return new Promise((resolve) => {
    finishNetworkTimings(request.timings, request.span, settled(overrides), () => {
      request.span.end();
      resolve(finishedSpans().find((span) => span.name === request.name) as ReadableSpan);
    });
  });
}

function phases(span: ReadableSpan): Array<[string, number]> {
  return span.events.map((event) => [event.name, event.time[0] * 1000 + event.time[1] / 1e6 - TIME_ORIGIN]);
}

/** The event times of a span, relative to the page's time origin, rounded to tell the entries apart. */
function startOf(span: ReadableSpan): number | undefined {
  const fetchStart = phases(span).find(([name]) => name === 'fetchStart');
  return fetchStart && Math.round(fetchStart[1] * 10) / 10;
}

describe('a browser request finds its own Resource Timing entry', () => {
  const scope = globalThis as Record<string, unknown>;
  const saved = {
    now: performance.now,
    getEntriesByName: performance.getEntriesByName,
    clearResourceTimings: performance.clearResourceTimings,
    PerformanceObserver: scope.PerformanceObserver,
  };

  beforeEach(() => {
    exporter.reset();
    Object.assign(page, { now: 0, buffer: [], observers: [], cleared: 0 });
    const fake = performance as unknown as Record<string, unknown>;
    fake.now = () => page.now;
    fake.getEntriesByName = (name: string) => page.buffer.filter((candidate) => candidate.name === name);
    fake.clearResourceTimings = () => {
      page.cleared += 1;
      page.buffer = [];
    };
    scope.PerformanceObserver = FakeObserver;
  });

  afterEach(() => {
    const fake = performance as unknown as Record<string, unknown>;
    fake.now = saved.now;
    fake.getEntriesByName = saved.getEntriesByName;
    fake.clearResourceTimings = saved.clearResourceTimings;
    scope.PerformanceObserver = saved.PerformanceObserver;
    assert.deepStrictEqual(page.observers, [], 'the observer is disconnected once no request waits');
  });

  it('records the phases, in order, on the time base of the span', async () => {
    const request = send(10, 'one');
    page.buffer.push(entry(10.5, 40));
    const span = await settle(request, 41);
    assert.deepStrictEqual(
      phases(span).map(([name]) => name),
      PHASE_FIELDS.filter((field) => field !== 'secureConnectionStart')
    );
    assert.ok(Math.abs(phases(span)[0][1] - 10.5) < 0.001);
    assert.ok(Math.abs(phases(span)[7][1] - 40) < 0.001);
  });

  it('two requests to one URL, the first answered last, entries in the buffer: each takes its own', async () => {
    const first = send(10, 'first');
    const second = send(11, 'second');
    page.buffer.push(entry(11.2, 30));
    const secondSpan = await settle(second, 31);
    page.buffer.push(entry(10.1, 50));
    const firstSpan = await settle(first, 51);
    assert.strictEqual(startOf(firstSpan), 10.1);
    assert.strictEqual(startOf(secondSpan), 11.2);
  });

  it('two requests, the buffer full (entries only through the observer), delivered after both settled, the later one first', async () => {
    const first = send(10, 'first');
    const second = send(15, 'second');
    const firstSpan = settle(first, 51);
    const secondSpan = settle(second, 52);
    // The second request's entry: the first request must not take it, though it fits its time window.
    page.deliver(entry(15.2, 30));
    page.deliver(entry(10.1, 50));
    assert.strictEqual(startOf(await firstSpan), 10.1);
    assert.strictEqual(startOf(await secondSpan), 15.2);
  });

  it('allows for the clock precision: an entry rounded to 1 ms below the send time is still the request`s', async () => {
    const request = send(10.6, 'one');
    page.buffer.push(entry(10, 20));
    assert.strictEqual(startOf(await settle(request, 21)), 10);
  });

  it('two requests sent within the clock precision: an entry that started after the send is preferred', async () => {
    const first = send(10, 'first');
    const second = send(10.5, 'second');
    page.buffer.push(entry(10.2, 20), entry(10.6, 20));
    assert.strictEqual(startOf(await settle(second, 21)), 10.6);
    assert.strictEqual(startOf(await settle(first, 22)), 10.2);
  });

  it('takes no entry that started before the request was sent, ended after it settled, or that an image made', async () => {
    const request = send(10, 'one');
    page.buffer.push(entry(5, 20), entry(12, 60), entry(12, 20, { initiatorType: 'img' }));
    const span = settle(request, 30);
    // None fits: it waits for its entry to be delivered, then takes that one.
    page.deliver(entry(12.5, 29));
    assert.strictEqual(startOf(await span), 12.5);
  });

  it('records no event from the zeros of a cross-origin entry without Timing-Allow-Origin', async () => {
    const request = send(10, 'one');
    page.buffer.push(entry(10.5, 40, { crossOrigin: true }));
    const span = await settle(request, 41);
    assert.deepStrictEqual(
      phases(span).map(([name]) => name),
      ['fetchStart', 'responseEnd']
    );
  });

  it('http.response.body.size from the entry only when the headers gave none', async () => {
    const unknownSize = send(10, 'unknown');
    page.buffer.push(entry(10.5, 20, { size: 1234 }));
    assert.strictEqual((await settle(unknownSize, 21, { bodySizeKnown: false })).attributes['http.response.body.size'], 1234);
    const knownSize = send(30, 'known');
    page.buffer.push(entry(30.5, 40, { size: 99 }));
    assert.strictEqual((await settle(knownSize, 41)).attributes['http.response.body.size'], undefined);
  });

  it('a request that got no answer takes no entry it would have to wait for, and ends at once', async () => {
    const request = send(10, 'failed');
    let ended = false;
    const span = settle(request, 20, { answered: false }).then((result) => {
      ended = true;
      return result;
    });
    await Promise.resolve();
    assert.strictEqual(ended, true);
    assert.deepStrictEqual(phases(await span), []);
  });

  it('an answered request whose entry never comes ends without events after the wait', async function () {
    this.timeout(5000);
    const request = send(10, 'lost');
    const started = Date.now();
    const span = await settle(request, 20);
    assert.deepStrictEqual(phases(span), []);
    assert.ok(Date.now() - started >= 290, `ended after ${Date.now() - started} ms`);
  });

  it('a URL always in flight, 50 requests each overlapping the next: each gets its own entry', async () => {
    let previous = send(0, 'request 0');
    for (let i = 1; i <= 50; i += 1) {
      const next = send(i * 10, `request ${i}`);
      page.deliver(entry((i - 1) * 10 + 0.5, i * 10 - 1));
      assert.strictEqual(startOf(await settle(previous, i * 10 - 0.5)), (i - 1) * 10 + 0.5);
      previous = next;
    }
    page.deliver(entry(500.5, 505));
    assert.strictEqual(startOf(await settle(previous, 506)), 500.5);
  });

  it('clearTimingResources: the buffer is emptied once no request waits, not before', async () => {
    const first = send(10, 'first');
    const second = send(11, 'second');
    page.buffer.push(entry(10.5, 20));
    await settle(first, 21, { clearTimingResources: true });
    assert.strictEqual(page.cleared, 0, 'the second request still waits');
    page.buffer.push(entry(11.5, 30));
    await settle(second, 31);
    assert.strictEqual(page.cleared, 1);
    assert.deepStrictEqual(page.buffer, []);
  });
});
