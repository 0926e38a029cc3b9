/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_FULL,
  ATTR_USER_AGENT_ORIGINAL,
  ERROR_TYPE_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import nock from 'nock';

import { assertClientSpan, onlySpan } from './support/assertions';
import { Outcome, runBothWays, settle } from './support/outcomes';
import { closedPort } from './support/server';
import { useTestServer } from './support/suite';
import { axios, resetInstrumentation } from './support/telemetry';

/** runBothWays for a scenario that makes exactly one span: the outcome and that span. */
async function runBothWaysOneSpan(call: () => Promise<unknown>): Promise<{ outcome: Outcome; span: ReadableSpan }> {
  const { outcome } = await runBothWays(call);
  return { outcome, span: onlySpan() };
}

function exceptionEvents(span: ReadableSpan) {
  return span.events.filter((event) => event.name === 'exception');
}

function assertOneException(span: ReadableSpan): void {
  assert.strictEqual(exceptionEvents(span).length, 1, 'one exception event');
}

function assertNoException(span: ReadableSpan): void {
  assert.deepStrictEqual(exceptionEvents(span), [], 'no exception event');
}

function errorCode(outcome: Outcome): unknown {
  assert.ok(outcome.error, 'the call failed');
  return (outcome.error as { code?: unknown }).code;
}

class Circular {
  readonly self: Circular = this;
}

function circularObject(): Record<string, unknown> {
  const data: Record<string, unknown> = { name: 'loop' };
  data.self = data;
  return data;
}

/** A server that never answers, and tells when a request has arrived, so a test can cancel it in flight. */
class HangingServer {
  private waiting: Array<() => void> = [];
  /** Started and closed by the hooks of the suite that creates this. */
  readonly server = useTestServer(() => {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  });

