/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The options users of @opentelemetry/instrumentation-http and -undici look
// for: requireParentforSpans, headersToSpanAttributes (and its standard
// environment variables), and a response body captured only for errors.

import * as assert from 'assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';

import { CAPTURE_REQUEST_HEADERS_ENV, CAPTURE_RESPONSE_HEADERS_ENV } from '../lib/platform/node/environment';
import { ATTR_HTTP_RESPONSE_BODY_CONTENT } from '../lib/semconv';
import { onlySpan } from './support/assertions';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation, tracer } from './support/telemetry';

const HEADER_PREFIXES = [ATTR_HTTP_REQUEST_HEADER(''), ATTR_HTTP_RESPONSE_HEADER('')];

/** Every captured header attribute of a span, by attribute name. */
function capturedHeaders(span: ReadableSpan): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(span.attributes).filter(([key]) => HEADER_PREFIXES.some((prefix) => key.startsWith(prefix)))
  );
}

describe('options from the peer instrumentations', () => {
  const server = useTestServer();

  describe('requireParentforSpans', () => {
    it('true: a request outside any span makes no span and sends no traceparent', async () => {
      resetInstrumentation({ requireParentforSpans: true });
      await axios.get(server.url('/orphan'));
      assert.deepStrictEqual(finishedSpans(), []);
      assert.strictEqual(server.last.headers.traceparent, undefined);
    });

    it('true: a request inside a span is traced as always', async () => {
      resetInstrumentation({ requireParentforSpans: true });
      await tracer.startActiveSpan('parent', async (parent) => {
        await axios.get(server.url('/child'));
        parent.end();
      });
      const [client] = finishedSpans().filter((span) => span.name === 'GET');
      assert.ok(client, 'the request got a span');
      assert.strictEqual(server.last.headers.traceparent, `00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`);
    });

    it('works through setConfig(): off again, the request outside a span is traced', async () => {
      resetInstrumentation({ requireParentforSpans: true });
      await axios.get(server.url('/orphan'));
      assert.strictEqual(finishedSpans().length, 0);
      instrumentation.setConfig({});
      await axios.get(server.url('/orphan'));
      assert.strictEqual(finishedSpans().length, 1);
      assert.ok(server.last.headers.traceparent);
    });
  });

  describe('headersToSpanAttributes', () => {
    afterEach(() => {
      delete process.env[CAPTURE_REQUEST_HEADERS_ENV];
      delete process.env[CAPTURE_RESPONSE_HEADERS_ENV];
    });

    const headers = { 'X-Wanted': 'yes', 'X-Other': 'no', Authorization: 'Bearer secret-token' };

    it('captures the named headers, and no others, with captureHeaders off', async () => {
      resetInstrumentation({
        headersToSpanAttributes: { requestHeaders: ['x-wanted', 'Authorization'], responseHeaders: ['Content-Type'] },
      });
      await axios.get(server.url('/named'), { headers });
      assert.deepStrictEqual(capturedHeaders(onlySpan()), {
        [ATTR_HTTP_REQUEST_HEADER('x-wanted')]: ['yes'],
        [ATTR_HTTP_REQUEST_HEADER('authorization')]: ['[REDACTED]'],
        [ATTR_HTTP_RESPONSE_HEADER('content-type')]: ['application/json; charset=utf-8'],
      });
    });

    it('a named sensitive header is written as it is once the application takes it out of sensitiveHeaders', async () => {
      resetInstrumentation({ headersToSpanAttributes: { requestHeaders: ['authorization'] }, sensitiveHeaders: [] });
      await axios.get(server.url('/named'), { headers });
      assert.deepStrictEqual(capturedHeaders(onlySpan()), {
        [ATTR_HTTP_REQUEST_HEADER('authorization')]: ['Bearer secret-token'],
      });
    });

    it('without the option, the OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_*_HEADERS lists are used', async () => {
      process.env[CAPTURE_REQUEST_HEADERS_ENV] = ' X-Wanted , ,x-missing';
      process.env[CAPTURE_RESPONSE_HEADERS_ENV] = 'content-type';
      resetInstrumentation();
      await axios.get(server.url('/named'), { headers });
      assert.deepStrictEqual(capturedHeaders(onlySpan()), {
        [ATTR_HTTP_REQUEST_HEADER('x-wanted')]: ['yes'],
        [ATTR_HTTP_RESPONSE_HEADER('content-type')]: ['application/json; charset=utf-8'],
      });
    });

    it('the option, when given, wins over the environment variables', async () => {
      process.env[CAPTURE_REQUEST_HEADERS_ENV] = 'x-wanted';
      resetInstrumentation({ headersToSpanAttributes: { requestHeaders: ['x-other'] } });
      await axios.get(server.url('/named'), { headers });
      assert.deepStrictEqual(capturedHeaders(onlySpan()), { [ATTR_HTTP_REQUEST_HEADER('x-other')]: ['no'] });
    });

    it('captureHeaders: true still captures every header', async () => {
      resetInstrumentation({ captureHeaders: true, headersToSpanAttributes: { requestHeaders: ['x-wanted'] } });
      await axios.get(server.url('/named'), { headers });
      const captured = capturedHeaders(onlySpan());
      assert.deepStrictEqual(captured[ATTR_HTTP_REQUEST_HEADER('x-other')], ['no']);
      assert.deepStrictEqual(captured[ATTR_HTTP_REQUEST_HEADER('authorization')], ['[REDACTED]']);
      assert.ok(captured[ATTR_HTTP_RESPONSE_HEADER('content-type')]);
    });
  });

  describe("captureResponseBody: 'on-error'", () => {
    beforeEach(() => resetInstrumentation({ captureResponseBody: 'on-error' }));

    it('captures the body of a response with status >= 400', async () => {
      await assert.rejects(axios.get(server.url('/status/404')));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"status":404}');
    });

    it('captures no body of a successful response', async () => {
      await axios.get(server.url('/text?size=5'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], undefined);
    });

    it('true still captures every body', async () => {
      resetInstrumentation({ captureResponseBody: true });
      await axios.get(server.url('/text?size=5'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'xxxxx');
    });
  });
});
