/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Span } from '@opentelemetry/api';

import { NetworkTimings, PHASES, recordNetworkTimings, SettledRequest } from '../../network-timings';
import { ATTR_HTTP_RESPONSE_BODY_SIZE } from '../../semconv';

// The phases of a request, as span events named after the fields of its
// Resource Timing entry (as OpenTelemetry's fetch and XMLHttpRequest
// instrumentations name them).
//
// Finding a request's own entry: the peers take an entry of the same URL
// inside the request's time window, which picks the wrong one when requests
// to one URL overlap. Here every traced request is known from the moment it
// is handed to the adapter (its send time), and the xhr and fetch adapters
// start the browser's request within that call. So among a URL's entries,
// one belongs to the request sent last no later than the entry started: a
// request claims, when it settles, the earliest unclaimed entry of its URL
// that started no earlier than its own send time, ended no later than it
// settled, and did not start after another request to that URL was sent
// (the first two allowing for the page clock's precision, an entry that
// started after the send preferred to one that seems to start just before).
// Entries come from a PerformanceObserver (which still sees them once the
// timing buffer is full) and from the buffer (for those not yet delivered).

type ResourceEntry = { -readonly [phase in (typeof PHASES)[number]]: number } & {
  name: string;
  initiatorType: string;
  startTime: number;
  encodedBodySize: number;
};

/** Entries the adapters' requests make (not images, scripts or beacons). */
const ADAPTER_INITIATORS = new Set(['xmlhttprequest', 'fetch']);
/**
 * Pages' clocks are coarsened (to 1 ms in Firefox and WebKit, 0.1 ms in
 * Chromium), and an entry's times are not always rounded the way
 * `performance.now()` is: Firefox gives an entry that started after the
 * request was sent a start 1 ms before it.
 */
const CLOCK_PRECISION_MS = 1;
/** How long a request that got an answer waits for its entry to be delivered, at most (the peers wait 300 ms). */
const ENTRY_WAIT_MS = 300;

/** One traced attempt whose entry is looked for; its phases are the entry's once found. */
class WatchedRequest extends NetworkTimings {
  /** `performance.now()` when the request was handed to the adapter. */
  readonly sentAt: number;
  /** Set when the request settled: entries that ended later are not its. */
  settledAt = Infinity;
  /** Called once the entry was found or given up on (unset before the request settles). */
  declare onFound: ((entry: ResourceEntry | undefined) => void) | undefined;
  declare waitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly href: string) {
    const now = performance.now();
    super(now, true);
    this.sentAt = now;
  }
}

/** What is known of one URL while requests to it are watched. */
interface WatchedUrl {
  /** The attempts not yet matched, in the order they were sent. */
  requests: WatchedRequest[];
  /** Entries the observer delivered. */
  delivered: ResourceEntry[];
  /** Entries claimed (the observer and the buffer may give one entry as two objects). */
  claimed: Set<string>;
}

const watched = new Map<string, WatchedUrl>();
let observer: InstanceType<typeof PerformanceObserver> | undefined;
let clearBufferWhenIdle = false;

/** Starts with the start time (read back by forgetEntriesBefore). */
function entryKey(entry: ResourceEntry): string {
  return `${entry.startTime} ${entry.responseEnd}`;
}

function observeResources(): void {
  if (observer || typeof PerformanceObserver !== 'function') return;
  try {
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as ResourceEntry[]) onEntryDelivered(entry);
    });
    observer.observe({ type: 'resource' });
  } catch {
    observer = undefined;
  }
}

function onEntryDelivered(entry: ResourceEntry): void {
  const url = watched.get(entry.name);
  if (!url || !ADAPTER_INITIATORS.has(entry.initiatorType)) return;
  url.delivered.push(entry);
  // A settled request still waiting may find its entry now.
  for (const timings of url.requests.slice()) {
    if (timings.onFound) tryToClaim(timings, url);
  }
}

/**
 * Starts looking for the entry of a request handed to the adapter now;
 * undefined where there is no Resource Timing or no absolute URL.
 */
export function startNetworkTimings(href: string | undefined, withEvents: boolean): NetworkTimings | undefined {
  // Without events the entry has nothing to give that is worth holding the span's end for.
  if (!withEvents || href === undefined || typeof performance === 'undefined' || typeof performance.getEntriesByName !== 'function') {
    return undefined;
  }
  observeResources();
  const timings = new WatchedRequest(href);
  let url = watched.get(href);
  if (!url) watched.set(href, (url = { requests: [], delivered: [], claimed: new Set() }));
  url.requests.push(timings);
  return timings;
}

