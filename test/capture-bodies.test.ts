/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import { Readable } from 'stream';
import { ReadableStream } from 'stream/web';
import { promisify } from 'util';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';

import { AxiosInstrumentationConfig, CAPTURE_ALL_ENV, DEFAULT_MAX_BODY_LENGTH, DEFAULT_REDACTED_QUERY_PARAMS } from '../lib';
import { bodyAttributes, BodyAttributeNames, decodePrefix, isTextualContentType, truncateText } from '../lib/body';
import {
  ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_REQUEST_BODY_SIZE,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_LOGFIRE_JSON_SCHEMA,
  ATTR_LOGFIRE_REQUEST_BODY_FORM,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
} from '../lib/semconv';
import {
  compileQueryRedaction,
  GetUri,
  redactUrl,
  redactUrlsInText,
  describeRequestUrl,
  requestUrls,
  requestUrlString,
  serverAddress,
  serverPort,
} from '../lib/url';
import { compileKeyMatcher } from '../lib/sensitive';
import { assertClientSpan, onlySpan } from './support/assertions';
import { defaultHandler } from './support/server';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, resetInstrumentation } from './support/telemetry';
import { diagCollectingScriptPrelude } from './support/child';

const execFileAsync = promisify(execFile);

/** JSON as a server may write it, spacing included: a re-serialised parse would differ. */
const RAW_JSON = '{ "spaced" : [1, 2],\n  "unicode": "Zo\u00eb \ud83d\ude00" }';
/** Nine ASCII characters, then an emoji whose two UTF-16 units (and four UTF-8 bytes) straddle a limit of 10. */
const EMOJI_ACROSS_10 = 'a'.repeat(9) + '\ud83d\ude00' + 'tail';
const INVALID_UTF8 = Buffer.from([0x61, 0xff, 0x62, 0xfe, 0xc3]);
const ACCENTS = '\u00e9'.repeat(8);

const BODY_ATTRIBUTES = [
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_REQUEST_BODY_SIZE,
  ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
];

/** The body attributes a span carries, to compare whole sets at once. */
function bodyAttributesOf(span: ReadableSpan): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const name of BODY_ATTRIBUTES) if (span.attributes[name] !== undefined) found[name] = span.attributes[name];
  return found;
}

function headerAttributeNames(span: ReadableSpan): string[] {
  return Object.keys(span.attributes).filter(
    (name) => name.startsWith(ATTR_HTTP_REQUEST_HEADER('')) || name.startsWith(ATTR_HTTP_RESPONSE_HEADER(''))
  );
}

function send(res: import('http').ServerResponse, contentType: string, body: string | Buffer): void {
  res.setHeader('content-type', contentType);
  res.end(body);
}

