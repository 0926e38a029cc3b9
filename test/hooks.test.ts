/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { diag, DiagLogLevel, Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import type { IncomingHttpHeaders } from 'http';
import type { AxiosError, AxiosRequestConfig, AxiosResponse, RawAxiosHeaders } from 'axios';

import type {
  AxiosInstrumentationConfig,
  AxiosRequestHook,
  AxiosRequestHookInfo,
  AxiosResponseHook,
  AxiosResponseHookInfo,
  AxiosUrlFilter,
} from '../lib';
import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { CollectingLogger } from './support/diag';
import { closedPort } from './support/server';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

// ------------------------------------------------ the seed's examples, in TypeScript

/** "Capture only request headers": a request hook writes every header that will be sent. */
const captureRequestHeaders: AxiosRequestHook = (span, { config }) => {
  const headers = config.headers.toJSON() as Record<string, string | string[]>;
  span.setAttributes(
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [ATTR_HTTP_REQUEST_HEADER(name.toLowerCase()), ([] as string[]).concat(value)])
    )
  );
};

/** "Capture only response headers": a response hook writes the headers of the response, when there is one. */
const captureResponseHeaders: AxiosResponseHook = (span, { response }) => {
  if (!response) return;
  const headers = response.headers as Record<string, string | string[] | undefined>;
  span.setAttributes(
    Object.fromEntries(
      Object.entries(headers)
        .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
        .map(([name, value]) => [ATTR_HTTP_RESPONSE_HEADER(name.toLowerCase()), ([] as string[]).concat(value)])
    )
  );
};

/** "Hiding sensitive URL parameters": the values of these query keys become `*****`. */
const maskUrl: AxiosUrlFilter = (url) => {
  const sensitiveKeys = new Set(['username', 'password', 'token', 'api_key', 'api_secret', 'apikey']);
  const masked = [...url.searchParams].map(([key, value]): [string, string] => [key, sensitiveKeys.has(key) ? '*****' : value]);
  url.search = new URLSearchParams(masked).toString();
  return url.toString();
};

// ------------------------------------------------------------------- helpers

function attributeKeys(span: ReadableSpan, prefix: string): string[] {
  return Object.keys(span.attributes).filter((key) => key.startsWith(prefix));
}

