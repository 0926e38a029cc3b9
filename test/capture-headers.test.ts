/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';
import type { AxiosRequestConfig } from 'axios';
import type { IncomingHttpHeaders } from 'http';

import { AxiosInstrumentationConfig, DEFAULT_SENSITIVE_HEADERS, REDACTED_HEADER_VALUE } from '../lib';
import {
  compileHeaderMatcher,
  HeaderCapture,
  forEachHeader,
  readHeader,
  sentHeadersSource,
} from '../lib/headers';
import { compileQueryRedaction } from '../lib/url';
import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { defaultHandler, TestServer } from './support/server';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation, tracer } from './support/telemetry';

const REQUEST_PREFIX = ATTR_HTTP_REQUEST_HEADER('');
const RESPONSE_PREFIX = ATTR_HTTP_RESPONSE_HEADER('');
const REDACTED = [REDACTED_HEADER_VALUE];

/** The captured headers of one direction, keyed by lower-case name. */
function capturedHeaders(span: ReadableSpan, prefix: string): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (key.startsWith(prefix)) headers[key.slice(prefix.length)] = value;
  }
  return headers;
}

function requestHeader(span: ReadableSpan, name: string): unknown {
  return span.attributes[ATTR_HTTP_REQUEST_HEADER(name)];
}

function responseHeader(span: ReadableSpan, name: string): unknown {
  return span.attributes[ATTR_HTTP_RESPONSE_HEADER(name)];
}

/**
 * The captured request headers are the ones the server received, value for
 * value. Node writes `Connection` while it serialises the request, after the
 * last point where the headers of a ClientRequest can be read, so it is the
 * one header the server may see that the span cannot.
 */
function assertCapturedAsReceived(span: ReadableSpan, received: IncomingHttpHeaders): void {
  const captured = capturedHeaders(span, REQUEST_PREFIX);
  const expected: Record<string, string> = {};
  for (const [name, value] of Object.entries(received)) {
    if (name !== 'connection' && value !== undefined) expected[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const joined: Record<string, string> = {};
  for (const [name, values] of Object.entries(captured)) {
    assert.ok(Array.isArray(values), `${name} is captured as an array`);
    assert.ok(
      values.every((value) => typeof value === 'string'),
      `${name} is captured as strings`
    );
    joined[name] = (values as string[]).join(', ');
  }
  assert.deepStrictEqual(joined, expected);
}

/** rawHeaders as a list of [lower-case name, value] lines, without traceparent (only the traced request has it). */
function headerLines(rawHeaders: string[]): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (name !== 'traceparent') lines.push([name, rawHeaders[i + 1]]);
  }
  return lines;
}

