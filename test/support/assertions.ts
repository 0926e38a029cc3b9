/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { IncomingHttpHeaders } from 'http';

import { finishedSpans } from './telemetry';

/** Exactly one span was finished; returns it. */
export function onlySpan(): ReadableSpan {
  const spans = finishedSpans();
  assert.strictEqual(spans.length, 1, `expected one span, got ${spans.map((span) => span.name).join(', ') || 'none'}`);
  return spans[0];
}

export interface ExpectedSpan {
  method: string;
  url?: string;
  status?: number;
  errorType?: string;
  /** Defaults to ERROR for an errorType other than a cancellation, else UNSET. */
  statusCode?: SpanStatusCode;
}

/** A CLIENT span with the stable HTTP attributes of the expected request. */
export function assertClientSpan(span: ReadableSpan, expected: ExpectedSpan): void {
  assert.strictEqual(span.kind, SpanKind.CLIENT);
  assert.strictEqual(span.name, expected.method === '_OTHER' ? 'HTTP' : expected.method);
  assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_METHOD], expected.method);
  if (expected.url !== undefined) {
    assert.strictEqual(span.attributes[ATTR_URL_FULL], expected.url);
    const url = new URL(expected.url);
    assert.strictEqual(span.attributes[ATTR_SERVER_ADDRESS], url.hostname);
    assert.strictEqual(span.attributes[ATTR_SERVER_PORT], Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
    assert.strictEqual(span.attributes[ATTR_URL_SCHEME], url.protocol.slice(0, -1));
  }
  assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], expected.status);
  assert.strictEqual(span.attributes[ATTR_ERROR_TYPE], expected.errorType);
  const statusCode =
    expected.statusCode ??
    (expected.errorType !== undefined && expected.errorType !== 'ERR_CANCELED' ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
  assert.strictEqual(span.status.code, statusCode);
  assert.ok(span.ended, 'the span has ended');
}

/** The server received this span's context in a W3C traceparent header. */
export function assertPropagated(span: ReadableSpan, headers: IncomingHttpHeaders): void {
  const { traceId, spanId } = span.spanContext();
  assert.strictEqual(headers.traceparent, `00-${traceId}-${spanId}-01`);
}

/** The error a call rejects with; fails the test if it resolves. */
export async function rejectionOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return assert.fail('the call was expected to fail');
}