/** Collects what the instrumentation reports through the OpenTelemetry diag channel. */
/** Lets already-settled promise handlers (such as the one watching a hook's promise) run. */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('hooks and URL filtering', () => {
  const server = useTestServer();
  beforeEach(() => resetInstrumentation());

  describe('requestHook', () => {
    it('receives the final config (method, URL parts, headers as sent, serialised data) and url equal to url.full', async () => {
      let seen: { info: AxiosRequestHookInfo; headers: RawAxiosHeaders; data: unknown } | undefined;
      resetInstrumentation({
        requestHook: (_span, info) => {
          // The transport changes config.headers afterwards; keep them as they were here.
          seen = { info, headers: info.config.headers.toJSON(), data: info.config.data };
        },
      });
      const instance = axios.create({ baseURL: server.url('/api') });
      instance.interceptors.request.use((config) => {
        config.headers.set('X-From-Interceptor', 'yes');
        return config;
      });
      await instance.post('/items', { a: 1 }, { params: { q: 'books', page: 2 } });

      const span = onlySpan();
      const expectedUrl = server.url('/api/items?q=books&page=2');
      assertClientSpan(span, { method: 'POST', url: expectedUrl, status: 200 });
      assert.ok(seen, 'the hook ran');
      const { info, headers, data } = seen;
      assert.strictEqual(info.url, span.attributes[ATTR_URL_FULL]);
      assert.strictEqual(info.config.method, 'post');
      assert.strictEqual(info.config.baseURL, server.url('/api'));
      assert.strictEqual(info.config.url, '/items');
      assert.deepStrictEqual(info.config.params, { q: 'books', page: 2 });
      assert.strictEqual(instance.getUri(info.config), expectedUrl);
      assert.strictEqual(data, '{"a":1}', 'the serialised body');
      assert.strictEqual(headers['X-From-Interceptor'], 'yes');
      assert.match(String(headers['Content-Type']), /^application\/json/);
      assertPropagated(span, { traceparent: String(headers.traceparent) });
      // Every header the hook saw arrived at the server with that value.
      const received = server.last.headers;
      for (const [name, value] of Object.entries(headers)) {
        assert.strictEqual(received[name.toLowerCase()], String(value), `header ${name}`);
      }
    });

    it('the seed example "capture only request headers" records the request headers, and no response headers', async () => {
      resetInstrumentation({ requestHook: captureRequestHeaders });
      await axios.get(server.url('/headers'), { headers: { 'X-Custom': 'custom value' } });
      const span = onlySpan();
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-custom')], ['custom value']);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('accept')], ['application/json, text/plain, */*']);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('traceparent')], [server.last.headers.traceparent]);
      assert.deepStrictEqual(attributeKeys(span, 'http.response.header.'), []);
    });
  });

  describe('responseHook', () => {
    let calls: Array<{ info: AxiosResponseHookInfo; rawData: unknown }>;
    function recordResponses(extra: AxiosInstrumentationConfig = {}): void {
      calls = [];
      resetInstrumentation({
        ...extra,
        // transformResponse replaces response.data afterwards; keep it as it was here.
        responseHook: (_span, info) => calls.push({ info, rawData: info.response?.data }),
      });
    }

    function onlyCall(): AxiosResponseHookInfo {
      assert.strictEqual(calls.length, 1, 'the hook ran once');
      return calls[0].info;
    }

    it('gets {config, response} on success, with the raw body before transformResponse', async () => {
      recordResponses();
      const response = await axios.get(server.url('/raw'));
      const info = onlyCall();
      assert.strictEqual(info.error, undefined);
      assert.strictEqual(info.response, response);
      assert.strictEqual(typeof calls[0].rawData, 'string', 'the raw JSON text');
      assert.deepStrictEqual(JSON.parse(calls[0].rawData as string), response.data);
      assert.strictEqual(info.config?.url, server.url('/raw'));
    });

    it('gets {error, response} on a 404', async () => {
      recordResponses();
      const error = await axios.get(server.url('/status/404')).then(
        () => assert.fail('a 404 rejects'),
        (reason: AxiosError) => reason
      );
      const info = onlyCall();
      assert.strictEqual(info.error, error);
      assert.strictEqual(info.response, error.response);
      assert.strictEqual(info.response?.status, 404);
    });

    it('gets {error} and no response when the connection is refused', async () => {
      recordResponses();
      const url = `http://127.0.0.1:${await closedPort()}/`;
      const error = await axios.get(url).then(
        () => assert.fail('refused'),
        (reason: AxiosError) => reason
      );
      const info = onlyCall();
      assert.strictEqual(info.error, error);
      assert.strictEqual(error.code, 'ECONNREFUSED');
      assert.strictEqual(info.response, undefined);
    });

    it('gets {error} and no config when a request interceptor fails', async () => {
      recordResponses();
      const thrown = new Error('interceptor failed');
      const instance = axios.create();
      instance.interceptors.request.use(() => {
        throw thrown;
      });
      await assert.rejects(instance.get(server.url('/never')), (error) => error === thrown);
      const info = onlyCall();
      assert.strictEqual(info.error, thrown);
      assert.strictEqual(info.response, undefined);
      assert.strictEqual(info.config, undefined);
    });

    it('the seed example "capture only response headers" records the response headers, and no request headers', async () => {
      resetInstrumentation({ responseHook: captureResponseHeaders });
      const response = await axios.get(server.url('/headers'));
      const span = onlySpan();
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_RESPONSE_HEADER('content-type')], [response.headers['content-type']]);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_RESPONSE_HEADER('content-length')], [
        String(response.headers['content-length']),
      ]);
      assert.deepStrictEqual(attributeKeys(span, 'http.request.header.'), []);
    });

    it('the seed example "capture only response headers" records nothing when there is no response', async () => {
      resetInstrumentation({ responseHook: captureResponseHeaders });
      await assert.rejects(axios.get(`http://127.0.0.1:${await closedPort()}/`));
      assert.deepStrictEqual(attributeKeys(onlySpan(), 'http.response.header.'), []);
    });
  });

  it('attributes set by the application in both hooks appear on the span', async () => {
    resetInstrumentation({
      requestHook: (span: Span) => span.setAttribute('app.request.tag', 'before'),
      responseHook: (span, { response }) => span.setAttribute('app.response.size', String(response?.data).length),
    });
    await axios.get(server.url('/tagged'));
    const span = onlySpan();
    assert.strictEqual(span.attributes['app.request.tag'], 'before');
    assert.strictEqual(typeof span.attributes['app.response.size'], 'number');
    assert.ok((span.attributes['app.response.size'] as number) > 0);
  });

  describe('a broken hook never changes the request: same result, span ended, a diag error', () => {
    let logger: CollectingLogger;
    beforeEach(() => {
      logger = new CollectingLogger();
      diag.setLogger(logger, DiagLogLevel.ALL);
    });
    afterEach(() => diag.disable());

    /**
     * The call's result with this config, and untraced; asserts they match.
     * Returns the one span and the headers the server received from the traced call.
     */
    async function assertUnchanged(
      config: AxiosInstrumentationConfig,
      path = '/hooked'
    ): Promise<{ span: ReadableSpan; sent: IncomingHttpHeaders }> {
      resetInstrumentation(config);
      const url = server.url(path);
      const describeOutcome = (call: Promise<AxiosResponse>) =>
        call.then(
          (response) => ({ status: response.status, path: (response.data as { path: string }).path }),
          (error: AxiosError) => ({ code: error.code, status: error.response?.status, message: error.message })
        );
      const traced = await describeOutcome(axios.get(url));
      const span = onlySpan();
      const sent = server.last.headers;
      instrumentation.disable();
      try {
        const untraced = await describeOutcome(axios.get(url));
        assert.deepStrictEqual(traced, untraced);
      } finally {
        instrumentation.enable();
      }
      assert.strictEqual(finishedSpans().length, 1);
      await settleMicrotasks();
      return { span, sent };
    }

    function assertDiagError(pattern: RegExp): void {
      assert.ok(
        logger.errors.some((message) => pattern.test(message)),
        `a diag error matching ${pattern}; got ${JSON.stringify(logger.errors)}`
      );
    }

    const failing = (): never => {
      throw new Error('hook bug');
    };
    const rejecting = (): Promise<never> => Promise.reject(new Error('async hook bug'));

    it('a requestHook that throws', async () => {
      const { span } = await assertUnchanged({ requestHook: failing });
      assertClientSpan(span, { method: 'GET', url: server.url('/hooked'), status: 200 });
      assertDiagError(/requestHook.*hook bug/);
    });

    it('a requestHook that returns a rejected promise', async () => {
      const { span } = await assertUnchanged({ requestHook: rejecting as unknown as AxiosRequestHook });
      assertClientSpan(span, { method: 'GET', url: server.url('/hooked'), status: 200 });
      assertDiagError(/requestHook.*async hook bug/);
    });

    it('a responseHook that throws', async () => {
      const { span } = await assertUnchanged({ responseHook: failing });
      assertClientSpan(span, { method: 'GET', url: server.url('/hooked'), status: 200 });
      assertDiagError(/responseHook.*hook bug/);
    });

    it('a responseHook that throws on a 404', async () => {
      const { span } = await assertUnchanged({ responseHook: failing }, '/status/404');
      assertClientSpan(span, { method: 'GET', url: server.url('/status/404'), status: 404, errorType: '404' });
      assertDiagError(/responseHook.*hook bug/);
    });

    it('a responseHook that returns a rejected promise', async () => {
      const { span } = await assertUnchanged({ responseHook: rejecting as unknown as AxiosResponseHook });
      assertClientSpan(span, { method: 'GET', url: server.url('/hooked'), status: 200 });
      assertDiagError(/responseHook.*async hook bug/);
    });

    it('a urlFilter that throws: url.full is the redacted URL', async () => {
      const { span } = await assertUnchanged({ urlFilter: failing }, '/hooked?sig=secret');
      assertClientSpan(span, { method: 'GET', url: server.url('/hooked?sig=REDACTED'), status: 200 });
      assertDiagError(/urlFilter.*hook bug/);
    });

    for (const [label, value] of [
      ['undefined', undefined],
      ['a number', 42],
      ['a URL object', new URL('http://elsewhere.test/')],
    ] as const) {
      it(`a urlFilter that returns ${label}: url.full is the redacted URL, and a diag error says so`, async () => {
        const { span } = await assertUnchanged({ urlFilter: () => value as unknown as string }, '/hooked?sig=secret');
        assertClientSpan(span, { method: 'GET', url: server.url('/hooked?sig=REDACTED'), status: 200 });
        assertDiagError(/urlFilter/);
      });
    }

    it('an ignoreRequestHook that throws: the request is traced', async () => {
      const { span, sent } = await assertUnchanged({ ignoreRequestHook: failing });
      assertClientSpan(span, { method: 'GET', url: server.url('/hooked'), status: 200 });
      assertPropagated(span, sent);
      assertDiagError(/ignoreRequestHook.*hook bug/);
    });
  });

  describe('urlFilter', () => {
    it('the seed masking example gives the exact expected url.full', async () => {
      resetInstrumentation({ urlFilter: maskUrl });
      const params = {
        q: 'books',
        username: 'alice',
        password: 'hunter2',
        token: 't0k3n',
        api_key: 'k-1',
        api_secret: 's-2',
        apikey: 'k-3',
        page: 2,
      };
      await axios.get(server.url('/search'), { params });
      const expected = server.url(
        '/search?q=books&username=*****&password=*****&token=*****&api_key=*****&api_secret=*****&apikey=*****&page=2'
      );
      assert.strictEqual(onlySpan().attributes[ATTR_URL_FULL], expected);
      assert.strictEqual(
        server.last.path,
        '/search?q=books&username=alice&password=hunter2&token=t0k3n&api_key=k-1&api_secret=s-2&apikey=k-3&page=2',
        'the request itself is untouched'
      );
    });

    it('receives the URL after the default redaction (userinfo and sig already REDACTED)', async () => {
      const received: string[] = [];
      resetInstrumentation({
        urlFilter: (url) => {
          received.push(url.href);
          return `${url.href}#filtered`;
        },
      });
      await axios.get(`http://user:pass@127.0.0.1:${server.port}/signed?sig=abc&x=1`);
      const redacted = `http://REDACTED:REDACTED@127.0.0.1:${server.port}/signed?sig=REDACTED&x=1`;
      assert.deepStrictEqual(received, [redacted]);
      assert.strictEqual(onlySpan().attributes[ATTR_URL_FULL], `${redacted}#filtered`);
      assert.strictEqual(server.last.headers.authorization, `Basic ${Buffer.from('user:pass').toString('base64')}`);
    });

    it('redactedQueryParams: [] turns query redaction off', async () => {
      resetInstrumentation({ redactedQueryParams: [] });
      const url = server.url('/signed?sig=abc&X-Amz-Signature=def');
      await axios.get(url);
      assertClientSpan(onlySpan(), { method: 'GET', url, status: 200 });
    });
  });

  describe('ignoreRequestHook', () => {
    let seen: AxiosRequestConfig[];
    beforeEach(() => {
      seen = [];
      resetInstrumentation({
        ignoreRequestHook: (config) => {
          seen.push(config);
          return true;
        },
      });
    });

    function assertUntraced(): void {
      assert.deepStrictEqual(finishedSpans(), []);
      assert.strictEqual(server.last.headers.traceparent, undefined, 'no traceparent reached the server');
    }

    it('returning true makes no span and sends no traceparent; it gets the config object as passed', async () => {
      const config: AxiosRequestConfig = { url: server.url('/ignored'), headers: { 'X-Mine': '1' } };
      const copy = structuredClone(config);
      await axios(config);
      assertUntraced();
      assert.strictEqual(seen.length, 1);
      assert.strictEqual(seen[0], config);
      assert.deepStrictEqual(seen[0], copy);
    });

    it('for the axios(url) form it gets a config holding that url', async () => {
      const url = server.url('/ignored-url');
      await axios(url);
      assertUntraced();
      assert.deepStrictEqual(seen, [{ url }]);
    });

    it('for the axios(url, config) form it gets the config with that url', async () => {
      const url = server.url('/ignored-url-config');
      await axios(url, { method: 'put', data: 'x' });
      assertUntraced();
      assert.deepStrictEqual(seen, [{ url, method: 'put', data: 'x' }]);
    });

    it('a request it returns false for is traced', async () => {
      resetInstrumentation({ ignoreRequestHook: (config) => !String(config.url).endsWith('/kept') });
      await axios.get(server.url('/kept'));
      assertPropagated(onlySpan(), server.last.headers);
    });
  });
});