describe('body capture: request and response bodies as span attributes', () => {
  const server = useTestServer((req, res, body) => {
    switch (req.url) {
      case '/raw-json':
        return send(res, 'application/json', RAW_JSON);
      case '/emoji-boundary':
        return send(res, 'text/plain; charset=utf-8', EMOJI_ACROSS_10);
      case '/invalid-utf8':
        return send(res, 'text/plain', INVALID_UTF8);
      case '/latin1':
        return send(res, 'text/plain; charset=iso-8859-1', Buffer.from('caf\u00e9', 'latin1'));
      case '/accents':
        return send(res, 'text/plain; charset=utf-8', ACCENTS);
      case '/json-404':
        res.statusCode = 404;
        return send(res, 'application/json', '{"error": "not found"}');
      default:
        return defaultHandler(req, res, body);
    }
  });

  describe('captureRequestBody', () => {
    beforeEach(() => resetInstrumentation({ captureRequestBody: true }));

    it('records a JSON object as the serialised text that was sent', async () => {
      await axios.post(server.url('/json'), { name: 'Zo\u00eb', list: [1, 2], nested: { ok: true } });
      const span = onlySpan();
      const sent = server.last.body.toString('utf8');
      assert.strictEqual(sent, '{"name":"Zo\u00eb","list":[1,2],"nested":{"ok":true}}');
      assert.deepStrictEqual(bodyAttributesOf(span), {
        [ATTR_HTTP_REQUEST_BODY_CONTENT]: sent,
        [ATTR_HTTP_REQUEST_BODY_SIZE]: Buffer.byteLength(sent),
      });
    });

    it('records a string body as it is', async () => {
      await axios.post(server.url('/string'), 'plain text body', { headers: { 'Content-Type': 'text/plain' } });
      assert.strictEqual(server.last.body.toString('utf8'), 'plain text body');
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_REQUEST_BODY_CONTENT]: 'plain text body',
        [ATTR_HTTP_REQUEST_BODY_SIZE]: 15,
      });
    });

    it('records URLSearchParams as the encoded form that was sent', async () => {
      await axios.post(server.url('/form'), new URLSearchParams({ a: '1', b: 'x y', c: '\u00e9&=' }));
      const sent = server.last.body.toString('utf8');
      assert.strictEqual(sent, 'a=1&b=x+y&c=%C3%A9%26%3D');
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_REQUEST_BODY_CONTENT]: sent,
        [ATTR_HTTP_REQUEST_BODY_SIZE]: sent.length,
      });
    });

    it('records a Buffer with a textual content type as decoded text, with its size in bytes', async () => {
      const body = Buffer.from('h\u00e9llo w\u00f6rld', 'utf8');
      await axios.post(server.url('/text-buffer'), body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
      assert.ok(server.last.body.equals(body));
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_REQUEST_BODY_CONTENT]: 'h\u00e9llo w\u00f6rld',
        [ATTR_HTTP_REQUEST_BODY_SIZE]: body.length,
      });
    });

    it('records only the size of a binary Buffer', async () => {
      const body = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
      await axios.post(server.url('/binary-buffer'), body, { headers: { 'Content-Type': 'application/octet-stream' } });
      assert.ok(server.last.body.equals(body));
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), { [ATTR_HTTP_REQUEST_BODY_SIZE]: 8 });
    });

    it('leaves FormData unread: the server receives the whole form and no content is captured', async () => {
      const form = new FormData();
      form.append('field', 'value-of-the-field');
      form.append('file', new Blob(['contents-of-the-file'], { type: 'text/plain' }), 'a.txt');
      await axios.post(server.url('/multipart'), form);
      const received = server.last.body.toString('utf8');
      assert.match(String(server.last.headers['content-type']), /^multipart\/form-data; boundary=/);
      assert.match(received, /name="field"\r\n\r\nvalue-of-the-field\r\n/);
      assert.match(received, /filename="a.txt"\r\nContent-Type: text\/plain\r\n\r\ncontents-of-the-file\r\n/);
      // The size is the Content-Length the transport sent; the form itself was never read.
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), { [ATTR_HTTP_REQUEST_BODY_SIZE]: server.last.body.length });
    });

    it('leaves a Readable stream body unread: the server receives it whole and nothing is captured', async () => {
      await axios.post(server.url('/stream'), Readable.from([Buffer.from('first '), Buffer.from('second')]), {
        headers: { 'Content-Type': 'text/plain' },
      });
      assert.strictEqual(server.last.body.toString('utf8'), 'first second');
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {});
    });

    it('cuts a long string body at maxBodyLength without splitting a surrogate pair, and marks it truncated', async () => {
      resetInstrumentation({ captureRequestBody: true, maxBodyLength: 10 });
      await axios.post(server.url('/long'), EMOJI_ACROSS_10, { headers: { 'Content-Type': 'text/plain' } });
      assert.strictEqual(server.last.body.toString('utf8'), EMOJI_ACROSS_10, 'the server gets the whole body');
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_REQUEST_BODY_CONTENT]: 'a'.repeat(9),
        [ATTR_HTTP_REQUEST_BODY_SIZE]: Buffer.byteLength(EMOJI_ACROSS_10),
        [ATTR_AXIOS_REQUEST_BODY_TRUNCATED]: true,
      });
    });

    it('cuts a long textual Buffer without splitting a UTF-8 sequence', async () => {
      resetInstrumentation({ captureRequestBody: true, maxBodyLength: 10 });
      const body = Buffer.from(EMOJI_ACROSS_10, 'utf8');
      await axios.post(server.url('/long-buffer'), body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
      assert.ok(server.last.body.equals(body));
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_REQUEST_BODY_CONTENT]: 'a'.repeat(9),
        [ATTR_HTTP_REQUEST_BODY_SIZE]: body.length,
        [ATTR_AXIOS_REQUEST_BODY_TRUNCATED]: true,
      });
    });

    it('writes nothing for a request without a body, and captures neither the response body nor headers', async () => {
      await axios.get(server.url('/no-body'));
      const span = onlySpan();
      assert.deepStrictEqual(bodyAttributesOf(span), {});
      assert.deepStrictEqual(headerAttributeNames(span), []);
    });
  });

  describe('captureResponseBody', () => {
    beforeEach(() => resetInstrumentation({ captureResponseBody: true }));

    it('records a JSON response as the raw text received, while the application gets the parsed object', async () => {
      const response = await axios.get(server.url('/raw-json'));
      assert.deepStrictEqual(response.data, { spaced: [1, 2], unicode: 'Zo\u00eb \ud83d\ude00' });
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: RAW_JSON,
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: Buffer.byteLength(RAW_JSON),
      });
    });

    it('records the raw JSON text with the fetch adapter too', async () => {
      const response = await axios.get(server.url('/raw-json'), { adapter: 'fetch' });
      assert.deepStrictEqual(response.data, { spaced: [1, 2], unicode: 'Zo\u00eb \ud83d\ude00' });
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], RAW_JSON);
    });

    it('records a text response', async () => {
      const response = await axios.get(server.url('/text?size=10'));
      assert.strictEqual(response.data, 'x'.repeat(10));
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: 'x'.repeat(10),
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: 10,
      });
    });

    for (const responseType of ['json', 'arraybuffer'] as const) {
      it(`records only the size of a binary response (responseType '${responseType}')`, async () => {
        await axios.get(server.url('/binary?size=100'), { responseType });
        assert.deepStrictEqual(bodyAttributesOf(onlySpan()), { [ATTR_HTTP_RESPONSE_BODY_SIZE]: 100 });
      });
    }

    it("decodes a textual response read with responseType 'arraybuffer', and the application still gets the bytes", async () => {
      const response = await axios.get<Buffer>(server.url('/raw-json'), { responseType: 'arraybuffer' });
      assert.ok(Buffer.isBuffer(response.data));
      assert.strictEqual(response.data.toString('utf8'), RAW_JSON);
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: RAW_JSON,
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: Buffer.byteLength(RAW_JSON),
      });
    });

    it("decodes an 'arraybuffer' response in the charset its content type names", async () => {
      await axios.get(server.url('/latin1'), { responseType: 'arraybuffer' });
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'caf\u00e9');
    });

    it("decodes an 'arraybuffer' response of the fetch adapter (an ArrayBuffer)", async () => {
      const response = await axios.get(server.url('/raw-json'), { responseType: 'arraybuffer', adapter: 'fetch' });
      assert.ok(response.data instanceof ArrayBuffer);
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], RAW_JSON);
    });

    it('cuts a long text response at maxBodyLength without splitting a surrogate pair, and marks it truncated', async () => {
      resetInstrumentation({ captureResponseBody: true, maxBodyLength: 10 });
      const response = await axios.get(server.url('/emoji-boundary'));
      assert.strictEqual(response.data, EMOJI_ACROSS_10, 'the application gets the whole body');
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: 'a'.repeat(9),
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: Buffer.byteLength(EMOJI_ACROSS_10),
        [ATTR_AXIOS_RESPONSE_BODY_TRUNCATED]: true,
      });
    });

    it("cuts a long 'arraybuffer' response without splitting a UTF-8 sequence", async () => {
      resetInstrumentation({ captureResponseBody: true, maxBodyLength: 10 });
      const response = await axios.get<Buffer>(server.url('/emoji-boundary'), { responseType: 'arraybuffer' });
      assert.strictEqual(response.data.toString('utf8'), EMOJI_ACROSS_10);
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: 'a'.repeat(9),
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: Buffer.byteLength(EMOJI_ACROSS_10),
        [ATTR_AXIOS_RESPONSE_BODY_TRUNCATED]: true,
      });
    });

    it('keeps the whole body when it is exactly maxBodyLength long', async () => {
      resetInstrumentation({ captureResponseBody: true, maxBodyLength: 10 });
      await axios.get(server.url('/text?size=10'));
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: 'x'.repeat(10),
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: 10,
      });
    });

    it('cuts at 16384 characters by default', async () => {
      assert.strictEqual(DEFAULT_MAX_BODY_LENGTH, 16384);
      await axios.get(server.url('/text?size=16384'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'x'.repeat(16384));
      assert.strictEqual(onlySpan().attributes[ATTR_AXIOS_RESPONSE_BODY_TRUNCATED], undefined);

      resetInstrumentation({ captureResponseBody: true });
      await axios.get(server.url('/text?size=16385'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'x'.repeat(16384));
      assert.strictEqual(onlySpan().attributes[ATTR_AXIOS_RESPONSE_BODY_TRUNCATED], true);
    });

    for (const maxBodyLength of [-1, Number.NaN, '100' as unknown as number]) {
      it(`falls back to the default limit for maxBodyLength ${String(maxBodyLength)} (${typeof maxBodyLength})`, async () => {
        resetInstrumentation({ captureResponseBody: true, maxBodyLength });
        await axios.get(server.url('/text?size=16385'));
        assert.strictEqual(String(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT]).length, 16384);
      });
    }

    it('with maxBodyLength 0 records an empty, truncated body', async () => {
      resetInstrumentation({ captureResponseBody: true, maxBodyLength: 0 });
      await axios.get(server.url('/text?size=5'));
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: '',
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: 5,
        [ATTR_AXIOS_RESPONSE_BODY_TRUNCATED]: true,
      });
    });

    for (const responseType of ['json', 'text', 'arraybuffer'] as const) {
      it(`records bytes that are not valid UTF-8 with replacement characters (responseType '${responseType}')`, async () => {
        const response = await axios.get(server.url('/invalid-utf8'), { responseType });
        const expected = INVALID_UTF8.toString('utf8');
        assert.strictEqual(expected, 'a\ufffdb\ufffd\ufffd');
        if (responseType === 'arraybuffer') assert.ok(INVALID_UTF8.equals(response.data as Buffer), 'the application gets the bytes');
        else assert.strictEqual(response.data, expected);
        assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
          [ATTR_HTTP_RESPONSE_BODY_CONTENT]: expected,
          [ATTR_HTTP_RESPONSE_BODY_SIZE]: INVALID_UTF8.length,
        });
      });
    }

    // maxBodyLength is documented as a number of characters. A string body is
    // cut by characters, a Buffer by bytes, so the same body read with another
    // responseType is cut at a different place (here: not at all versus half).
    it("counts maxBodyLength in characters for an 'arraybuffer' response, as for a text response", async () => {
      resetInstrumentation({ captureResponseBody: true, maxBodyLength: 10 });
      await axios.get(server.url('/accents'));
      const asText = bodyAttributesOf(onlySpan());
      assert.strictEqual(asText[ATTR_HTTP_RESPONSE_BODY_CONTENT], ACCENTS, '8 characters fit in 10');

      resetInstrumentation({ captureResponseBody: true, maxBodyLength: 10 });
      await axios.get(server.url('/accents'), { responseType: 'arraybuffer' });
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), asText);
    });

    it('records the body of an error response (404 with a JSON body) as raw text', async () => {
      const error = await axios.get(server.url('/json-404')).then(
        () => assert.fail('a 404 rejects'),
        (reason: unknown) => reason as { response: { data: unknown } }
      );
      assert.deepStrictEqual(error.response.data, { error: 'not found' });
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url: server.url('/json-404'), status: 404, errorType: '404' });
      assert.deepStrictEqual(bodyAttributesOf(span), {
        [ATTR_HTTP_RESPONSE_BODY_CONTENT]: '{"error": "not found"}',
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: 22,
      });
    });

    it('captures neither the request body nor headers', async () => {
      await axios.post(server.url('/only-response'), { a: 1 });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], undefined);
      assert.strictEqual(typeof span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'string');
      assert.deepStrictEqual(headerAttributeNames(span), []);
    });
  });

  describe("bodyAttributeNames: 'logfire'", () => {
    beforeEach(() => resetInstrumentation({ captureAll: true, bodyAttributeNames: 'logfire' }));

    it('writes http.request.body.text and http.response.body.text, not the semconv names', async () => {
      await axios.post(server.url('/logfire'), { key: 'value' });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_LOGFIRE_REQUEST_BODY_TEXT], '{"key":"value"}');
      assert.match(String(span.attributes[ATTR_LOGFIRE_RESPONSE_BODY_TEXT]), /^\{"method":"POST","path":"\/logfire"/);
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], undefined);
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], undefined);
    });

    it('keeps the size and truncation attributes under their usual names', async () => {
      resetInstrumentation({ captureResponseBody: true, bodyAttributeNames: 'logfire', maxBodyLength: 4 });
      await axios.get(server.url('/text?size=10'));
      assert.deepStrictEqual(bodyAttributesOf(onlySpan()), {
        [ATTR_LOGFIRE_RESPONSE_BODY_TEXT]: 'xxxx',
        [ATTR_HTTP_RESPONSE_BODY_SIZE]: 10,
        [ATTR_AXIOS_RESPONSE_BODY_TRUNCATED]: true,
      });
    });

    it("names JSON bodies in Logfire's JSON-schema hint, so that its UI shows them as objects", async () => {
      await axios.post(server.url('/logfire'), { key: 'value' });
      assert.deepStrictEqual(JSON.parse(String(onlySpan().attributes[ATTR_LOGFIRE_JSON_SCHEMA])), {
        type: 'object',
        properties: { [ATTR_LOGFIRE_REQUEST_BODY_TEXT]: { type: 'object' }, [ATTR_LOGFIRE_RESPONSE_BODY_TEXT]: { type: 'object' } },
      });
    });

    it('writes a url-encoded form as an object of its fields under http.request.body.form, sensitive values redacted', async () => {
      const form = new URLSearchParams([['user', 'ann'], ['tag', 'a'], ['tag', 'b c'], ['password', 'hunter2']]);
      await axios.post(server.url('/form'), form);
      const span = onlySpan();
      assert.deepStrictEqual(JSON.parse(String(span.attributes[ATTR_LOGFIRE_REQUEST_BODY_FORM])), {
        user: 'ann',
        tag: ['a', 'b c'],
        password: '[REDACTED]',
      });
      assert.strictEqual(span.attributes[ATTR_LOGFIRE_REQUEST_BODY_TEXT], undefined);
      assert.deepStrictEqual(Object.keys(JSON.parse(String(span.attributes[ATTR_LOGFIRE_JSON_SCHEMA])).properties), [
        ATTR_LOGFIRE_REQUEST_BODY_FORM,
        ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
      ]);
    });

    it('a form or a JSON body cut at maxBodyLength is text, and not in the hint (it would not parse)', async () => {
      resetInstrumentation({ captureRequestBody: true, bodyAttributeNames: 'logfire', maxBodyLength: 8 });
      await axios.post(server.url('/form'), new URLSearchParams({ user: 'ann', city: 'Lyon' }));
      await axios.post(server.url('/json'), { user: 'ann', city: 'Lyon' });
      for (const span of finishedSpans()) {
        assert.strictEqual(span.attributes[ATTR_AXIOS_REQUEST_BODY_TRUNCATED], true);
        assert.strictEqual(typeof span.attributes[ATTR_LOGFIRE_REQUEST_BODY_TEXT], 'string');
        assert.strictEqual(span.attributes[ATTR_LOGFIRE_REQUEST_BODY_FORM], undefined);
        assert.strictEqual(span.attributes[ATTR_LOGFIRE_JSON_SCHEMA], undefined);
      }
    });

    it('text, NDJSON and bodies under the semconv names get no hint', async () => {
      resetInstrumentation({ captureRequestBody: true, bodyAttributeNames: 'logfire' });
      await axios.post(server.url('/text-body'), 'plain words', { headers: { 'content-type': 'text/plain' } });
      await axios.post(server.url('/ndjson'), '{"a":1}\n{"a":2}\n', { headers: { 'content-type': 'application/x-ndjson' } });
      const spans = finishedSpans();
      resetInstrumentation({ captureRequestBody: true });
      await axios.post(server.url('/semconv'), { key: 'value' });
      spans.push(...finishedSpans());
      assert.strictEqual(spans.length, 3);
      for (const span of spans) assert.strictEqual(span.attributes[ATTR_LOGFIRE_JSON_SCHEMA], undefined, span.name);
    });

    it('each redirect hop has its own hint: the request body on the first, the response on the last', async () => {
      await axios.post(server.url('/redirect/1'), { key: 'value' }, { maxRedirects: 5 });
      const [first, last] = finishedSpans();
      assert.deepStrictEqual(Object.keys(JSON.parse(String(first.attributes[ATTR_LOGFIRE_JSON_SCHEMA])).properties), [
        ATTR_LOGFIRE_REQUEST_BODY_TEXT,
      ]);
      assert.deepStrictEqual(Object.keys(JSON.parse(String(last.attributes[ATTR_LOGFIRE_JSON_SCHEMA])).properties), [
        ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
      ]);
    });
  });

  describe('captureAll', () => {
    /** Sends a JSON body and says which of the three kinds of capture happened. */
    async function whatIsCaptured(): Promise<{ headers: boolean; requestBody: boolean; responseBody: boolean }> {
      await axios.post(server.url('/all'), { a: 1 }, { headers: { 'X-Custom': 'v' } });
      const span = onlySpan();
      return {
        headers:
          span.attributes[ATTR_HTTP_REQUEST_HEADER('x-custom')] !== undefined &&
          span.attributes[ATTR_HTTP_RESPONSE_HEADER('content-type')] !== undefined,
        requestBody: span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT] === '{"a":1}',
        responseBody: typeof span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT] === 'string',
      };
    }
    const ALL = { headers: true, requestBody: true, responseBody: true };
    const NONE = { headers: false, requestBody: false, responseBody: false };

    beforeEach(() => resetInstrumentation());

    it('turns on headers, request body and response body', async () => {
      resetInstrumentation({ captureAll: true });
      assert.deepStrictEqual(await whatIsCaptured(), ALL);
    });

    it('nothing is captured by default', async () => {
      assert.deepStrictEqual(await whatIsCaptured(), NONE);
    });

    it('wins over a specific flag set to false', async () => {
      resetInstrumentation({ captureAll: true, captureHeaders: false, captureRequestBody: false, captureResponseBody: false });
      assert.deepStrictEqual(await whatIsCaptured(), ALL);
    });

    it('each specific flag turns on only its own capture', async () => {
      const flags: Array<[AxiosInstrumentationConfig, keyof typeof ALL]> = [
        [{ captureHeaders: true }, 'headers'],
        [{ captureRequestBody: true }, 'requestBody'],
        [{ captureResponseBody: true }, 'responseBody'],
      ];
      for (const [config, kind] of flags) {
        resetInstrumentation(config);
        assert.deepStrictEqual(await whatIsCaptured(), { ...NONE, [kind]: true }, JSON.stringify(config));
      }
    });

    describe('the warning when captureAll is combined with a specific flag', () => {
      /** A DiagLogger that keeps what it is told; diag.disable() puts the default back. */
      function observeDiag(): { warnings: string[]; errors: string[] } {
        const log = { warnings: [] as string[], errors: [] as string[] };
        const ignore = () => undefined;
        diag.setLogger(
          {
            error: (...args: unknown[]) => log.errors.push(args.join(' ')),
            warn: (...args: unknown[]) => log.warnings.push(args.join(' ')),
            info: ignore,
            debug: ignore,
            verbose: ignore,
          },
          { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }
        );
        return log;
      }
      afterEach(() => diag.disable());

      // The warning is given once per instrumentation, and the one of this
      // mocha process may already have given it in another file: a fresh
      // process shows the first time.
      it('a fresh instrumentation warns exactly once, through the diag logger, however often the config is set', async () => {
        const script = `${diagCollectingScriptPrelude()}
          const viaConstructor = new AxiosInstrumentation({ enabled: false, captureAll: true, captureHeaders: true });
          viaConstructor.setConfig({ captureAll: true, captureRequestBody: false });
          viaConstructor.setConfig({ captureAll: true, captureResponseBody: true });
          const constructorWarnings = log.warnings.splice(0);
          const viaSetConfig = new AxiosInstrumentation({ enabled: false });
          viaSetConfig.setConfig({ captureAll: true, captureResponseBody: true });
          viaSetConfig.setConfig({ captureAll: true, captureHeaders: true });
          process.stdout.write(JSON.stringify({ constructorWarnings, setConfigWarnings: log.warnings, errors: log.errors }));
        `;
        const env = { ...process.env };
        delete env[CAPTURE_ALL_ENV];
        const { stdout } = await execFileAsync(process.execPath, ['-e', script], { env });
        const result = JSON.parse(stdout) as { constructorWarnings: string[]; setConfigWarnings: string[]; errors: string[] };
        assert.strictEqual(result.constructorWarnings.length, 1, result.constructorWarnings.join('\n'));
        assert.strictEqual(result.setConfigWarnings.length, 1, result.setConfigWarnings.join('\n'));
        for (const warning of [...result.constructorWarnings, ...result.setConfigWarnings]) assert.match(warning, /captureAll/);
        assert.deepStrictEqual(result.errors, []);
      });

      it('setting the combined config again does not warn again', () => {
        resetInstrumentation({ captureAll: true, captureHeaders: true });
        const log = observeDiag();
        resetInstrumentation({ captureAll: true, captureHeaders: true });
        resetInstrumentation({ captureAll: true, captureRequestBody: false });
        assert.deepStrictEqual(log.warnings, []);
      });

      it('captureAll alone, or specific flags alone, never warn', () => {
        const log = observeDiag();
        resetInstrumentation({ captureAll: true });
        resetInstrumentation({ captureAll: false, captureHeaders: true });
        resetInstrumentation({ captureHeaders: true, captureRequestBody: true, captureResponseBody: false });
        assert.deepStrictEqual(log.warnings, []);
        assert.deepStrictEqual(log.errors, []);
      });
    });

    describe(`the ${CAPTURE_ALL_ENV} environment variable`, () => {
      const original = process.env[CAPTURE_ALL_ENV];
      afterEach(() => {
        if (original === undefined) delete process.env[CAPTURE_ALL_ENV];
        else process.env[CAPTURE_ALL_ENV] = original;
        resetInstrumentation();
      });

      for (const value of ['true', 'TRUE', ' true ']) {
        it(`${JSON.stringify(value)} turns everything on when captureAll is not given`, async () => {
          process.env[CAPTURE_ALL_ENV] = value;
          resetInstrumentation();
          assert.deepStrictEqual(await whatIsCaptured(), ALL);
        });
      }

      for (const value of ['false', '0', '', 'yes']) {
        it(`${JSON.stringify(value)} turns nothing on`, async () => {
          process.env[CAPTURE_ALL_ENV] = value;
          resetInstrumentation();
          assert.deepStrictEqual(await whatIsCaptured(), NONE);
        });
      }

      it('an explicit captureAll: false wins over it', async () => {
        process.env[CAPTURE_ALL_ENV] = 'true';
        resetInstrumentation({ captureAll: false });
        assert.deepStrictEqual(await whatIsCaptured(), NONE);
      });

      it('an explicit captureAll: false still lets a specific flag capture', async () => {
        process.env[CAPTURE_ALL_ENV] = 'true';
        resetInstrumentation({ captureAll: false, captureRequestBody: true });
        assert.deepStrictEqual(await whatIsCaptured(), { ...NONE, requestBody: true });
      });

      it('is read when the config is set, not on every request', async () => {
        process.env[CAPTURE_ALL_ENV] = 'true';
        resetInstrumentation();
        delete process.env[CAPTURE_ALL_ENV];
        assert.deepStrictEqual(await whatIsCaptured(), ALL);
      });
    });
  });
});

