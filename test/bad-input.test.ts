/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { isDeepStrictEqual } from 'util';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';

import {
  ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_REQUEST_BODY_SIZE,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
} from '../lib/semconv';
import { assertClientSpan, onlySpan } from './support/assertions';
import { assertNoOpenSpan, Outcome, outcomeSummary, runBothWays } from './support/outcomes';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

const MAX_BODY_LENGTH = 1000;

interface Echo {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
}

/** What the application saw, in a form that does not depend on tracing (the echoed traceparent is left out). */
function echoSummary(outcome: Outcome): Record<string, unknown> {
  if (outcome.error) return outcomeSummary(outcome);
  const { status, data } = outcome.response as AxiosResponse<Echo | undefined>;
  if (data && typeof data === 'object' && data.headers) {
    const { traceparent: _traceparent, ...headers } = data.headers;
    return { status, data: { ...data, headers } };
  }
  return { status, data };
}

describe('bad input: the application gets what it gets untraced, and every span ends', () => {
  const server = useTestServer();
  beforeEach(() => resetInstrumentation({ captureAll: true, maxBodyLength: MAX_BODY_LENGTH }));

  /** Runs the call traced, then untraced (see runBothWays); returns the traced outcome and its one span. */
  async function runBothWaysOneSpan(call: () => Promise<unknown>): Promise<{ outcome: Record<string, unknown>; span: ReadableSpan }> {
    const { outcome } = await runBothWays(call, echoSummary);
    return { outcome: echoSummary(outcome), span: onlySpan() };
  }

  describe('methods', () => {
    for (const method of ['post', 'patch', 'delete', 'options']) {
      it(`lower-case '${method}' is sent and recorded as ${method.toUpperCase()}`, async () => {
        const url = server.url('/method');
        const { outcome, span } = await runBothWaysOneSpan(() => axios.request({ url, method, data: 'x' }));
        assert.strictEqual((outcome.data as Echo).method, method.toUpperCase());
        assertClientSpan(span, { method: method.toUpperCase(), url, status: 200 });
      });
    }

    for (const method of ['purge', 'PROPFIND', 'm-search']) {
      it(`unknown '${method}' is sent upper-cased and recorded as _OTHER with the original`, async () => {
        const url = server.url('/method');
        const { outcome, span } = await runBothWaysOneSpan(() => axios.request({ url, method }));
        assert.strictEqual((outcome.data as Echo).method, method.toUpperCase());
        assertClientSpan(span, { method: '_OTHER', url, status: 200 });
        assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL], method.toUpperCase());
      });
    }

    it('a method that is not a valid HTTP token fails the same way, with an ERROR span', async () => {
      const url = server.url('/method');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.request({ url, method: 'bad method' }));
      assert.strictEqual(outcome.failed, true);
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_METHOD], '_OTHER');
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL], 'BAD METHOD');
      assertClientSpan(span, { method: '_OTHER', url, errorType: String(outcome.code) });
    });
  });

  it('header values that are arrays, numbers, undefined and null: sent alike, captured as sent', async () => {
    const url = server.url('/headers');
    const { outcome, span } = await runBothWaysOneSpan(() =>
      axios.get(url, {
        headers: {
          'X-Array': ['one', 'two'],
          'X-Number': 42,
          'X-Undefined': undefined,
          'X-Null': null,
        } as unknown as Record<string, string>,
      })
    );
    const received = (outcome.data as Echo).headers;
    assert.strictEqual(received['x-array'], 'one, two');
    assert.strictEqual(received['x-number'], '42');
    assertClientSpan(span, { method: 'GET', url, status: 200 });
    assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-array')], ['one', 'two']);
    assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-number')], ['42']);
    for (const name of ['x-undefined', 'x-null']) {
      const attribute = span.attributes[ATTR_HTTP_REQUEST_HEADER(name)];
      if (received[name] === undefined) assert.strictEqual(attribute, undefined, `${name} was not sent`);
      else assert.deepStrictEqual(attribute, [received[name]], `${name} as sent`);
    }
  });

  describe('data', () => {
    it('a circular plain object: the same error from axios, one ERROR span', async () => {
      const { outcome, span } = await runBothWaysOneSpan(() => {
        const data: Record<string, unknown> = {};
        data.self = data;
        return axios.request({ method: 'post', url: server.url('/circular'), data });
      });
      assert.strictEqual(outcome.failed, true);
      assertClientSpan(span, { method: 'POST', errorType: String(outcome.name) });
    });

    it('a circular class instance: the same TypeError, one ERROR span', async () => {
      class Node {
        next: Node = this;
      }
      const url = server.url('/circular');
      const { outcome, span } = await runBothWaysOneSpan(() => axios.request({ method: 'post', url, data: new Node() }));
      assert.strictEqual(outcome.name, 'TypeError');
      assertClientSpan(span, { method: 'POST', url, errorType: 'TypeError' });
    });

    it('a 5 MB string is sent whole; the recorded content is cut to maxBodyLength', async () => {
      const url = server.url('/huge');
      const huge = 'é'.repeat(5 * 1024 * 1024 / 2);
      const { outcome, span } = await runBothWaysOneSpan(() =>
        axios.post(url, huge, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
      );
      assert.strictEqual((outcome.data as Echo).body, huge, 'the server got all of it');
      assertClientSpan(span, { method: 'POST', url, status: 200 });
      const content = span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT] as string;
      assert.strictEqual(content, huge.slice(0, MAX_BODY_LENGTH));
      assert.strictEqual(span.attributes[ATTR_AXIOS_REQUEST_BODY_TRUNCATED], true);
      assert.ok((span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT] as string).length <= MAX_BODY_LENGTH);
      assert.strictEqual(span.attributes[ATTR_AXIOS_RESPONSE_BODY_TRUNCATED], true);
    });

    it('a Buffer of bytes that are not UTF-8, sent as text: the bytes arrive unchanged, the content is recorded as a string', async () => {
      const url = server.url('/bytes');
      const bytes = Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0x28, 0x80]);
      const { span } = await runBothWaysOneSpan(() =>
        axios.post(url, bytes, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
      );
      assert.deepStrictEqual(server.last.body, bytes);
      assert.deepStrictEqual(server.received[server.received.length - 2].body, bytes);
      assertClientSpan(span, { method: 'POST', url, status: 200 });
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], bytes.toString('utf8'));
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_SIZE], bytes.length);
    });
  });

  describe('URLs', () => {
    it("an invalid URL ('http://exa mple.com:99999') fails the same way; the span has no url.full", async () => {
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get('http://exa mple.com:99999'));
      assert.strictEqual(outcome.failed, true);
      assertClientSpan(span, { method: 'GET', errorType: String(outcome.code) });
      assert.strictEqual(span.attributes[ATTR_URL_FULL], undefined);
    });

    it('an empty string URL fails the same way; the span has no url.full', async () => {
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(''));
      assert.strictEqual(outcome.failed, true);
      assertClientSpan(span, { method: 'GET', errorType: String(outcome.code) });
      assert.strictEqual(span.attributes[ATTR_URL_FULL], undefined);
    });

    it('params with nested objects and Dates are serialised as untraced; url.full is the URL requested', async () => {
      const params = { filter: { kind: 'book', price: { max: 10 } }, since: new Date(Date.UTC(2024, 0, 2)), tags: ['a', 'b'] };
      const { outcome, span } = await runBothWaysOneSpan(() => axios.get(server.url('/search'), { params }));
      const path = (outcome.data as Echo).path;
      assert.match(path, /since=2024-01-02T00:00:00.000Z/);
      assert.match(path, /filter%5Bprice%5D%5Bmax%5D=10|filter\[price\]\[max\]=10/);
      assertClientSpan(span, { method: 'GET', url: server.url(path), status: 200 });
    });
  });

  describe('a config object reused for two calls', () => {
    type Call = (config: AxiosRequestConfig) => Promise<unknown>;
    const makeConfig = (): AxiosRequestConfig => ({
      url: server.url('/reused'),
      method: 'post',
      params: { page: 1, filter: { kind: 'x' } },
      headers: { 'X-Reused': 'yes', Accept: ['application/json'] },
      data: { nested: { list: [1, 2] } },
      timeout: 5000,
    });

    /** Two calls with one config; returns the config as it was before and after. */
    async function twoCalls(call: Call): Promise<{ before: AxiosRequestConfig; after: AxiosRequestConfig }> {
      const config = makeConfig();
      const before = structuredClone(config);
      await call(config);
      await call(config);
      return { before, after: structuredClone(config) };
    }

    const forms: Array<[string, Call]> = [
      ['axios(config)', (config) => axios(config)],
      ['axios.request(config)', (config) => axios.request(config)],
      // Untraced, axios writes this url into config.url; traced, the config is left alone.
      ['axios(url, config)', (config) => axios(server.url('/reused-by-url'), config)],
      ['axios.post(url, data, config)', (config) => axios.post(String(config.url), config.data, config)],
      ['instance(config)', (config) => axios.create({ headers: { 'X-Instance': '1' } })(config)],
    ];

    for (const [form, call] of forms) {
      it(`${form}: is not mutated by the instrumentation, and each call gets its own span and traceparent`, async () => {
        const traced = await twoCalls(call);
        const spans = finishedSpans();
        assert.strictEqual(spans.length, 2);
        const sent = server.received.slice(-2).map((request) => request.headers.traceparent);
        assert.notStrictEqual(sent[0], sent[1], 'a fresh traceparent for each call');
        spans.forEach((span, index) => {
          const { traceId, spanId } = span.spanContext();
          assert.strictEqual(sent[index], `00-${traceId}-${spanId}-01`);
        });
        assertNoOpenSpan();

        instrumentation.disable();
        let untraced: { after: AxiosRequestConfig };
        try {
          untraced = await twoCalls(call);
        } finally {
          instrumentation.enable();
        }
        // Whatever changed under tracing also changes untraced, in the same way (axios' own doing).
        for (const key of new Set([...Object.keys(traced.before), ...Object.keys(traced.after)])) {
          const name = key as keyof AxiosRequestConfig;
          const unchanged = isDeepStrictEqual(traced.after[name], traced.before[name]);
          const sameAsUntraced = isDeepStrictEqual(traced.after[name], untraced.after[name]);
          assert.ok(unchanged || sameAsUntraced, `config.${key} was changed by the instrumentation`);
        }
      });
    }
  });
});

