/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { ClientRequest } from 'http';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_HTTP_REQUEST_HEADER,
} from '@opentelemetry/semantic-conventions';
import type { AxiosAdapter, AxiosRequestConfig, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import { ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_HTTP_RESPONSE_BODY_CONTENT } from '../lib/semconv';
import { assertClientSpan, assertPropagated, onlySpan, rejectionOf } from './support/assertions';
import { closedPort } from './support/server';
import { useInstrumentation, useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

type AdapterChoice = AxiosRequestConfig['adapter'];

/** The W3C traceparent that carries this span. */
function traceparentOf(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}

describe('adapters: every axios adapter gets one span with the trace context', () => {
  const server = useTestServer();
  useInstrumentation();

  const builtIn: Array<[string, AdapterChoice, (response: AxiosResponse) => boolean]> = [
    ["'fetch'", 'fetch', (response) => response.request instanceof Request],
    ["'http'", 'http', (response) => response.request instanceof ClientRequest],
    ["['fetch', 'http'] (the first available)", ['fetch', 'http'], (response) => response.request instanceof Request],
  ];

  for (const [name, adapter, usedIt] of builtIn) {
    it(`adapter ${name} on the request: one span with status 200, propagated to the server`, async () => {
      const url = server.url('/per-request');
      const response = await axios.get(url, { adapter });
      assert.ok(usedIt(response), `the ${name} adapter sent the request`);
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, status: 200 });
      assertPropagated(span, server.last.headers);
    });

    it(`adapter ${name} given to axios.create(): one span with status 200, propagated to the server`, async () => {
      const url = server.url('/per-instance');
      const response = await axios.create({ adapter }).get(url);
      assert.ok(usedIt(response), `the ${name} adapter sent the request`);
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, status: 200 });
      assertPropagated(span, server.last.headers);
    });
  }

  describe('the fetch adapter', () => {
    it('with captureAll, captures the request headers, the request body and the raw response body', async () => {
      resetInstrumentation({ captureAll: true });
      const url = server.url('/fetch-capture');
      const response = await axios.post(url, { a: 1 }, { adapter: 'fetch', headers: { 'x-probe': 'fetch' } });
      assert.ok(response.request instanceof Request);
      const span = onlySpan();
      assertClientSpan(span, { method: 'POST', url, status: 200 });
      assertPropagated(span, server.last.headers);
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], '{"a":1}');
      // The echo is compact JSON, so re-serialising the parsed data gives the raw text.
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], JSON.stringify(response.data));
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-probe')], ['fetch']);
    });

    it('an HTTP error status gives an ERROR span with the status code as error.type', async () => {
      const url = server.url('/status/503');
      const error = await rejectionOf(() => axios.get(url, { adapter: 'fetch' }));
      assert.strictEqual((error as { response?: { status?: number } }).response?.status, 503);
      assertClientSpan(onlySpan(), { method: 'GET', url, status: 503, errorType: '503' });
    });
  });

  for (const adapter of ['fetch', 'http'] as const) {
    it(`a refused connection with the ${adapter} adapter rejects with the same code as without the instrumentation, recorded as error.type`, async () => {
      const url = `http://127.0.0.1:${await closedPort()}/refused`;
      const call = () => axios.get(url, { adapter });

      instrumentation.disable();
      const untraced = (await rejectionOf(call)) as { code?: string };
      assert.strictEqual(finishedSpans().length, 0);
      assert.ok(untraced.code, 'axios gives the failure a code');

      instrumentation.enable();
      const traced = (await rejectionOf(call)) as { code?: string };
      assert.strictEqual(traced.code, untraced.code);
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, errorType: untraced.code });
      assert.strictEqual(span.events.filter((event) => event.name === 'exception').length, 1);
    });
  }

  describe('a custom adapter function', () => {
    const cannedUrl = 'http://canned.invalid/resource?id=7';

    /** An adapter that answers without a network, remembering the traceparent it was given. */
    function cannedAdapter() {
      const seen: { traceparent?: string; response?: AxiosResponse } = {};
      const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
        seen.traceparent = config.headers.get('traceparent') as string | undefined;
        seen.response = {
          data: { canned: true },
          status: 201,
          statusText: 'Created',
          headers: { 'x-canned': 'yes' },
          config,
          request: { madeBy: 'canned adapter' },
        };
        return seen.response;
      };
      return { adapter, seen };
    }

    const placements: Array<[string, (adapter: AxiosAdapter) => Promise<AxiosResponse>]> = [
      ['on the request', (adapter) => axios.get(cannedUrl, { adapter })],
      ['given to axios.create()', (adapter) => axios.create({ adapter }).get(cannedUrl)],
    ];

    for (const [where, call] of placements) {
      it(`${where}: the application gets its response unchanged, one span with its status, and the adapter sees the traceparent`, async () => {
        const { adapter, seen } = cannedAdapter();
        const response = await call(adapter);

        assert.strictEqual(response, seen.response, 'the very response object the adapter returned');
        assert.deepStrictEqual(response.data, { canned: true });
        assert.strictEqual(response.status, 201);
        assert.strictEqual(response.statusText, 'Created');
        assert.strictEqual(response.headers['x-canned'], 'yes');
        assert.deepStrictEqual(response.request, { madeBy: 'canned adapter' });

        const span = onlySpan();
        assertClientSpan(span, { method: 'GET', url: cannedUrl, status: 201 });
        assert.strictEqual(seen.traceparent, traceparentOf(span));
      });
    }

    it('that throws synchronously: the application gets the same error, and one ERROR span records it', async () => {
      const thrown = Object.assign(new Error('the adapter broke'), { code: 'E_ADAPTER_BROKE' });
      const adapter: AxiosAdapter = () => {
        throw thrown;
      };
      const error = await rejectionOf(() => axios.get(cannedUrl, { adapter }));

      assert.strictEqual(error, thrown);
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url: cannedUrl, errorType: 'E_ADAPTER_BROKE' });
      assert.strictEqual(span.status.code, SpanStatusCode.ERROR);
      assert.strictEqual(span.status.message, 'the adapter broke');
      const exceptions = span.events.filter((event) => event.name === 'exception');
      assert.strictEqual(exceptions.length, 1);
      assert.strictEqual(exceptions[0].attributes?.[ATTR_EXCEPTION_MESSAGE], 'the adapter broke');
    });

    it("that throws synchronously without a code: error.type is the error's name", async () => {
      class AdapterFault extends Error {
        override name = 'AdapterFault';
      }
      const thrown = new AdapterFault('no code');
      const adapter: AxiosAdapter = () => {
        throw thrown;
      };
      const error = await rejectionOf(() => axios.get(cannedUrl, { adapter }));
      assert.strictEqual(error, thrown);
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_ERROR_TYPE], 'AdapterFault');
      assert.strictEqual(span.status.code, SpanStatusCode.ERROR);
    });
  });
});