describe('body module: the pure helpers', () => {
  beforeEach(() => resetInstrumentation());

  const NAMES: BodyAttributeNames = { content: 'content', size: 'size', truncated: 'truncated' };
  const utf8 = (text: string) => Buffer.from(text, 'utf8');

  describe('truncateText', () => {
    it('keeps a text that fits, and cuts a longer one at the limit', () => {
      assert.strictEqual(truncateText('short', 10), 'short');
      assert.strictEqual(truncateText('exactly10!', 10), 'exactly10!');
      assert.strictEqual(truncateText('0123456789abc', 10), '0123456789');
      assert.strictEqual(truncateText('abc', 0), '');
    });

    it('never ends on the first half of a surrogate pair', () => {
      assert.strictEqual(truncateText(EMOJI_ACROSS_10, 10), 'a'.repeat(9));
      assert.strictEqual(truncateText(EMOJI_ACROSS_10, 11), EMOJI_ACROSS_10.slice(0, 11), 'a whole pair fits');
      assert.strictEqual(truncateText('\ud83d\ude00', 1), '');
    });

    it('keeps non-ASCII text intact', () => {
      assert.strictEqual(truncateText('Zo\u00eb \u4e2d\u6587 text', 5), 'Zo\u00eb \u4e2d');
    });
  });

  describe('decodePrefix', () => {
    it('decodes the whole input when it fits', () => {
      assert.strictEqual(decodePrefix(utf8('h\u00e9llo'), 6, 'utf8'), 'h\u00e9llo');
      assert.strictEqual(decodePrefix(utf8('h\u00e9llo'), 100, 'utf8'), 'h\u00e9llo');
    });

    it('never stops inside a UTF-8 sequence of two, three or four bytes', () => {
      // The multi-byte character starts at byte 2; every limit inside it backs up to 2.
      for (const [character, length] of [
        ['\u00e9', 2],
        ['\u4e2d', 3],
        ['\ud83d\ude00', 4],
      ] as const) {
        const bytes = utf8('ab' + character + 'z');
        for (let limit = 3; limit < 2 + length; limit += 1) {
          assert.strictEqual(decodePrefix(bytes, limit, 'utf8'), 'ab', `${length}-byte character, limit ${limit}`);
        }
        assert.strictEqual(decodePrefix(bytes, 2 + length, 'utf8'), 'ab' + character);
      }
    });

    it('cuts UTF-16 at an even byte count and single-byte charsets at the exact limit', () => {
      assert.strictEqual(decodePrefix(Buffer.from('abcdef', 'utf16le'), 5, 'utf16le'), 'ab');
      assert.strictEqual(decodePrefix(Buffer.from('caf\u00e9s', 'latin1'), 4, 'latin1'), 'caf\u00e9');
    });

    it('decodes only the bytes of a view, not the whole buffer behind it', () => {
      const whole = utf8('XXhelloYY');
      assert.strictEqual(decodePrefix(whole.subarray(2, 7), 100, 'utf8'), 'hello');
      assert.strictEqual(decodePrefix(new Uint8Array(whole.buffer, whole.byteOffset + 2, 5), 3, 'utf8'), 'hel');
    });

    it('decodes invalid bytes to replacement characters', () => {
      assert.strictEqual(decodePrefix(INVALID_UTF8, 100, 'utf8'), 'a\ufffdb\ufffd\ufffd');
    });

    // Backing up over continuation bytes is only right when a lead byte
    // starts the sequence within the last three bytes. Bytes that are not
    // UTF-8 (a Latin-1 text served without a charset, say) can be nothing but
    // continuation bytes, and the whole prefix is thrown away.
    it('keeps a prefix of bytes that are not valid UTF-8 (lone continuation bytes) when cutting them', () => {
      const bytes = Buffer.alloc(32, 0xb0);
      const decoded = decodePrefix(bytes, 10, 'utf8');
      assert.ok(decoded.length >= 7 && decoded.length <= 10, `got ${decoded.length} characters`);
      assert.match(decoded, /^\ufffd+$/);
    });
  });

  describe('isTextualContentType', () => {
    const textual = [
      'text/plain',
      'text/html; charset=utf-8',
      'TEXT/CSV',
      '  text/plain',
      'application/json',
      'application/json; charset=utf-8',
      'application/problem+json',
      'application/vnd.api+json',
      'application/json-patch+json',
      'application/ld+json',
      'application/xml',
      'application/soap+xml',
      'application/javascript',
      'application/ecmascript',
      'application/graphql',
      'application/x-www-form-urlencoded',
      'application/x-ndjson',
      'application/yaml',
      'application/x-yaml',
      'application/csv',
      'application/sql',
    ];
    const binary = [
      'application/octet-stream',
      'image/png',
      'application/pdf',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      'application/json5',
      'application/zip',
      'audio/mpeg',
    ];
    it('says yes to text, JSON, XML, forms and friends', () => {
      for (const type of textual) assert.strictEqual(isTextualContentType(type), true, type);
    });
    it('says no to binary types and to names that merely start like a textual one', () => {
      for (const type of binary) assert.strictEqual(isTextualContentType(type), false, type);
    });
    it('says nothing when there is no content type', () => {
      assert.strictEqual(isTextualContentType(undefined), undefined);
      assert.strictEqual(isTextualContentType(''), undefined);
    });
  });

  describe('bodyAttributes', () => {
    it('records a string with a textual or no content type, with the declared size', () => {
      assert.deepStrictEqual(bodyAttributes('hello', 'text/plain', '5', 100, NAMES), { content: 'hello', size: 5 });
      assert.deepStrictEqual(bodyAttributes('hello', undefined, undefined, 100, NAMES), { content: 'hello' });
    });

    it('records only the size of a string with a binary content type', () => {
      assert.deepStrictEqual(bodyAttributes('\u0000\u0001', 'application/octet-stream', '2', 100, NAMES), { size: 2 });
      assert.deepStrictEqual(bodyAttributes('\u0000\u0001', 'image/png', undefined, 100, NAMES), {});
    });

    it('ignores a Content-Length that is not a plain number', () => {
      for (const length of ['', '-1', '1.5', '12abc', ' 12', '0x10']) {
        assert.deepStrictEqual(bodyAttributes('hi', 'text/plain', length, 100, NAMES), { content: 'hi' }, length);
      }
      assert.deepStrictEqual(bodyAttributes('', 'text/plain', '0', 100, NAMES), { content: '', size: 0 });
    });

    it('cuts a long string and marks it truncated', () => {
      assert.deepStrictEqual(bodyAttributes('x'.repeat(20), 'text/plain', undefined, 5, NAMES), {
        content: 'xxxxx',
        truncated: true,
      });
    });

    it('records URLSearchParams as their encoded form', () => {
      assert.deepStrictEqual(bodyAttributes(new URLSearchParams({ a: '1', b: 'x y' }), undefined, undefined, 100, NAMES), {
        content: 'a=1&b=x+y',
      });
    });

    it('decodes bytes of a textual type, whatever view holds them, and gives their size', () => {
      const bytes = utf8('h\u00e9llo');
      const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      for (const data of [bytes, new Uint8Array(arrayBuffer), arrayBuffer, new DataView(arrayBuffer)]) {
        assert.deepStrictEqual(
          bodyAttributes(data, 'text/plain; charset=utf-8', undefined, 100, NAMES),
          { size: 6, content: 'h\u00e9llo' },
          data.constructor.name
        );
      }
    });

    it('records only the size of bytes of a binary or unknown type', () => {
      assert.deepStrictEqual(bodyAttributes(Buffer.alloc(9), 'application/octet-stream', undefined, 100, NAMES), { size: 9 });
      assert.deepStrictEqual(bodyAttributes(Buffer.from('text'), undefined, '4', 100, NAMES), { size: 4 });
    });

    it('cuts long bytes and marks them truncated', () => {
      assert.deepStrictEqual(bodyAttributes(utf8(EMOJI_ACROSS_10), 'text/plain', undefined, 10, NAMES), {
        size: 17,
        content: 'a'.repeat(9),
        truncated: true,
      });
    });

    it('decodes in the charset the content type names, quoted or not, falling back to UTF-8', () => {
      const latin1 = Buffer.from('caf\u00e9', 'latin1');
      assert.strictEqual(bodyAttributes(latin1, 'text/plain; charset=ISO-8859-1', undefined, 100, NAMES)?.content, 'caf\u00e9');
      assert.strictEqual(bodyAttributes(latin1, 'text/plain;charset="latin1"', undefined, 100, NAMES)?.content, 'caf\u00e9');
      assert.strictEqual(bodyAttributes(latin1, 'text/plain; charset=us-ascii', undefined, 100, NAMES)?.content, 'caf\u00e9');
      assert.strictEqual(
        bodyAttributes(Buffer.from('h\u00e9', 'utf16le'), 'text/plain; charset=utf-16le', undefined, 100, NAMES)?.content,
        'h\u00e9'
      );
      assert.strictEqual(bodyAttributes(utf8('\u00e9'), 'text/plain; charset=shift_jis', undefined, 100, NAMES)?.content, '\u00e9');
    });

    it('reads no stream, FormData, Blob or other object', () => {
      const unread = [
        Readable.from(['text']),
        new FormData(),
        new Blob(['text']),
        new ReadableStream(),
        { a: 1 },
        [1, 2],
        42,
        true,
        null,
        undefined,
      ];
      for (const data of unread) assert.strictEqual(bodyAttributes(data, 'text/plain', '4', 100, NAMES), undefined, String(data));
    });
  });
});