describe('captureHeaders: request and response headers as span attributes', () => {
  /** rawHeaders of every request, in order, for the tests that compare lines on the wire. */
  const rawHeaders: string[][] = [];

  const server = useTestServer((req, res, body) => {
    rawHeaders.push(req.rawHeaders);
    if (req.url === '/cookies') {
      res.setHeader('set-cookie', ['session=abc; HttpOnly', 'theme=dark; Path=/']);
      res.setHeader('x-response-number', 7);
      res.setHeader('x-api-key', 'from-the-server');
      res.setHeader('content-type', 'text/plain');
      res.end('ok');
    } else defaultHandler(req, res, body);
  });

  describe('with captureHeaders on and the default sensitive headers', () => {
    beforeEach(() => resetInstrumentation({ captureHeaders: true }));

    it('records every request header the server received, including the user-agent and traceparent added on the way', async () => {
      await axios.post(server.url('/echo'), { a: 1 }, { headers: { 'X-Custom': 'custom value' } });
      const span = onlySpan();
      assertClientSpan(span, { method: 'POST', url: server.url('/echo'), status: 200 });
      assertPropagated(span, server.last.headers);
      assertCapturedAsReceived(span, server.last.headers);
      assert.deepStrictEqual(requestHeader(span, 'x-custom'), ['custom value']);
      assert.deepStrictEqual(requestHeader(span, 'user-agent'), [server.last.headers['user-agent']]);
      assert.match(String(server.last.headers['user-agent']), /^axios\//);
      assert.deepStrictEqual(requestHeader(span, 'traceparent'), [server.last.headers.traceparent]);
      assert.deepStrictEqual(requestHeader(span, 'content-type'), ['application/json']);
    });

    it('writes header names in lower case whatever case the application used', async () => {
      await axios.get(server.url('/case'), { headers: { 'X-MiXeD-CaSe': 'v' } });
      const span = onlySpan();
      assert.deepStrictEqual(requestHeader(span, 'x-mixed-case'), ['v']);
      const names = [...Object.keys(capturedHeaders(span, REQUEST_PREFIX)), ...Object.keys(capturedHeaders(span, RESPONSE_PREFIX))];
      for (const name of names) assert.strictEqual(name, name.toLowerCase());
    });

    it('records the headers that a request interceptor added or replaced', async () => {
      const client = axios.create();
      client.interceptors.request.use((config) => {
        config.headers.set('X-Added-By-Interceptor', 'yes');
        return config;
      });
      client.interceptors.request.use((config) => {
        config.headers = new axios.AxiosHeaders({ ...config.headers.toJSON(), 'X-Replaced-Headers': 'also' });
        return config;
      });
      await client.get(server.url('/intercepted'));
      const span = onlySpan();
      assert.strictEqual(server.last.headers['x-added-by-interceptor'], 'yes');
      assert.deepStrictEqual(requestHeader(span, 'x-added-by-interceptor'), ['yes']);
      assert.deepStrictEqual(requestHeader(span, 'x-replaced-headers'), ['also']);
      assertCapturedAsReceived(span, server.last.headers);
    });

    it('records the response headers, keeping several Set-Cookie values apart', async () => {
      // No redaction at all (names or values), so that the values themselves can be compared.
      resetInstrumentation({ captureHeaders: true, sensitiveHeaders: [], scrubbing: false });
      await axios.get(server.url('/cookies'));
      const span = onlySpan();
      assert.deepStrictEqual(responseHeader(span, 'set-cookie'), ['session=abc; HttpOnly', 'theme=dark; Path=/']);
      assert.deepStrictEqual(responseHeader(span, 'x-response-number'), ['7']);
      assert.deepStrictEqual(responseHeader(span, 'content-type'), ['text/plain']);
      assert.deepStrictEqual(responseHeader(span, 'content-length'), ['2']);
    });

    it('keeps several Set-Cookie values apart with the fetch adapter too', async () => {
      resetInstrumentation({ captureHeaders: true, sensitiveHeaders: [], scrubbing: false });
      await axios.get(server.url('/cookies'), { adapter: 'fetch' });
      const span = onlySpan();
      assert.deepStrictEqual(responseHeader(span, 'set-cookie'), ['session=abc; HttpOnly', 'theme=dark; Path=/']);
      assert.deepStrictEqual(responseHeader(span, 'x-response-number'), ['7']);
    });

    it('with the fetch adapter, records the headers axios handed to fetch, as the server received them', async () => {
      await axios.post(server.url('/fetch'), { a: 1 }, { adapter: 'fetch', headers: { 'X-Custom': 'custom value' } });
      const span = onlySpan();
      const captured = capturedHeaders(span, REQUEST_PREFIX);
      assertPropagated(span, server.last.headers);
      assert.deepStrictEqual(captured['traceparent'], [server.last.headers.traceparent]);
      assert.deepStrictEqual(captured['user-agent'], [server.last.headers['user-agent']]);
      assert.deepStrictEqual(captured['x-custom'], ['custom value']);
      assert.deepStrictEqual(captured['content-type'], ['application/json']);
      // fetch itself adds a few (accept-language, sec-fetch-mode...) that no API exposes; the rest must agree.
      for (const [name, values] of Object.entries(captured)) {
        assert.strictEqual((values as string[]).join(', '), server.last.headers[name], name);
      }
    });

    it('records, on each hop of a redirect, the headers that hop sent and received', async () => {
      // follow-redirects turns a POST answered by 302 into a GET without a body or Content-Type.
      const from = server.received.length;
      await axios.post(server.url('/redirect/1'), { a: 1 });
      const [redirected, landed] = finishedSpans();
      assert.strictEqual(finishedSpans().length, 2, 'a span per hop');
      const [first, second] = server.received.slice(from);
      assert.deepStrictEqual([first.method, second.method], ['POST', 'GET']);
      assertCapturedAsReceived(redirected, first.headers);
      assertCapturedAsReceived(landed, second.headers);
      assert.deepStrictEqual(requestHeader(redirected, 'content-type'), ['application/json']);
      assert.deepStrictEqual(responseHeader(redirected, 'location'), ['/redirect/0']);
      assert.strictEqual(requestHeader(landed, 'content-type'), undefined);
      assert.strictEqual(responseHeader(landed, 'location'), undefined);
      assert.deepStrictEqual(responseHeader(landed, 'content-type'), ['application/json; charset=utf-8']);
    });

    it('records the request headers of a request that got no answer (connection refused)', async () => {
      const closed = await TestServer.start();
      const url = closed.url('/refused');
      await closed.close();
      await assert.rejects(axios.get(url, { headers: { 'X-Custom': 'sent anyway' } }), { code: 'ECONNREFUSED' });
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, errorType: 'ECONNREFUSED' });
      assert.deepStrictEqual(requestHeader(span, 'x-custom'), ['sent anyway']);
      assert.match(String((requestHeader(span, 'traceparent') as string[])[0]), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      assert.match(String(requestHeader(span, 'user-agent')), /^axios\//);
      assert.deepStrictEqual(capturedHeaders(span, RESPONSE_PREFIX), {});
    });

    it('records the headers of an error response (404) in both directions', async () => {
      await assert.rejects(axios.get(server.url('/status/404'), { headers: { 'X-Custom': 'v' } }));
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url: server.url('/status/404'), status: 404, errorType: '404' });
      assert.deepStrictEqual(requestHeader(span, 'x-custom'), ['v']);
      assert.deepStrictEqual(responseHeader(span, 'content-type'), ['application/json']);
    });

    it('writes [REDACTED] for the values of the default sensitive headers, while the server gets the real values', async () => {
      const sensitive: Record<string, string> = {
        Authorization: 'Bearer secret-token',
        'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
        Cookie: 'session=abc',
        'X-API-Key': 'key-1',
        'X-Api_Key': 'key-2',
        ApiKey: 'key-3',
        'X-Auth-Token': 'token-1',
        'X-CSRF-Token': 'token-2',
        'X-Client-Secret': 'secret-1',
        'X-Session-Id': 'session-1',
        'X-Password': 'hunter2',
        'X-Passwd': 'hunter3',
      };
      await axios.get(server.url('/sensitive'), { headers: { ...sensitive, 'X-Request-Id': 'not a secret' } });
      const span = onlySpan();
      for (const [name, value] of Object.entries(sensitive)) {
        assert.deepStrictEqual(requestHeader(span, name.toLowerCase()), REDACTED, name);
        assert.strictEqual(server.last.headers[name.toLowerCase()], value, `${name} reached the server unchanged`);
      }
      assert.deepStrictEqual(requestHeader(span, 'x-request-id'), ['not a secret']);
      assert.deepStrictEqual(requestHeader(span, 'accept'), ['application/json, text/plain, */*']);
      const values = JSON.stringify(span.attributes);
      for (const value of Object.values(sensitive)) assert.ok(!values.includes(value), `${value} is nowhere on the span`);
    });

    it('writes [REDACTED] for sensitive response headers, Set-Cookie included', async () => {
      const response = await axios.get(server.url('/cookies'));
      const span = onlySpan();
      assert.deepStrictEqual(responseHeader(span, 'set-cookie'), REDACTED);
      assert.deepStrictEqual(responseHeader(span, 'x-api-key'), REDACTED);
      assert.deepStrictEqual(response.headers['set-cookie'], ['session=abc; HttpOnly', 'theme=dark; Path=/']);
      assert.strictEqual(response.headers['x-api-key'], 'from-the-server');
    });

    it('sends header values given as arrays, numbers and booleans as axios would uninstrumented, and records them as strings', async () => {
      const headers = {
        'X-Multi': ['a', 'b'],
        'X-Number': 42,
        'X-True': true,
        'X-Undefined': undefined,
        'X-Null': null,
        'X-False': false,
      } as unknown as AxiosRequestConfig['headers'];
      instrumentation.disable();
      await axios.get(server.url('/values'), { headers });
      const untraced = rawHeaders[rawHeaders.length - 1];
      resetInstrumentation({ captureHeaders: true });
      await axios.get(server.url('/values'), { headers });
      const traced = rawHeaders[rawHeaders.length - 1];

      assert.deepStrictEqual(headerLines(traced), headerLines(untraced));
      assert.ok(headerLines(traced).some(([name]) => name === 'x-multi'), 'the array was sent');
      const span = onlySpan();
      assert.deepStrictEqual(requestHeader(span, 'x-multi'), ['a', 'b']);
      assert.deepStrictEqual(requestHeader(span, 'x-number'), ['42']);
      assertCapturedAsReceived(span, server.last.headers);
      for (const name of ['x-undefined', 'x-null', 'x-false']) {
        assert.strictEqual(requestHeader(span, name), undefined, `${name} was not sent, so not recorded`);
        assert.strictEqual(server.last.headers[name], undefined);
      }
    });

    it('does not change the headers the config holds after the request', async () => {
      const config: AxiosRequestConfig = { headers: { 'X-Custom': 'v' } };
      const before = JSON.stringify(config);
      await axios.get(server.url('/untouched'), config);
      assert.strictEqual(JSON.stringify(config), before);
    });
  });

  describe('with custom sensitive headers', () => {
    it('a custom list of strings and regular expressions replaces the default one', async () => {
      resetInstrumentation({ captureHeaders: true, sensitiveHeaders: ['X-Tenant', /^x-internal-/] });
      await axios.get(server.url('/cookies'), {
        headers: {
          Authorization: 'Bearer visible',
          'X-TENANT': 'acme',
          'X-Internal-Route': 'blue',
          'X-Not-Internal': 'shown',
        },
      });
      const span = onlySpan();
      assert.deepStrictEqual(requestHeader(span, 'authorization'), ['Bearer visible']);
      assert.deepStrictEqual(requestHeader(span, 'x-tenant'), REDACTED);
      assert.deepStrictEqual(requestHeader(span, 'x-internal-route'), REDACTED);
      assert.deepStrictEqual(requestHeader(span, 'x-not-internal'), ['shown']);
      // Set-Cookie is no longer hidden whole by its name; scrubbing still hides the session value inside it.
      assert.deepStrictEqual(responseHeader(span, 'set-cookie'), ['session=[REDACTED]; HttpOnly', 'theme=dark; Path=/']);
      assert.deepStrictEqual(responseHeader(span, 'x-api-key'), ['from-the-server']);
    });

    it('DEFAULT_SENSITIVE_HEADERS can be extended rather than replaced', async () => {
      resetInstrumentation({ captureHeaders: true, sensitiveHeaders: [...DEFAULT_SENSITIVE_HEADERS, 'x-tenant'] });
      await axios.get(server.url('/extended'), { headers: { Authorization: 'Bearer hidden', 'X-Tenant': 'acme', 'X-Other': 'o' } });
      const span = onlySpan();
      assert.deepStrictEqual(requestHeader(span, 'authorization'), REDACTED);
      assert.deepStrictEqual(requestHeader(span, 'x-tenant'), REDACTED);
      assert.deepStrictEqual(requestHeader(span, 'x-other'), ['o']);
    });

    it('a global regular expression redacts every matching header, not every other one', async () => {
      resetInstrumentation({ captureHeaders: true, sensitiveHeaders: [/private/g] });
      await axios.get(server.url('/global'), {
        headers: { 'X-Private-A': '1', 'X-Private-B': '2', 'X-Private-C': '3', 'X-Private-D': '4' },
      });
      const span = onlySpan();
      for (const name of ['x-private-a', 'x-private-b', 'x-private-c', 'x-private-d']) {
        assert.deepStrictEqual(requestHeader(span, name), REDACTED, name);
      }
    });

    it('an empty list redacts nothing', async () => {
      resetInstrumentation({ captureHeaders: true, sensitiveHeaders: [] });
      await axios.get(server.url('/none'), { headers: { Authorization: 'Bearer shown' } });
      assert.deepStrictEqual(requestHeader(onlySpan(), 'authorization'), ['Bearer shown']);
    });

    it('DEFAULT_SENSITIVE_HEADERS is frozen, so a mistaken push cannot change every instrumentation', () => {
      assert.ok(Object.isFrozen(DEFAULT_SENSITIVE_HEADERS));
      assert.throws(() => (DEFAULT_SENSITIVE_HEADERS as Array<string | RegExp>).push('x'));
    });
  });

  describe('without captureHeaders', () => {
    const offConfigs: Array<[string, AxiosInstrumentationConfig]> = [
      ['the default config', {}],
      ['captureHeaders: false', { captureHeaders: false }],
      ['only the bodies captured', { captureRequestBody: true, captureResponseBody: true }],
    ];
    for (const [label, config] of offConfigs) {
      it(`${label} writes no header attributes`, async () => {
        resetInstrumentation(config);
        await axios.get(server.url('/cookies'), { headers: { 'X-Custom': 'v', Authorization: 'Bearer x' } });
        const span = onlySpan();
        assertPropagated(span, server.last.headers);
        const names = Object.keys(span.attributes).filter(
          (name) => name.startsWith(REQUEST_PREFIX) || name.startsWith(RESPONSE_PREFIX)
        );
        assert.deepStrictEqual(names, []);
      });
    }
  });
});

