/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { createContextKey, Span } from '@opentelemetry/api';

import { millisToHrTime } from './clock';

/**
 * The context the transport runs in carries the request's state under this
 * key, so that what the platform sees of the connection (on Node, through its
 * diagnostics channels) finds the attempt it belongs to.
 */
export const NETWORK_TIMINGS_KEY = createContextKey('axios request network timings');

/** What the key holds: the timings of the attempt on the wire now (each redirect hop has its own). */
export interface NetworkTimingsHolder {
  timings: NetworkTimings | undefined;
}

/**
 * When each phase of one attempt happened, on the `performance.now()` clock,
 * named after the Resource Timing fields as OpenTelemetry's web
 * instrumentations name their events; 0 is a phase that did not happen or
 * could not be seen. Recorded as plain numbers while the request runs and
 * turned into span events only when the span ends.
 */
export class NetworkTimings {
  domainLookupStart = 0;
  domainLookupEnd = 0;
  connectStart = 0;
  secureConnectionStart = 0;
  connectEnd = 0;
  requestStart = 0;
  responseStart = 0;
  responseEnd = 0;
  // What only Node sees of the connection: unset (undefined) until seen, declared so that a browser's bundle,
  // where they stay unset, carries no code for them.
  /** true: the request went out on a kept-alive connection; false: on a new one; undefined: not seen. */
  declare socketReused: boolean | undefined;
  /** The connection is to a proxy, not to the server in the URL: the peer and the connection phases are the proxy's. */
  declare viaProxy: boolean | undefined;
  declare peerAddress: string | undefined;
  declare peerPort: number | undefined;
  /** The platform's request object the phases are of (on Node, the http adapter's `ClientRequest`). */
  declare transportRequest: unknown;

  constructor(
    /** The attempt was handed to the transport (a redirect hop: the hop started). */
    public fetchStart: number,
    /** false (`ignoreNetworkEvents`): the connection's attributes only, no events. */
    readonly withEvents: boolean
  ) {}
}

/** How an attempt ended, for the platform to finish its timings. */
export interface SettledRequest {
  /** The server answered (in a browser its timing entry is waited for a little); else the entry is looked for once. */
  answered: boolean;
  /** The response's headers gave its body size: a browser's timing entry's is not recorded. */
  bodySizeKnown: boolean;
  /** In a browser, empty the timing buffer once no request waits for an entry (`clearTimingResources`). */
  clearTimingResources: boolean;
  /**
   * The wall-clock time, in milliseconds since the epoch, of `performance.now()`
   * 0 as the span's start and end were placed: the events are placed the same
   * way, so that they keep their order with them.
   */
  timeOrigin: number;
}

/** The phases in the order they happen: the events' names (and the Resource Timing fields they come from in a browser). */
export const PHASES = [
  'fetchStart',
  'domainLookupStart',
  'domainLookupEnd',
  'connectStart',
  'secureConnectionStart',
  'connectEnd',
  'requestStart',
  'responseStart',
  'responseEnd',
] as const;

/**
 * Adds the attempt's phases to its span as events (unless `ignoreNetworkEvents`),
 * in the order they happen. `epochOffsetMillis` turns a `performance.now()`
 * reading into the span's wall-clock time.
 */
export function recordNetworkTimings(span: Span, timings: NetworkTimings, epochOffsetMillis: number): void {
  if (!timings.withEvents) return;
  // Indexed: a for-of loop here allocates an iterator result per phase on every request.
  for (let index = 0; index < PHASES.length; index += 1) {
    const name = PHASES[index];
    const monotonicMillis = timings[name];
    // 0: not seen (in a browser also a cross-origin entry without `Timing-Allow-Origin`).
    if (monotonicMillis > 0) span.addEvent(name, millisToHrTime(monotonicMillis + epochOffsetMillis));
  }
}
