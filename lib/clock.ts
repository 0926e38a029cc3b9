/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { HrTime } from '@opentelemetry/api';

// A span starts when the application calls axios, before the adapter runs, so
// its start time is always given. Given as a `performance.now()` number, the
// SDK converts each timestamp into three arrays and a read of
// `performance.timeOrigin`, which allocates on Node 24; an `HrTime` it takes as
// it is. These do the SDK's own conversion once, with one array per timestamp.

/**
 * The wall-clock time, in milliseconds since the epoch, of an earlier
 * `performance.now()` reading: the wall clock now, less the monotonic time
 * elapsed since (the SDK anchors a number it is given the same way).
 */
export function wallClockMillisAt(monotonicMillis: number): number {
  return Date.now() - (performance.now() - monotonicMillis);
}

export function millisToHrTime(epochMillis: number): HrTime {
  let seconds = Math.trunc(epochMillis / 1000);
  let nanoseconds = Math.round((epochMillis - seconds * 1000) * 1e6);
  if (nanoseconds >= 1e9) {
    seconds += 1;
    nanoseconds -= 1e9;
  }
  return [seconds, nanoseconds];
}