/** This request's entry if it can be told now (see the comment at the top). */
function ownEntry(timings: WatchedRequest, url: WatchedUrl): ResourceEntry | undefined {
  // The next request to this URL, sent after this one: entries that started after it was sent are not ours.
  const next = url.requests.find((other) => other.sentAt > timings.sentAt);
  const notAfter = next ? next.sentAt : Infinity;
  const buffered = performance.getEntriesByName(timings.href, 'resource') as unknown as ResourceEntry[];
  let own: ResourceEntry | undefined;
  let ownStartedAfterSend = false;
  for (const entry of url.delivered.concat(buffered)) {
    const startedAfterSend = entry.startTime >= timings.sentAt;
    if (
      ADAPTER_INITIATORS.has(entry.initiatorType) &&
      entry.startTime >= timings.sentAt - CLOCK_PRECISION_MS &&
      entry.startTime <= notAfter &&
      entry.responseEnd <= timings.settledAt + CLOCK_PRECISION_MS &&
      // One that started after the send, else the earliest.
      (!own || (startedAfterSend && !ownStartedAfterSend) || (startedAfterSend === ownStartedAfterSend && entry.startTime < own.startTime)) &&
      !url.claimed.has(entryKey(entry))
    ) {
      own = entry;
      ownStartedAfterSend = startedAfterSend;
    }
  }
  return own;
}

function tryToClaim(timings: WatchedRequest, url: WatchedUrl): boolean {
  const entry = ownEntry(timings, url);
  if (!entry) return false;
  url.claimed.add(entryKey(entry));
  finish(timings, entry);
  return true;
}

function forgetEntriesBefore(url: WatchedUrl, time: number): void {
  url.delivered = url.delivered.filter((entry) => entry.startTime >= time);
  for (const key of url.claimed) if (parseFloat(key) < time) url.claimed.delete(key);
}

function finish(timings: WatchedRequest, entry: ResourceEntry | undefined): void {
  const { href, onFound, waitTimer } = timings;
  if (waitTimer !== undefined) clearTimeout(waitTimer);
  timings.onFound = undefined;
  const url = watched.get(href);
  if (url) {
    url.requests = url.requests.filter((other) => other !== timings);
    // Entries that started before the earliest request still waiting was sent are no one's now: forgotten, with
    // the URL once none waits, so that a URL always in flight does not pile them up.
    if (url.requests.length === 0) watched.delete(href);
    else forgetEntriesBefore(url, url.requests[0].sentAt - CLOCK_PRECISION_MS);
  }
  if (watched.size === 0) {
    observer?.disconnect();
    observer = undefined;
    if (clearBufferWhenIdle) {
      clearBufferWhenIdle = false;
      // No request waits for an entry: the buffer can be emptied.
      performance.clearResourceTimings?.();
    }
  }
  onFound?.(entry);
}

/**
 * The request settled: adds its phase events (and `http.response.body.size`
 * when the headers did not give it) to the span, then calls `done`, at once
 * or once the entry is delivered (at most ENTRY_WAIT_MS later).
 */
export function finishNetworkTimings(started: NetworkTimings, span: Span, settled: SettledRequest, done: () => void): void {
  if (!(started instanceof WatchedRequest)) {
    done();
    return;
  }
  const timings = started;
  timings.settledAt = performance.now();
  if (settled.clearTimingResources) clearBufferWhenIdle = true;
  timings.onFound = (entry) => {
    try {
      if (entry) {
        // The entry's phases, on the page's performance.now() clock; zeros (cross-origin without
        // `Timing-Allow-Origin`) are left out. No entry: no events, not the guesses made while it ran.
        for (const phase of PHASES) timings[phase] = typeof entry[phase] === 'number' ? entry[phase] : 0;
        recordNetworkTimings(span, timings, settled.timeOrigin);
        if (!settled.bodySizeKnown && entry.encodedBodySize > 0) {
          span.setAttribute(ATTR_HTTP_RESPONSE_BODY_SIZE, entry.encodedBodySize);
        }
      }
    } finally {
      done();
    }
  };
  const url = watched.get(timings.href);
  if (url && tryToClaim(timings, url)) return;
  if (!settled.answered || !observer) {
    finish(timings, undefined);
    return;
  }
  timings.waitTimer = setTimeout(() => finish(timings, undefined), ENTRY_WAIT_MS);
}

// A browser's Resource Timing entries are looked for per request, from its
// start: nothing to watch while the instrumentation is enabled.

export function watchNetworkTimings(_instrumentation: object): void {}

export function unwatchNetworkTimings(_instrumentation: object): void {}