describe('url module: the pure helpers', () => {
  beforeEach(() => resetInstrumentation());

  const defaults = compileQueryRedaction(DEFAULT_REDACTED_QUERY_PARAMS);
  const redacted = (url: string, redaction = defaults) => redactUrl(new URL(url), redaction).href;

  describe('redactUrl', () => {
    it('replaces user and password with REDACTED, whichever of them is present', () => {
      assert.strictEqual(redacted('https://user:pass@example.com/p'), 'https://REDACTED:REDACTED@example.com/p');
      assert.strictEqual(redacted('https://user@example.com/p'), 'https://REDACTED:REDACTED@example.com/p');
      assert.strictEqual(redacted('https://:pass@example.com/p'), 'https://REDACTED:REDACTED@example.com/p');
      assert.strictEqual(redacted('https://example.com/p'), 'https://example.com/p');
    });

    for (const key of DEFAULT_REDACTED_QUERY_PARAMS) {
      it(`replaces the value of ${key} with REDACTED, wherever it is in the query`, () => {
        assert.strictEqual(redacted(`https://h/p?${key}=secret%2Fvalue`), `https://h/p?${key}=REDACTED`);
        assert.strictEqual(redacted(`https://h/p?a=1&${key}=secret&b=2#frag`), `https://h/p?a=1&${key}=REDACTED&b=2`);
      });
    }

    it('lists the keys of the semantic conventions by default, and the common names of tokens, API keys and passwords', () => {
      for (const key of ['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature', 'access_token', 'api_key', 'key', 'password']) {
        assert.ok(DEFAULT_REDACTED_QUERY_PARAMS.includes(key), key);
      }
      assert.ok(Object.isFrozen(DEFAULT_REDACTED_QUERY_PARAMS));
    });

    it('compares keys without regard to case', () => {
      assert.strictEqual(
        redacted('https://h/?SIG=1&signature=2&Access_Token=3&page=4'),
        'https://h/?SIG=REDACTED&signature=REDACTED&Access_Token=REDACTED&page=4'
      );
      assert.strictEqual(redacted('https://h/?Tenant=t', compileQueryRedaction(['tenant'])), 'https://h/?Tenant=REDACTED');
    });

    it('leaves the encoding of every other parameter as it was', () => {
      const query = 'q=a%20b+c&emoji=%F0%9F%98%80&list[]=1&path=%2Fx%2Fy&bare&empty=&Signature=s3cr3t&plus=1+1';
      assert.strictEqual(
        redacted(`https://h/p?${query}`),
        `https://h/p?${query.replace('Signature=s3cr3t', 'Signature=REDACTED')}`
      );
    });

    it('redacts every occurrence of a key, and an empty value too', () => {
      assert.strictEqual(redacted('https://h/?sig=1&sig=2&sig='), 'https://h/?sig=REDACTED&sig=REDACTED&sig=REDACTED');
    });

    it('leaves keys that merely contain a redacted key, or have no value', () => {
      for (const url of ['https://h/?mysig=1', 'https://h/?sig', 'https://h/?signatures=1', 'https://h/?x=sig=1', 'https://h/?keys=1']) {
        assert.strictEqual(redacted(url), url);
      }
    });

    it('compares a key that cannot be percent-decoded as it is written, and still redacts the others', () => {
      assert.strictEqual(redacted('https://h/?%ZZ=1&sig=2'), 'https://h/?%ZZ=1&sig=REDACTED');
      assert.strictEqual(redacted('https://h/?%ZZ=1&b=2', compileQueryRedaction(['%ZZ'])), 'https://h/?%ZZ=REDACTED&b=2');
    });

    it('compares percent-encoded keys once decoded', () => {
      assert.strictEqual(redacted('https://h/?a=1&Sig%6Eature=s&sig=t'), 'https://h/?a=1&Sig%6Eature=REDACTED&sig=REDACTED');
    });

    // The cheap pre-check looks for `key=` in the encoded query, so a key that
    // is written encoded never reaches the decoding comparison. A key with a
    // space (encoded `+` by axios' params serialiser) is never redacted.
    it('redacts a configured key that needs encoding in the URL (a key with a space)', () => {
      const custom = compileQueryRedaction(['api key']);
      assert.strictEqual(redacted('https://h/?api+key=s3cr3t&x=1', custom), 'https://h/?api+key=REDACTED&x=1');
      assert.strictEqual(redacted('https://h/?api%20key=s3cr3t', custom), 'https://h/?api%20key=REDACTED');
    });

    it('a custom list replaces the default one, and its keys are matched literally', () => {
      const custom = compileQueryRedaction(['token', 'a.b']);
      assert.strictEqual(redacted('https://h/?token=t&Signature=s', custom), 'https://h/?token=REDACTED&Signature=s');
      assert.strictEqual(redacted('https://h/?aXb=1&a.b=2', custom), 'https://h/?aXb=1&a.b=REDACTED');
    });

    it('compileQueryRedaction([]) turns query redaction off, but not the userinfo redaction', () => {
      const none = compileQueryRedaction([]);
      assert.strictEqual(none.mayContainKey('?sig=1'), false);
      assert.strictEqual(redacted('https://u:p@h/?sig=1&Signature=2', none), 'https://REDACTED:REDACTED@h/?sig=1&Signature=2');
    });

    describe('with the sensitive patterns (the default)', () => {
      const sensitive = () => compileQueryRedaction(DEFAULT_REDACTED_QUERY_PARAMS, compileKeyMatcher([]));

      it('redacts a key however it is encoded, the second time as the first', () => {
        const redaction = sensitive();
        for (let round = 0; round < 2; round += 1) {
          for (const [url, expected] of [
            ['https://h/?%74oken=t&page=1', 'https://h/?%74oken=REDACTED&page=1'],
            ['https://h/?page=1&acc%65ss_token=a', 'https://h/?page=1&acc%65ss_token=REDACTED'],
            ['https://h/?api+key=k&x=1', 'https://h/?api+key=REDACTED&x=1'],
            ['https://h/?client%53ecret=c', 'https://h/?client%53ecret=REDACTED'],
            ['https://h/?user%5Fsession=s&%ZZ=1', 'https://h/?user%5Fsession=REDACTED&%ZZ=1'],
            ['https://h/?q=1&SIG', 'https://h/?q=1&SIG=REDACTED'],
            ['https://h/?q=token&next=%3Fpassword%3D1', 'https://h/?q=token&next=%3Fpassword%3D1'],
          ]) {
            assert.strictEqual(redacted(url, redaction), expected, `round ${round}: ${url}`);
          }
        }
      });

      it('tells a query with no sensitive key apart without splitting it, and one with such a key anywhere', () => {
        const redaction = sensitive();
        for (let round = 0; round < 2; round += 1) {
          assert.strictEqual(redaction.mayContainKey('?page=1&size=20&q=a+b'), false);
          assert.strictEqual(redaction.mayContainKey('?page=1&q=token%3Dx&authors=2'), false);
          assert.strictEqual(redaction.mayContainKey(''), false);
          assert.strictEqual(redaction.mayContainKey('?page=1&size=20&%74oken=x'), true);
          assert.strictEqual(redaction.mayContainKey('?page=1&size=20&pass+word'), false);
          assert.strictEqual(redaction.mayContainKey('?page=1&my_password'), true);
          assert.strictEqual(redaction.mayContainKey('page=1&sig=2'), true);
        }
      });

      it('judges every key right past the keys it remembers', () => {
        const redaction = sensitive();
        for (let round = 0; round < 2; round += 1) {
          for (let i = 0; i < 600; i += 1) {
            assert.strictEqual(redaction.mayContainKey(`?plain${i}=1&k${i}=2`), false, `plain${i}`);
            assert.strictEqual(redaction.mayContainKey(`?plain${i}=1&secret${i}=2`), true, `secret${i}`);
          }
        }
      });

      it('an anchored extra pattern matches the key alone, not the query', () => {
        const redaction = compileQueryRedaction(DEFAULT_REDACTED_QUERY_PARAMS, compileKeyMatcher([/^pin$/i]));
        assert.strictEqual(redacted('https://h/?a=1&PIN=1234&spin=2', redaction), 'https://h/?a=1&PIN=REDACTED&spin=2');
        assert.strictEqual(redacted('https://h/?spin=2', redaction), 'https://h/?spin=2');
      });
    });

    it('redactUrlsInText redacts every URL quoted in a message: userinfo, redacted keys, fragment; the rest of the text stays', () => {
      const redaction = compileQueryRedaction(DEFAULT_REDACTED_QUERY_PARAMS);
      assert.strictEqual(
        redactUrlsInText(
          'Request cannot be constructed from a URL that includes credentials: https://u:p@h/a?X-Amz-Signature=s&x=1#t\n    at f (file:///app/x.js:1:2)',
          redaction
        ),
        'Request cannot be constructed from a URL that includes credentials: https://REDACTED:REDACTED@h/a?X-Amz-Signature=REDACTED&x=1\n    at f (file:///app/x.js:1:2)'
      );
      assert.strictEqual(redactUrlsInText('connect ECONNREFUSED 127.0.0.1:80', redaction), 'connect ECONNREFUSED 127.0.0.1:80');
    });

    it('redacts the URL in place and returns it', () => {
      const url = new URL('https://u:p@h/?sig=1');
      assert.strictEqual(redactUrl(url, defaults), url);
      assert.strictEqual(url.href, 'https://REDACTED:REDACTED@h/?sig=REDACTED');
    });
  });

  describe('serverAddress and serverPort', () => {
    it('gives IPv6 addresses without brackets', () => {
      assert.strictEqual(serverAddress(new URL('http://[::1]:8080/')), '::1');
      assert.strictEqual(serverAddress(new URL('https://[2001:db8::1]/')), '2001:db8::1');
      assert.strictEqual(serverAddress(new URL('http://127.0.0.1/')), '127.0.0.1');
      assert.strictEqual(serverAddress(new URL('http://Example.COM/')), 'example.com');
    });

    it('gives the explicit port, else the default port of the scheme', () => {
      assert.strictEqual(serverPort(new URL('http://h:8080/')), 8080);
      assert.strictEqual(serverPort(new URL('http://[::1]:9/')), 9);
      assert.strictEqual(serverPort(new URL('http://h/')), 80);
      assert.strictEqual(serverPort(new URL('http://h:80/')), 80);
      assert.strictEqual(serverPort(new URL('https://h/')), 443);
      assert.strictEqual(serverPort(new URL('https://h:443/')), 443);
      assert.strictEqual(serverPort(new URL('ws://h/')), 80);
      assert.strictEqual(serverPort(new URL('wss://h/')), 443);
      assert.strictEqual(serverPort(new URL('ftp://h/')), undefined);
    });
  });

  describe('requestUrlString', () => {
    const getUri = axios.Axios.prototype.getUri as GetUri;
    const params = { a: 'x y', b: [1, 2] };

    it('builds the URL as axios would: baseURL joined, params serialised', () => {
      const href = requestUrlString(getUri, { baseURL: 'http://h:1/api/', url: 'items', params });
      assert.strictEqual(href, axios.getUri({ baseURL: 'http://h:1/api/', url: 'items', params }));
      const url = new URL(href as string);
      assert.strictEqual(url.pathname, '/api/items');
      assert.strictEqual(url.searchParams.get('a'), 'x y');
    });

    it("applies the defaults' baseURL under the config's own", () => {
      assert.strictEqual(requestUrlString(getUri, { url: 'items' }, { baseURL: 'http://d/' }), 'http://d/items');
      assert.strictEqual(requestUrlString(getUri, { url: 'items', baseURL: 'http://c/' }, { baseURL: 'http://d/' }), 'http://c/items');
    });

    it('is undefined when getUri throws, and a relative URL without baseURL is not described', () => {
      const throwing: GetUri = () => {
        throw new Error('no');
      };
      assert.strictEqual(requestUrlString(throwing, { url: 'http://h/', params: { a: 1 } }), undefined, 'getUri serialises params');
      const relative = requestUrlString(getUri, { url: '/relative' });
      assert.strictEqual(relative, '/relative');
      assert.strictEqual(describeRequestUrl(relative as string, compileQueryRedaction(['sig'])), undefined);
    });
  });

  describe('requestUrls', () => {
    const redaction = compileQueryRedaction(['sig']);

    it('describes a URL as describeRequestUrl does, the second time from the cache', () => {
      const cache = requestUrls(redaction);
      const href = 'http://user:pw@[::1]:8080/a?sig=s3cret&b=1#frag';
      const expected = {
        serverAddress: '::1',
        serverPort: 8080,
        scheme: 'http',
        redactedHref: 'http://REDACTED:REDACTED@[::1]:8080/a?sig=REDACTED&b=1',
      };
      assert.deepStrictEqual(describeRequestUrl(href, redaction), expected);
      const first = cache.describe(href);
      assert.deepStrictEqual(first, expected);
      assert.strictEqual(cache.describe(href), first, 'the same description, not parsed again');
      assert.strictEqual(cache.describe('not a url'), undefined);
      assert.strictEqual(cache.describe('not a url'), undefined);
    });

    it('holds at most its capacity, and does not keep very long URLs', () => {
      const cache = requestUrls(redaction, 2);
      const a = cache.describe('http://h/a');
      cache.describe('http://h/b');
      assert.strictEqual(cache.describe('http://h/a'), a);
      cache.describe('http://h/c'); // full: everything kept so far is dropped
      assert.notStrictEqual(cache.describe('http://h/a'), a);
      assert.deepStrictEqual(cache.describe('http://h/a'), a);
      const long = 'http://h/' + 'x'.repeat(3000);
      assert.notStrictEqual(cache.describe(long), cache.describe(long));
    });
  });
});
