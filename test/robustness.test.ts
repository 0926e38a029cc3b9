/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { diag, DiagLogLevel, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_URL_FULL,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { AxiosAdapter, AxiosError, InternalAxiosRequestConfig } from 'axios';

import { assertClientSpan, assertPropagated, onlySpan, rejectionOf } from './support/assertions';
import { closedPort, TestServer } from './support/server';
import { useInstrumentation, useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

/** Collects diag errors for the duration of one test. */
function captureDiagErrors(): { messages: string[]; stop: () => void } {
  const messages: string[] = [];
  // A component logger passes its namespace first; keep every argument.
  const record = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  diag.setLogger({ error: record, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ALL);
  return { messages, stop: () => diag.disable() };
}

function exceptionMessages(span: ReadableSpan): unknown[] {
  return span.events.filter((event) => event.name === 'exception').map((event) => event.attributes?.[ATTR_EXCEPTION_MESSAGE]);
}

describe('robustness: retries, odd hook results and odd adapters never double a span or leave one open', () => {
  const server = useTestServer();
  useInstrumentation();

  describe('retrying with the config axios handed back', () => {
    it('a retry with error.config (axios-retry, a token refresh) is one more span, not two, and propagates its own context', async () => {
      const error = (await rejectionOf(() => axios.get(server.url('/status/503')))) as AxiosError;
      await rejectionOf(() => axios(error.config as InternalAxiosRequestConfig));
      const spans = finishedSpans();
      assert.strictEqual(spans.length, 2, `one span per exchange, got ${spans.length}`);
      assert.notStrictEqual(spans[0].spanContext().spanId, spans[1].spanContext().spanId);
      assertPropagated(spans[1], server.last.headers);
      for (const span of spans) assertClientSpan(span, { method: 'GET', url: server.url('/status/503'), status: 503, errorType: '503' });
    });

    it('a request repeated with response.config keeps the adapter it chose (fetch), traced once', async () => {
      const first = await axios.get(server.url('/first'), { adapter: 'fetch' });
      resetInstrumentation();
      const again = await axios(first.config);
      assert.ok(again.request instanceof Request, 'the fetch adapter sent the repeat');
      assertPropagated(onlySpan(), server.last.headers);
    });
  });

  describe('user code that misbehaves in ways a try/catch around the call does not see', () => {
    it('a requestHook returning a thenable whose then() throws: the request is unchanged and the span ends', async () => {
      const errors = captureDiagErrors();
      try {
        resetInstrumentation({ requestHook: () => ({ then: () => { throw new Error('then broke'); } }) as unknown as void });
        const response = await axios.get(server.url('/thenable'));
        assert.strictEqual(response.status, 200);
        assertClientSpan(onlySpan(), { method: 'GET', url: server.url('/thenable'), status: 200 });
        assert.ok(errors.messages.some((message) => /requestHook/.test(message)), errors.messages.join('; '));
      } finally {
        errors.stop();
      }
    });

    it('a responseHook returning such a thenable: the application still gets its response', async () => {
      const errors = captureDiagErrors();
      try {
        resetInstrumentation({ responseHook: () => ({ then: () => { throw new Error('then broke'); } }) as unknown as void });
        const response = await axios.get(server.url('/thenable'));
        assert.strictEqual(response.status, 200);
        assertClientSpan(onlySpan(), { method: 'GET', url: server.url('/thenable'), status: 200 });
      } finally {
        errors.stop();
      }
    });

    it('a request interceptor that rejects with a value String() cannot convert: same rejection, one ended span', async () => {
      const odd = Object.create(null) as object;
      const instance = axios.create();
      instance.interceptors.request.use(() => Promise.reject(odd));
      assert.strictEqual(await rejectionOf(() => instance.get(server.url('/never'))), odd);
      const span = onlySpan();
      assert.ok(span.ended);
      assert.strictEqual(span.status.code, SpanStatusCode.ERROR);
    });

    it('a custom adapter that returns no promise: the application sees axios own error, and the span ends', async () => {
      const notAPromise = (() => ({ status: 200 })) as unknown as AxiosAdapter;
      const traced = await rejectionOf(() => axios.get(server.url('/x'), { adapter: notAPromise }));
      assert.ok(onlySpan().ended);
      instrumentation.disable();
      const untraced = await rejectionOf(() => axios.get(server.url('/x'), { adapter: notAPromise }));
      assert.strictEqual((traced as Error).constructor, (untraced as Error).constructor);
      assert.strictEqual((traced as Error).message, (untraced as Error).message);
    });
  });

  describe('secrets in places other than the URL and the credential headers', () => {
    it('url.full drops the fragment, which is never sent and may hold a token', async () => {
      await axios.get(server.url('/callback#access_token=s3cr3t'));
      assert.strictEqual(onlySpan().attributes[ATTR_URL_FULL], server.url('/callback'));
    });

    it('a captured Location header gets the same redaction as url.full, absolute or relative', async () => {
      resetInstrumentation({ captureHeaders: true });
      const redirecting = await TestServer.start((req, res) => {
        res.statusCode = 302;
        res.setHeader('location', req.url === '/absolute' ? 'http://u:p@127.0.0.1/next?sig=abc&x=1' : '/next?X-Amz-Signature=abc#t=1');
        res.setHeader('content-location', '/here?Signature=abc');
        res.end();
      });
      try {
        await axios.get(redirecting.url('/absolute'), { maxRedirects: 0, validateStatus: () => true });
        await axios.get(redirecting.url('/relative'), { maxRedirects: 0, validateStatus: () => true });
      } finally {
        await redirecting.close();
      }
      const [absolute, relative] = finishedSpans();
      assert.deepStrictEqual(absolute.attributes[ATTR_HTTP_RESPONSE_HEADER('location')], [
        'http://REDACTED:REDACTED@127.0.0.1/next?sig=REDACTED&x=1',
      ]);
      assert.deepStrictEqual(relative.attributes[ATTR_HTTP_RESPONSE_HEADER('location')], ['/next?X-Amz-Signature=REDACTED']);
      assert.deepStrictEqual(relative.attributes[ATTR_HTTP_RESPONSE_HEADER('content-location')], ['/here?Signature=REDACTED']);
    });

    it('more credential headers are redacted by default (auth, key, csrf, credential names)', async () => {
      const headers = {
        'X-Auth-Key': 'cf-key',
        'Ocp-Apim-Subscription-Key': 'azure-key',
        'X-CSRF-Token': 'csrf',
        'X-Client-Credential': 'cred',
        Authorization: 'Bearer t0k3n',
        Cookie: 'sid=1',
        'X-Trace-Note': 'visible',
      };
      resetInstrumentation({ captureHeaders: true });
      await axios.get(server.url('/headers'), { headers });
      const span = onlySpan();
      for (const name of ['x-auth-key', 'ocp-apim-subscription-key', 'x-csrf-token', 'x-client-credential', 'authorization', 'cookie']) {
        assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER(name)], ['[REDACTED]'], name);
      }
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-trace-note')], ['visible']);
    });

    it('credentials in an error message are redacted in the exception event and the status message', async () => {
      const instance = axios.create();
      instance.interceptors.request.use(() => {
        throw new Error('cannot reach https://admin:hunter2@internal.example/api');
      });
      await rejectionOf(() => instance.get(server.url('/never')));
      const span = onlySpan();
      assert.deepStrictEqual(exceptionMessages(span), ['cannot reach https://REDACTED:REDACTED@internal.example/api']);
      assert.strictEqual(span.status.message, 'cannot reach https://REDACTED:REDACTED@internal.example/api');
      assert.ok(!JSON.stringify(span.events).includes('hunter2'));
    });
  });

  it('user_agent.original is recorded when no response came (a refused connection)', async () => {
    const port = await closedPort();
    await rejectionOf(() => axios.get(`http://127.0.0.1:${port}/`));
    assert.match(String(onlySpan().attributes[ATTR_USER_AGENT_ORIGINAL]), /^axios\//);
  });
});
