/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { Readable } from 'stream';
import type { ReadableStream } from 'stream/web';
import { setImmediate as nextTurn } from 'timers/promises';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';

import type { AxiosInstrumentationConfig } from '../lib';
import {
  ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_REQUEST_BODY_SIZE,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
} from '../lib/semconv';
import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { defaultHandler } from './support/server';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

const CAPTURE_ALL: AxiosInstrumentationConfig = { captureAll: true };

type Adapter = 'http' | 'fetch';

/** Text, so that a capture keyed on the content type would be tempted to read it. */
const ONE_CHUNK = Buffer.from('one single chunk of text, written at once. '.repeat(60));
const CHUNK_COUNT = 64;
const CHUNK_SIZE = 1024;
/** What the TestServer's `/chunks` route writes: chunk i is CHUNK_SIZE bytes of value i. */
const CHUNKS = Buffer.concat(Array.from({ length: CHUNK_COUNT }, (_, i) => Buffer.alloc(CHUNK_SIZE, i % 256)));

/**
 * Reads a response stream to its end, as an application does. It starts only
 * after a turn of the event loop: a capture that had attached a `data`
 * listener would have set the stream flowing, and a single chunk would be gone
 * before this listener arrives (opentelemetry-js #5477).
 */
async function readAll(data: unknown, adapter: Adapter): Promise<Buffer> {
  await nextTurn();
  if (adapter === 'fetch') {
    const reader = (data as ReadableStream<Uint8Array>).getReader();
    const chunks: Buffer[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks);
      chunks.push(Buffer.from(value));
    }
  }
  const stream = data as Readable;
  // Fail at once rather than wait for an 'end' that has already been emitted.
  assert.strictEqual(stream.readableEnded, false, 'the stream was not read to its end by someone else');
  assert.strictEqual(stream.readableFlowing, null, 'nothing else is reading the stream');
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

const REQUEST_BODY_CONTENT = [ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_LOGFIRE_REQUEST_BODY_TEXT, ATTR_AXIOS_REQUEST_BODY_TRUNCATED];
const RESPONSE_BODY_CONTENT = [ATTR_HTTP_RESPONSE_BODY_CONTENT, ATTR_LOGFIRE_RESPONSE_BODY_TEXT, ATTR_AXIOS_RESPONSE_BODY_TRUNCATED];

function assertNotRecorded(span: ReadableSpan, names: string[]): void {
  for (const name of names) assert.strictEqual(span.attributes[name], undefined, `${name} is not recorded`);
}

describe("streams: capture never touches a body the application streams", () => {
  const server = useTestServer((req, res, body) => {
    if (req.url === '/one-write') {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.write(ONE_CHUNK);
      res.end();
    } else if (req.url === '/one-write-404') {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.write('{"error":"not found"}');
      res.end();
    } else defaultHandler(req, res, body);
  });
  beforeEach(() => resetInstrumentation(CAPTURE_ALL));

  /** The same request with the instrumentation off, for the bytes to compare with. */
  async function untracedBytes(url: string, adapter: Adapter): Promise<Buffer> {
    instrumentation.disable();
    try {
      const response = await axios.get(url, { responseType: 'stream', adapter });
      return await readAll(response.data, adapter);
    } finally {
      resetInstrumentation(CAPTURE_ALL);
    }
  }

  const responses: Array<[string, string, Buffer]> = [
    ['a single chunk written then ended', '/one-write', ONE_CHUNK],
    ['a single chunk sent with end()', '/binary?size=5000', Buffer.alloc(5000, 7)],
    [`${CHUNK_COUNT} chunks`, `/chunks?count=${CHUNK_COUNT}&size=${CHUNK_SIZE}`, CHUNKS],
  ];

  for (const adapter of ['http', 'fetch'] as const) {
    describe(`${adapter} adapter, responseType 'stream'`, () => {
      for (const [label, route, expected] of responses) {
        it(`${label}: the application reads exactly the bytes it reads without the instrumentation`, async () => {
          const url = server.url(route);
          const untraced = await untracedBytes(url, adapter);
          assert.strictEqual(finishedSpans().length, 0);

          const response = await axios.get(url, { responseType: 'stream', adapter });
          const traced = await readAll(response.data, adapter);

          assert.ok(untraced.equals(expected), 'the untraced request reads what the server wrote');
          assert.strictEqual(traced.length, untraced.length);
          assert.ok(traced.equals(untraced), 'byte for byte');
          const span = onlySpan();
          assertClientSpan(span, { method: 'GET', url, status: 200 });
          assertPropagated(span, server.last.headers);
          assertNotRecorded(span, RESPONSE_BODY_CONTENT);
        });
      }

      it('the span has ended, with its status and headers, before the application reads the stream', async () => {
        const url = server.url('/one-write');
        const response = await axios.get(url, { responseType: 'stream', adapter });
        const span = onlySpan();
        assertClientSpan(span, { method: 'GET', url, status: 200 });
        assert.deepStrictEqual(span.attributes[ATTR_HTTP_RESPONSE_HEADER('content-type')], ['text/plain; charset=utf-8']);
        assertNotRecorded(span, RESPONSE_BODY_CONTENT);
        assert.ok((await readAll(response.data, adapter)).equals(ONE_CHUNK));
      });

      it('an error response stays readable by the application, and its body is not captured', async () => {
        const url = server.url('/one-write-404');
        const error = await axios.get(url, { responseType: 'stream', adapter }).then(
          () => assert.fail('a 404 rejects'),
          (reason: unknown) => reason as { response: { data: unknown } }
        );
        const body = await readAll(error.response.data, adapter);
        assert.strictEqual(body.toString('utf8'), '{"error":"not found"}');
        const span = onlySpan();
        assertClientSpan(span, { method: 'GET', url, status: 404, errorType: '404' });
        assertNotRecorded(span, RESPONSE_BODY_CONTENT);
      });
    });
  }

  describe('a request body that is a Node Readable stream', () => {
    for (const [label, chunks] of [
      ['two chunks', ['first chunk, ', 'second chunk']],
      ['many chunks', Array.from({ length: 200 }, (_, i) => `line ${i}\n`)],
    ] as const) {
      it(`${label}: is sent intact and not captured, even with a textual content type`, async () => {
        const url = server.url('/upload');
        await axios.post(url, Readable.from(chunks.map((chunk) => Buffer.from(chunk))), {
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        });
        assert.strictEqual(server.last.body.toString('utf8'), chunks.join(''));
        const span = onlySpan();
        assertClientSpan(span, { method: 'POST', url, status: 200 });
        assertNotRecorded(span, [...REQUEST_BODY_CONTENT, ATTR_HTTP_REQUEST_BODY_SIZE]);
        assert.match(String(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT]), /"path":"\/upload"/, 'the response is captured');
      });
    }
  });
});