  /** Resolves when the next request reaches the server. */
  nextArrival(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

describe('outcomes: the application gets what it gets untraced, and one span records the outcome', () => {
  const server = useTestServer();
  beforeEach(() => resetInstrumentation());

  describe('answers from the server', () => {
    it('a 200 is a successful span with status UNSET', async () => {
      const url = server.url('/ok');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(url));
      assert.strictEqual(outcome.response?.status, 200);
      assertClientSpan(span, { method: 'GET', url, status: 200 });
      assertNoException(span);
    });

    for (const status of [404, 500]) {
      it(`a ${status} rejects as untraced and the span is ERROR with error.type '${status}' and the exception recorded`, async () => {
        const url = server.url(`/status/${status}`);
        const { outcome, span } = await runBothWaysOneSpan(() => axios.get(url));
        assert.strictEqual(errorCode(outcome), status === 404 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE');
        assertClientSpan(span, { method: 'GET', url, status, errorType: String(status) });
        assertOneException(span);
        assert.strictEqual(span.status.message, (outcome.error as Error).message);
      });
    }

    it('a 404 accepted by validateStatus resolves, and the span is still ERROR (>= 400) with no exception', async () => {
      const url = server.url('/status/404');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(url, { validateStatus: (status) => status < 500 }));
      assert.strictEqual(outcome.response?.status, 404);
      assertClientSpan(span, { method: 'GET', url, status: 404, errorType: '404' });
      assertNoException(span);
    });

    it('redirects that are followed make a span per hop: 302, 302, then the final 200', async () => {
      const url = server.url('/redirect/2');
      const { outcome, spans } = await runBothWays(() => axios.get(url));
      assert.strictEqual(outcome.response?.status, 200);
      assert.strictEqual((outcome.response?.data as { path?: string }).path, '/redirect/0');
      assert.strictEqual(spans.length, 3);
      assertClientSpan(spans[0], { method: 'GET', url, status: 302 });
      assertClientSpan(spans[1], { method: 'GET', url: server.url('/redirect/1'), status: 302 });
      assertClientSpan(spans[2], { method: 'GET', url: server.url('/redirect/0'), status: 200 });
    });

    it('a span records network.protocol.version 1.1 and the User-Agent axios sent', async () => {
      const url = server.url('/agent');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(url));
      const sentAgent = (outcome.response?.data as { headers: Record<string, string> }).headers['user-agent'];
      assert.match(sentAgent, /^axios\//);
      assert.strictEqual(span.attributes[ATTR_NETWORK_PROTOCOL_VERSION], '1.1');
      assert.strictEqual(span.attributes[ATTR_USER_AGENT_ORIGINAL], sentAgent);
    });

    it("an unknown method (PURGE) is sent as is and recorded as _OTHER with its original, in a span named 'HTTP'", async () => {
      const url = server.url('/cache');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.request({ url, method: 'PURGE' }));
      assert.strictEqual((outcome.response?.data as { method: string }).method, 'PURGE');
      assertClientSpan(span, { method: '_OTHER', url, status: 200 });
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL], 'PURGE');
    });
  });

  describe('transport failures', () => {
    it('connection refused rejects with ECONNREFUSED and an ERROR span with that error.type', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/refused`;
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(url));
      assert.strictEqual(errorCode(outcome), 'ECONNREFUSED');
      assertClientSpan(span, { method: 'GET', url, errorType: 'ECONNREFUSED' });
      assertOneException(span);
    });

    it('a timeout rejects with ECONNABORTED and an ERROR span with that error.type', async () => {
      const url = server.url('/slow?ms=500');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(url, { timeout: 50 }));
      assert.strictEqual(errorCode(outcome), 'ECONNABORTED');
      assertClientSpan(span, { method: 'GET', url, errorType: 'ECONNABORTED' });
      assertOneException(span);
    });

    it('a timeout with transitional.clarifyTimeoutError rejects with ETIMEDOUT, recorded as such', async () => {
      const url = server.url('/slow?ms=500');
      const { outcome, span } = await runBothWaysOneSpan(() =>
        axios.get(url, { timeout: 50, transitional: { clarifyTimeoutError: true } })
      );
      assert.strictEqual(errorCode(outcome), 'ETIMEDOUT');
      assertClientSpan(span, { method: 'GET', url, errorType: 'ETIMEDOUT' });
      assertOneException(span);
    });

    it('too many redirects rejects with ERR_FR_TOO_MANY_REDIRECTS, recorded as such on the last hop', async () => {
      const url = server.url('/redirect-loop');
      const { outcome, spans } = await runBothWays(() => axios.get(url, { maxRedirects: 3 }));
      assert.strictEqual(errorCode(outcome), 'ERR_FR_TOO_MANY_REDIRECTS');
      assert.strictEqual(spans.length, 4, 'the first request and its three redirects followed');
      for (const span of spans.slice(0, 3)) {
        assertClientSpan(span, { method: 'GET', url, status: 302 });
        assertNoException(span);
      }
      assertClientSpan(spans[3], { method: 'GET', url, errorType: 'ERR_FR_TOO_MANY_REDIRECTS' });
      assertOneException(spans[3]);
    });

    describe('a connection reset (nock)', () => {
      before(() => nock.activate());
      after(() => {
        nock.cleanAll();
        nock.restore();
      });

      it('rejects with ECONNRESET and an ERROR span with that error.type', async () => {
        const url = 'http://reset.test/reset';
        const reset = () => {
          // nock 14 hangs on a plain object given to replyWithError (even
          // untraced); an Error carrying the code is what Node itself raises.
          nock('http://reset.test')
            .get('/reset')
            .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
          return axios.get(url);
        };
        const { outcome, span } = await runBothWaysOneSpan(reset);
        assert.strictEqual(errorCode(outcome), 'ECONNRESET');
        assertClientSpan(span, { method: 'GET', url, errorType: 'ECONNRESET' });
        assertOneException(span);
      });
    });
  });

  describe('cancellation: status UNSET, error.type ERR_CANCELED, no exception, span ended', () => {
    const hanging = new HangingServer();

    function assertCancelledSpan(outcome: Outcome, span: ReadableSpan, url: string): void {
      assert.ok(axios.isCancel(outcome.error), 'the application got a cancellation');
      assertClientSpan(span, { method: 'GET', url, errorType: 'ERR_CANCELED' });
      assert.strictEqual(span.status.code, SpanStatusCode.UNSET);
      assertNoException(span);
    }

    it('a CancelToken cancelled before the call', async () => {
      const url = hanging.server.url('/early-token');
      const { outcome, span } = await runBothWaysOneSpan(() => {
        const source = axios.CancelToken.source();
        source.cancel('changed my mind');
        return axios.get(url, { cancelToken: source.token });
      });
      assertCancelledSpan(outcome, span, url);
      assert.strictEqual(hanging.server.received.length, 0, 'nothing was sent');
    });

    it('a CancelToken cancelled while the request is in flight', async () => {
      const url = hanging.server.url('/late-token');
      const { outcome, span } = await runBothWaysOneSpan(() => {
        const source = axios.CancelToken.source();
        void hanging.nextArrival().then(() => source.cancel('too slow'));
        return axios.get(url, { cancelToken: source.token });
      });
      assertCancelledSpan(outcome, span, url);
    });

    it('an AbortController aborted while the request is in flight', async () => {
      const url = hanging.server.url('/late-abort');
      const { outcome, span } = await runBothWaysOneSpan(() => {
        const controller = new AbortController();
        void hanging.nextArrival().then(() => controller.abort());
        return axios.get(url, { signal: controller.signal });
      });
      assertCancelledSpan(outcome, span, url);
    });

    it('a signal that is already aborted', async () => {
      const url = hanging.server.url('/aborted');
      const before = hanging.server.received.length;
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(url, { signal: AbortSignal.abort() }));
      assertCancelledSpan(outcome, span, url);
      assert.strictEqual(hanging.server.received.length, before, 'nothing was sent');
    });
  });

  describe('failures in the application’s own code around the request', () => {
    it('a request interceptor that throws: one ERROR span with its message, and the application gets the same error object', async () => {
      const url = server.url('/intercepted');
      const thrown: Error[] = [];
      const { outcome, span } = await runBothWaysOneSpan(() => {
        const instance = axios.create();
        instance.interceptors.request.use(() => {
          const error = new Error('no token available');
          thrown.push(error);
          throw error;
        });
        return instance.get(url);
      });
      assert.strictEqual(thrown.length, 2);
      assert.strictEqual(outcome.error, thrown[0], 'the very error the interceptor threw');
      assertClientSpan(span, { method: 'GET', url, errorType: ERROR_TYPE_VALUE_OTHER });
      assert.strictEqual(span.status.message, 'no token available');
      assertOneException(span);
      assert.strictEqual(server.received.filter((request) => request.path === '/intercepted').length, 0);
    });

    it('a response interceptor that throws after a 200: the HTTP span is 200 and ended, the application gets the interceptor’s error', async () => {
      const url = server.url('/then-fail');
      const thrown: Error[] = [];
      const { outcome, span } = await runBothWaysOneSpan(() => {
        const instance = axios.create();
        instance.interceptors.response.use(() => {
          const error = new Error('unexpected shape');
          thrown.push(error);
          throw error;
        });
        return instance.get(url);
      });
      assert.strictEqual(outcome.error, thrown[0]);
      assertClientSpan(span, { method: 'GET', url, status: 200 });
      assertNoException(span);
    });

    // A circular class instance (or array) reaches transformRequest, where
    // JSON.stringify throws a TypeError. A circular plain object fails earlier,
    // in axios' own mergeConfig, which deep-copies plain objects (RangeError).
    it('circular data that is not a plain object: the application gets the same TypeError, and one ERROR span', async () => {
      const url = server.url('/circular');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.request({ method: 'post', url, data: new Circular() }));
      assert.ok(outcome.error instanceof TypeError, 'a TypeError');
      assert.match(outcome.error.message, /circular/i);
      assertClientSpan(span, { method: 'POST', url, errorType: 'TypeError' });
      assertOneException(span);
    });

    it('circular plain-object data passed to axios.request: the same RangeError from axios, and one ERROR span', async () => {
      const { outcome, span } = await runBothWaysOneSpan(() =>
        axios.request({ method: 'post', url: server.url('/circular'), data: circularObject() })
      );
      assert.ok(outcome.error instanceof RangeError, 'axios itself overflows the stack copying the data');
      assertClientSpan(span, { method: 'POST', errorType: 'RangeError' });
      assertOneException(span);
    });

    // axios.getUri() would deep-copy the data too (mergeConfig) and overflow the same way.
    it('the span of a request that failed on circular plain-object data still records url.full', async () => {
      const url = server.url('/circular');
      await settle(() => axios.request({ method: 'post', url, data: circularObject() }));
      assertClientSpan(onlySpan(), { method: 'POST', url, errorType: 'RangeError' });
    });

    // A documented limitation: axios.post() merges its arguments (mergeConfig)
    // before it calls request(), so with circular plain-object data it fails
    // before the patched method is reached, with or without tracing.
    it('axios.post with circular plain-object data rejects with the same RangeError, before any span can start', async () => {
      const url = server.url('/circular');
      const { outcome, spans } = await runBothWays(() => axios.post(url, circularObject()));
      assert.ok(outcome.error instanceof RangeError);
      assert.deepStrictEqual(spans, []);
    });

    it('a relative URL with no baseURL fails the same way, and its span has no url.full', async () => {
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get('/relative/path'));
      assert.strictEqual(errorCode(outcome), 'ERR_INVALID_URL');
      assertClientSpan(span, { method: 'GET', errorType: 'ERR_INVALID_URL' });
      assert.strictEqual(span.attributes[ATTR_URL_FULL], undefined);
      assertOneException(span);
    });

    // axios' `request` is async, so a synchronous throw from `_request` (which
    // the instrumentation wraps) reaches the application as a rejection.
    it('an invalid transitional option makes _request throw synchronously: the same ERR_BAD_OPTION_VALUE, one ERROR span', async () => {
      const url = server.url('/bad-option');
      const { outcome, span } = await runBothWaysOneSpan(() =>
        axios.create({ transitional: 'bad' as unknown as object }).get(url)
      );
      assert.strictEqual(errorCode(outcome), 'ERR_BAD_OPTION_VALUE');
      assertClientSpan(span, { method: 'GET', url, errorType: 'ERR_BAD_OPTION_VALUE' });
      assertOneException(span);
    });

    it('an invalid paramsSerializer makes _request throw synchronously: the same error, one ERROR span', async () => {
      const url = server.url('/bad-serializer');
      const { outcome, span } = await runBothWaysOneSpan(() =>
        axios.get(url, { paramsSerializer: { encode: 'not a function' as unknown as () => string } })
      );
      assert.strictEqual(errorCode(outcome), 'ERR_BAD_OPTION_VALUE');
      assertClientSpan(span, { method: 'GET', errorType: 'ERR_BAD_OPTION_VALUE' });
      assertOneException(span);
    });
  });
});
