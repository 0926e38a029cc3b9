/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The promise every hardening test checks: the application sees the same with
// the instrumentation as without it, and no span is left open.

import * as assert from 'assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AxiosResponse } from 'axios';

import { axios, finishedSpans, instrumentation, openSpanNames } from './telemetry';

/** What the application saw: a response, or an error. */
export interface Outcome {
  response?: AxiosResponse;
  error?: unknown;
}

export async function settle(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { response: (await call()) as AxiosResponse };
  } catch (error) {
    return { error };
  }
}

/**
 * The parts of an outcome that must not depend on tracing: the status, or the
 * error's code, name, message and status. Echoed request headers are left out
 * (the traced request carries a traceparent).
 */
export function outcomeSummary({ response, error }: Outcome): Record<string, unknown> {
  if (!error) return { status: response?.status, statusText: response?.statusText };
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  const status = (error as { response?: { status?: unknown } }).response?.status;
  return { failed: true, code, name, message, status, isAxiosError: axios.isAxiosError(error) };
}

/** Fails with the names of the spans that were started and never ended. */
export function assertNoOpenSpan(): void {
  assert.deepStrictEqual(openSpanNames(), [], 'every span that was started has ended');
}

/**
 * Runs a call traced, then with the instrumentation disabled, and asserts that
 * the application saw the same both times (compared by `summarise`, by default
 * `outcomeSummary`), that no span was left open and that the untraced call
 * made no span. Returns the traced outcome and the spans it finished.
 */
export async function runBothWays(
  call: () => Promise<unknown>,
  summarise: (outcome: Outcome) => unknown = outcomeSummary,
): Promise<{ outcome: Outcome; spans: ReadableSpan[] }> {
  const outcome = await settle(call);
  assertNoOpenSpan();
  const spans = [...finishedSpans()];
  instrumentation.disable();
  try {
    const untraced = await settle(call);
    assert.deepStrictEqual(summarise(outcome), summarise(untraced), 'the application sees the same with and without tracing');
    assert.strictEqual(finishedSpans().length, spans.length, 'no span is made while the instrumentation is disabled');
  } finally {
    instrumentation.enable();
  }
  return { outcome, spans };
}