describe('headers module: reading headers from every source the adapters use', () => {
  beforeEach(() => resetInstrumentation());

  const visited = (source: unknown): Record<string, string[]> => {
    const result: Record<string, string[]> = {};
    forEachHeader(source, (name, values) => {
      result[name] = values;
    });
    return result;
  };

  describe('compileHeaderMatcher', () => {
    it('answers the same for a name asked again, also after more names than it remembers', () => {
      const matches = compileHeaderMatcher([/secret/]);
      for (let round = 0; round < 2; round += 1) {
        for (let i = 0; i < 1000; i += 1) {
          assert.strictEqual(matches(`x-secret-${i}`), true);
          assert.strictEqual(matches(`x-plain-${i}`), false);
        }
      }
    });

    it('matches strings as whole names, case-insensitively, and regular expressions anywhere in the name', () => {
      const matches = compileHeaderMatcher(['X-Exact', /part/]);
      assert.strictEqual(matches('x-exact'), true);
      assert.strictEqual(matches('x-exact-not'), false);
      assert.strictEqual(matches('x-has-part-in-it'), true);
      assert.strictEqual(matches('x-other'), false);
    });

    it('gives the same answer however often a sticky or global expression is asked', () => {
      const matches = compileHeaderMatcher([/token/gy, /secret/g]);
      const answers = Array.from({ length: 4 }, () => matches('x-secret'));
      assert.deepStrictEqual(answers, [true, true, true, true]);
      assert.deepStrictEqual(
        Array.from({ length: 3 }, () => matches('token')),
        [true, true, true]
      );
    });

    it('tests regular expressions against the lower-case name, so an upper-case pattern needs the i flag', () => {
      assert.strictEqual(compileHeaderMatcher([/X-UPPER/])('x-upper'), false);
      assert.strictEqual(compileHeaderMatcher([/X-UPPER/i])('x-upper'), true);
    });

    it('ignores entries that are neither strings nor regular expressions', () => {
      const matches = compileHeaderMatcher([42 as unknown as string, null as unknown as string, 'a']);
      assert.strictEqual(matches('42'), false);
      assert.strictEqual(matches('a'), true);
    });

    it('the default list covers the credentials named in the conventions and common API keys', () => {
      const matches = compileHeaderMatcher(DEFAULT_SENSITIVE_HEADERS);
      for (const name of [
        'authorization',
        'proxy-authorization',
        'cookie',
        'set-cookie',
        'x-api-key',
        'api_key',
        'apikey',
        'x-auth-token',
        'x-client-secret',
        'x-session-id',
        'x-password',
        'x-passwd',
      ]) {
        assert.strictEqual(matches(name), true, name);
      }
      for (const name of ['accept', 'content-type', 'user-agent', 'traceparent', 'x-request-id', 'x-keyboard-layout']) {
        assert.strictEqual(matches(name), false, name);
      }
    });
  });

  describe('forEachHeader', () => {
    it('reads a plain object, lower-casing names, stringifying values and skipping empty ones', () => {
      assert.deepStrictEqual(
        visited({ 'X-A': 'a', 'X-N': 5, 'X-List': ['1', null, 2, undefined], 'X-U': undefined, 'X-Null': null, 'X-F': false, 'X-T': true }),
        { 'x-a': ['a'], 'x-n': ['5'], 'x-list': ['1', '2'], 'x-t': ['true'] }
      );
    });

    it('reads AxiosHeaders through toJSON', () => {
      const headers = new axios.AxiosHeaders({ 'X-A': 'a', 'Set-Cookie': ['c=1', 'd=2'] });
      assert.deepStrictEqual(visited(headers), { 'x-a': ['a'], 'set-cookie': ['c=1', 'd=2'] });
    });

    it('reads nothing from a toJSON that does not return an object', () => {
      assert.deepStrictEqual(visited({ toJSON: () => 'text' }), {});
    });

    it('reads a ClientRequest-like object through getHeaders', () => {
      assert.deepStrictEqual(visited({ getHeaders: () => ({ host: 'h', 'x-multi': ['a', 'b'] }) }), {
        host: ['h'],
        'x-multi': ['a', 'b'],
      });
    });

    it('reads WHATWG Headers, with each Set-Cookie value apart', () => {
      const headers = new Headers([
        ['X-A', 'a'],
        ['Set-Cookie', 'c=1'],
        ['Set-Cookie', 'd=2'],
      ]);
      assert.deepStrictEqual(visited(headers), { 'x-a': ['a'], 'set-cookie': ['c=1', 'd=2'] });
    });

    it('reads a Headers-like object without getSetCookie as it comes', () => {
      const entries: Array<[string, string]> = [
        ['x-a', 'a'],
        ['set-cookie', 'c=1, d=2'],
      ];
      const headersLike = {
        forEach: (callback: (value: string, name: string) => void) => entries.forEach(([name, value]) => callback(value, name)),
        get: (name: string) => entries.find(([key]) => key === name)?.[1] ?? null,
      };
      assert.deepStrictEqual(visited(headersLike), { 'x-a': ['a'], 'set-cookie': ['c=1, d=2'] });
    });

    it('reads nothing from values that are not objects', () => {
      for (const source of [undefined, null, 'x-a: a', 42]) assert.deepStrictEqual(visited(source), {});
    });
  });

  describe('readHeader', () => {
    it('reads one header, case-insensitively, from each kind of source', () => {
      assert.strictEqual(readHeader({ 'Content-Type': 'text/plain' }, 'content-type'), 'text/plain');
      assert.strictEqual(readHeader(new axios.AxiosHeaders({ 'Content-Type': 'a/b' }), 'content-type'), 'a/b');
      assert.strictEqual(readHeader(new Headers({ 'Content-Type': 'c/d' }), 'content-type'), 'c/d');
      assert.strictEqual(readHeader({ getHeader: (name: string) => (name === 'user-agent' ? 'ua' : undefined) }, 'user-agent'), 'ua');
    });

    it('joins several values and stringifies numbers', () => {
      assert.strictEqual(readHeader({ 'x-multi': ['a', 'b'] }, 'x-multi'), 'a, b');
      assert.strictEqual(readHeader({ 'Content-Length': 12 }, 'content-length'), '12');
    });

    it('reads AxiosHeaders and plain objects by own properties only, comparing names in any case', () => {
      const headers = new axios.AxiosHeaders({ 'CONTENT-type': 'a/b', 'X-Multi': ['1', '2'] });
      assert.strictEqual(readHeader(headers, 'content-type'), 'a/b');
      assert.strictEqual(readHeader(headers, 'x-multi'), '1, 2');
      assert.strictEqual(readHeader(headers, 'content'), undefined);
      const inherited = Object.create({ 'content-type': 'from/prototype' }) as Record<string, string>;
      assert.strictEqual(readHeader(inherited, 'content-type'), undefined);
      inherited['Content-Type'] = 'own/value';
      assert.strictEqual(readHeader(inherited, 'content-type'), 'own/value');
      // Names outside ASCII are compared as toLowerCase() compares them.
      assert.strictEqual(readHeader({ 'X-ÄRGER': 'ja' }, 'x-ärger'), 'ja');
      assert.strictEqual(readHeader({ 'X-ARGER': 'nein' }, 'x-ärger'), undefined);
    });

    it('is undefined for a missing header or a source that is not an object', () => {
      assert.strictEqual(readHeader({ a: 'b' }, 'content-type'), undefined);
      assert.strictEqual(readHeader(new Headers(), 'content-type'), undefined);
      assert.strictEqual(readHeader(undefined, 'content-type'), undefined);
      assert.strictEqual(readHeader('content-type: x', 'content-type'), undefined);
    });
  });

  describe('sentHeadersSource', () => {
    const configHeaders = { 'x-config': '1' };

    it('prefers a ClientRequest (http adapter, no redirects)', () => {
      const request = { getHeaders: () => ({}) };
      assert.strictEqual(sentHeadersSource(request, configHeaders), request);
    });

    it('uses the ClientRequest that follow-redirects is currently sending', () => {
      const current = { getHeaders: () => ({}) };
      assert.strictEqual(sentHeadersSource({ _currentRequest: current }, configHeaders), current);
    });

    it('uses the headers of a WHATWG Request (fetch adapter)', () => {
      const request = new Request('http://127.0.0.1/', { headers: { 'x-sent': '1' } });
      assert.strictEqual(sentHeadersSource(request, configHeaders), request.headers);
    });

    it("falls back to the config's headers for anything else", () => {
      assert.strictEqual(sentHeadersSource(undefined, configHeaders), configHeaders);
      assert.strictEqual(sentHeadersSource({ headers: { plain: 'object' } }, configHeaders), configHeaders);
      assert.strictEqual(sentHeadersSource({ _currentRequest: {} }, configHeaders), configHeaders);
      assert.strictEqual(sentHeadersSource('request', configHeaders), configHeaders);
    });
  });

  describe('HeaderCapture.record', () => {
    const isSensitive = compileHeaderMatcher(['authorization', 'set-cookie']);
    const noQueryRedaction = compileQueryRedaction([]);
    const requestCapture = (only?: ReadonlySet<string>) =>
      new HeaderCapture(ATTR_HTTP_REQUEST_HEADER, isSensitive, noQueryRedaction, only);

    /** The request-header attributes that one capture of `source` sets. */
    const capturedFrom = (capture: HeaderCapture, source: unknown): Record<string, unknown> => {
      const span = tracer.startSpan('direct');
      capture.record(span, source);
      span.end();
      const captured = capturedHeaders(finishedSpans().pop()!, REQUEST_PREFIX);
      resetInstrumentation();
      return captured;
    };

    it('set one string-array attribute per header, redacting the sensitive ones', () => {
      const span = tracer.startSpan('direct');
      requestCapture().record(span, { Authorization: 'Bearer x', Accept: ['a', 'b'] });
      new HeaderCapture(ATTR_HTTP_RESPONSE_HEADER, isSensitive, noQueryRedaction).record(span, new Headers({ 'Content-Type': 'text/plain' }));
      span.end();
      const { attributes } = onlySpan();
      assert.deepStrictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], REDACTED);
      assert.deepStrictEqual(attributes[ATTR_HTTP_REQUEST_HEADER('accept')], ['a', 'b']);
      assert.deepStrictEqual(attributes[ATTR_HTTP_RESPONSE_HEADER('content-type')], ['text/plain']);
    });

    it('captures the same from a source seen again, whatever case its names are in', () => {
      const capture = requestCapture();
      for (let round = 0; round < 2; round += 1) {
        assert.deepStrictEqual(capturedFrom(capture, new axios.AxiosHeaders({ 'X-Trace-Me': 'a', AUTHORIZATION: 'b' })), {
          'x-trace-me': ['a'],
          authorization: REDACTED,
        });
        assert.deepStrictEqual(capturedFrom(capture, { 'x-trace-me': 'c', 'X-Other': false }), { 'x-trace-me': ['c'] });
      }
    });

    it('with named headers, captures those alone from every kind of source, in any case', () => {
      const capture = requestCapture(new Set(['x-wanted', 'authorization', 'set-cookie', 'x-absent']));
      const expected = { 'x-wanted': ['w'], authorization: REDACTED };
      assert.deepStrictEqual(capturedFrom(capture, { 'X-Wanted': 'w', Authorization: 'a', 'X-Unwanted': 'u' }), expected);
      assert.deepStrictEqual(
        capturedFrom(capture, new axios.AxiosHeaders({ 'X-WANTED': 'w', authorization: 'a', 'x-unwanted': 'u' })),
        expected
      );
      const clientRequest = { getHeader: (name: string) => ({ 'x-wanted': 'w', authorization: 'a' } as Record<string, string>)[name] };
      assert.deepStrictEqual(capturedFrom(capture, clientRequest), expected);
      const fetchHeaders = new Headers([
        ['X-Wanted', 'w'],
        ['Authorization', 'a'],
        ['Set-Cookie', 'c=1'],
        ['Set-Cookie', 'd=2'],
        ['X-Unwanted', 'u'],
      ]);
      assert.deepStrictEqual(capturedFrom(capture, fetchHeaders), { ...expected, 'set-cookie': REDACTED });
      assert.deepStrictEqual(capturedFrom(capture, new Headers({ 'X-Unwanted': 'u' })), {});
    });

    it('with a named URL header, redacts the query of its value', () => {
      const capture = new HeaderCapture(ATTR_HTTP_RESPONSE_HEADER, isSensitive, compileQueryRedaction(['token']), new Set(['location']));
      const span = tracer.startSpan('direct');
      capture.record(span, { Location: '/next?token=t&page=2' });
      span.end();
      assert.deepStrictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_HEADER('location')], ['/next?token=REDACTED&page=2']);
    });
  });
});
