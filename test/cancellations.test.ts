/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A cancellation is the application's decision, whatever signalled it: axios'
// CanceledError, any error named AbortError (a DOMException or a library's
// own), or the reason the request's signal was aborted with, which plugins
// such as rate limiters reject with as it is. Each leaves the span UNSET, with
// error.type ERR_CANCELED and no exception event.

import * as assert from 'assert';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_ERROR_TYPE, ERROR_TYPE_VALUE_OTHER } from '@opentelemetry/semantic-conventions';
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';

import { onlySpan } from './support/assertions';
import { runBothWays } from './support/outcomes';
import { useTestServer } from './support/suite';
import { axios, resetInstrumentation } from './support/telemetry';

function assertCancelled(span: ReadableSpan): void {
  assert.strictEqual(span.status.code, SpanStatusCode.UNSET);
  assert.strictEqual(span.attributes[ATTR_ERROR_TYPE], 'ERR_CANCELED');
  assert.deepStrictEqual(span.events.filter((event) => event.name === 'exception'), [], 'no exception event');
}

/** A library's own abort error: not a DOMException, only its name says what it is. */
class AbortError extends Error {
  override readonly name = 'AbortError';
}

/**
 * A rate limiter written as plugins write one: the request waits in a queue
 * (a request interceptor), and an abort while it waits rejects with the
 * signal's reason as it is.
 */
function withQueue(instance: AxiosInstance): AxiosInstance {
  instance.interceptors.request.use(
    (config: InternalAxiosRequestConfig) =>
      new Promise<InternalAxiosRequestConfig>((resolve, reject) => {
        const signal = config.signal as AbortSignal | undefined;
        const timer = setTimeout(() => resolve(config), 1_000);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      })
  );
  return instance;
}

describe('cancellations from any signal: UNSET, error.type ERR_CANCELED, no exception event', () => {
  const server = useTestServer();
  beforeEach(() => resetInstrumentation());

  const reasons: Array<[string, () => unknown]> = [
    ['a DOMException named AbortError (abort() with no reason)', () => undefined],
    ['a DOMException named TimeoutError (AbortSignal.timeout-like)', () => new DOMException('timed out', 'TimeoutError')],
    ['an Error of its own', () => new Error('dropped from the queue')],
    ['a string', () => 'dropped'],
  ];
  for (const [what, reason] of reasons) {
    it(`a queued request whose signal is aborted with ${what} rejects with that reason; the span is a cancellation`, async () => {
      const { outcome } = await runBothWays(() => {
        const controller = new AbortController();
        const call = withQueue(axios.create()).get(server.url('/queued'), { signal: controller.signal });
        setTimeout(() => {
          const given = reason();
          if (given === undefined) controller.abort();
          else controller.abort(given);
        }, 10);
        return call;
      });
      assert.ok(outcome.error !== undefined, 'the call failed');
      assertCancelled(onlySpan());
    });
  }

  it('an error named AbortError that is no DOMException, thrown by an interceptor, is a cancellation', async () => {
    const instance = axios.create();
    instance.interceptors.request.use(() => {
      throw new AbortError('the caller went away');
    });
    await assert.rejects(instance.get(server.url('/never')), { name: 'AbortError' });
    assertCancelled(onlySpan());
  });

  it('an adapter that rejects with the signal reason is a cancellation too (the transport path)', async () => {
    const controller = new AbortController();
    const reason = { why: 'user navigated away' };
    const adapter = (config: InternalAxiosRequestConfig) =>
      new Promise<never>((_resolve, reject) => {
        (config.signal as AbortSignal).addEventListener('abort', () => reject((config.signal as AbortSignal).reason));
      });
    const call = axios.get(server.url('/never'), { adapter, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 10);
    // axios itself turns any failure after an abort into its CanceledError; the span sees what the adapter rejected with.
    await assert.rejects(call, { code: 'ERR_CANCELED' });
    assertCancelled(onlySpan());
  });

  it("a signal set on the instance (axios.create({ signal })) and aborted with a reason of its own is a cancellation", async () => {
    const { outcome } = await runBothWays(() => {
      const controller = new AbortController();
      const call = withQueue(axios.create({ signal: controller.signal })).get(server.url('/queued'));
      setTimeout(() => controller.abort(new Error('queue cleared')), 10);
      return call;
    });
    assert.ok(outcome.error !== undefined, 'the call failed');
    assertCancelled(onlySpan());
  });

  it('a failure with a signal that was not aborted stays an ERROR', async () => {
    const controller = new AbortController();
    const instance = axios.create();
    instance.interceptors.request.use(() => {
      throw new Error('plain failure');
    });
    await assert.rejects(instance.get(server.url('/never'), { signal: controller.signal }));
    const span = onlySpan();
    assert.strictEqual(span.status.code, SpanStatusCode.ERROR);
    // A plain Error has no code, and its name says nothing: the conventions' _OTHER.
    assert.strictEqual(span.attributes[ATTR_ERROR_TYPE], ERROR_TYPE_VALUE_OTHER);
  });

  it("axios' own CanceledError (AbortController before the request leaves) stays a cancellation", async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(axios.get(server.url('/never'), { signal: controller.signal }), { code: 'ERR_CANCELED' });
    assertCancelled(onlySpan());
  });
});
