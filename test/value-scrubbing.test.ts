/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Scrubbing reads values as well as keys: a credential inside a string value
// of a JSON body, a form value, a text body or a header value is hidden by its
// shape (`password=…`, `secret: …`, `Bearer …`, a URL with a sensitive query
// key or userinfo), while prose that merely names tokens, sessions or authors
// is kept. `scrubbing.callback` keeps chosen values; each redaction is listed
// in `axios.scrubbed` (`logfire.scrubbed` with Logfire's names).
//
// The property tests use a fixed seed (PROPERTY_SEED / PROPERTY_RUNS as in
// test/property.test.ts to explore more).

import * as assert from 'assert';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import fc from 'fast-check';

import type { ScrubMatch } from '../lib';
import { resolveConfig } from '../lib/config';
import type { ScrubbedNote } from '../lib/scrubbing';
import {
  ATTR_AXIOS_SCRUBBED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
  ATTR_LOGFIRE_SCRUBBED,
} from '../lib/semconv';
import { onlySpan } from './support/assertions';
import { CollectingLogger } from './support/diag';
import { propertyRuns, propertySeed } from './support/random';
import { useTestServer } from './support/suite';
import { axios, resetInstrumentation } from './support/telemetry';

const seed = propertySeed(20261202);
const runs = propertyRuns();

/** The body scrubber captureAll uses by default, and what it noted. */
function scrub(text: string, contentType: string | undefined, config = {}): { recorded: string; found: ScrubbedNote[] } {
  const scrubBody = resolveConfig({ captureAll: true, ...config }).capture.scrubBody;
  assert.ok(scrubBody);
  const found: ScrubbedNote[] = [];
  return { recorded: scrubBody(text, contentType, 'body', found), found };
}

/** An LLM chat answer that talks about tokens, sessions, authors, passwords and authentication. */
const LLM_ANSWER = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content:
          'Tokens are pieces of words; your session with the author resumes. A good password is long. ' +
          'Basic authentication sends the credentials with every request; a bearer token expires. ' +
          'Session: Monday and Tuesday. The secret of the story is kept by the authors.',
      },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 48, total_tokens: 60 },
};

function scrubbedRecord(attribute: unknown): ScrubbedNote[] {
  assert.strictEqual(typeof attribute, 'string', 'the record is a JSON string');
  return JSON.parse(attribute as string) as ScrubbedNote[];
}

describe('value scrubbing: credentials inside values, by their shape', function () {
  this.timeout(60_000);

  describe('the rule, directly', () => {
    const caught: Array<[string, string, string]> = [
      ['password=hunter2', 'password=[REDACTED]', 'password'],
      ['secret: abc', 'secret: [REDACTED]', 'secret'],
      ['Bearer abcdefSECRETtoken123', 'Bearer [REDACTED]', 'Bearer'],
      ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic [REDACTED]', 'auth'],
      ['/q?token=t0k3n&client_secret=cs-1&page=2', '/q?token=[REDACTED]&client_secret=[REDACTED]&page=2', 'token'],
      ['see https://ada:pa55@example.com/x', 'see https://[REDACTED]@example.com/x', 'userinfo'],
      ['https://example.com/x?sig=abc&X-Amz-Signature=def', 'https://example.com/x?sig=[REDACTED]&X-Amz-Signature=[REDACTED]', 'sig'],
      ['config: api_key=sk-12345, region=eu', 'config: api_key=[REDACTED], region=eu', 'api_key'],
      ['{"password": "hunter2", "user": "ada"}', '{"password": "[REDACTED]", "user": "ada"}', 'password'],
      ["{'apiKey': 'k-1'}", "{'apiKey': '[REDACTED]'}", 'api_key'],
      ['Cookie: session=abc; theme=dark', 'Cookie: [REDACTED]; theme=dark', 'cookie'],
      ['token: eyJhbGciOiJIUzI1NiJ9.e30.sig then more words', 'token: [REDACTED] then more words', 'token'],
      ['line one\npassword: letmein\nline three', 'line one\npassword: [REDACTED]\nline three', 'password'],
    ];
    for (const [text, expected, word] of caught) {
      it(`hides the credential in ${JSON.stringify(text)}`, () => {
        const { recorded, found } = scrub(text, 'text/plain');
        assert.strictEqual(recorded, expected);
        assert.strictEqual(found[0].matched_substring, word);
        assert.deepStrictEqual(found[0].path, ['attributes', 'body']);
      });
    }

    const kept = [
      'Tokens are pieces of words; your session with the author resumes',
      'password',
      'Session: Monday and Tuesday. Token: a unit of text.',
      'Basic understanding of the bearer bond market.',
      'The password policy: twelve characters at least, and never the same twice.',
      'const token = await getToken(); if (token == null) return;',
      'max_tokens=256&prompt_tokens=12&token_type=Bearer',
      'Authentication:** Use OAuth for the first step',
      'https://example.com/docs?page=2&author=ada',
      'Tokens: 50,000 per minute',
    ];
    for (const text of kept) {
      it(`keeps ${JSON.stringify(text)} as it is`, () => {
        const { recorded, found } = scrub(text, 'text/plain');
        assert.strictEqual(recorded, text);
        assert.deepStrictEqual(found, []);
      });
    }

    it('reads JSON string values at any depth, JSON inside a string too, and names each path', () => {
      const text = JSON.stringify({
        url: '/q?token=T1&client_secret=S1',
        note: 'Bearer abcdefSECRETtoken123',
        list: ['ok', { deep: 'api_key=K1' }],
        nested: JSON.stringify({ password: 'P1', user: 'ada' }),
        twice: JSON.stringify({ inner: JSON.stringify({ secret: 'S2' }) }),
        word: 'password',
      });
      const { recorded, found } = scrub(text, 'application/json');
      for (const secret of ['T1', 'S1', 'abcdefSECRETtoken123', 'K1', 'P1', 'S2']) assert.ok(!recorded.includes(secret), `${secret} in ${recorded}`);
      const parsed = JSON.parse(recorded) as Record<string, unknown>;
      assert.strictEqual(parsed.url, '/q?token=[REDACTED]&client_secret=[REDACTED]');
      assert.strictEqual(parsed.note, 'Bearer [REDACTED]');
      assert.deepStrictEqual(JSON.parse(parsed.nested as string), { password: '[REDACTED]', user: 'ada' });
      assert.strictEqual(parsed.word, 'password', 'a value that is only the word is kept');
      assert.deepStrictEqual(found, [
        { path: ['attributes', 'body', 'url'], matched_substring: 'token' },
        { path: ['attributes', 'body', 'url'], matched_substring: 'secret' },
        { path: ['attributes', 'body', 'note'], matched_substring: 'Bearer' },
        { path: ['attributes', 'body', 'list', 1, 'deep'], matched_substring: 'api_key' },
        { path: ['attributes', 'body', 'nested'], matched_substring: 'password' },
        { path: ['attributes', 'body', 'twice'], matched_substring: 'secret' },
      ]);
    });

    it('an LLM chat answer is kept byte for byte', () => {
      const text = JSON.stringify(LLM_ANSWER);
      assert.deepStrictEqual(scrub(text, 'application/json'), { recorded: text, found: [] });
    });

    it('a form value carrying a credential is replaced whole; extraPatterns reach values too', () => {
      const { recorded } = scrub('a=1&note=Bearer%20eyJhbGciOiJIUzI1NiJ9&q=tenant_id%3Dt-9', 'application/x-www-form-urlencoded', {
        scrubbing: { extraPatterns: ['tenant[-_]?id'] },
      });
      assert.strictEqual(recorded, 'a=1&note=[REDACTED]&q=[REDACTED]');
    });

    it('a value cut at the limit hides what is left of a credential', () => {
      assert.strictEqual(scrub('{"note":"Bearer abc', 'application/json').recorded, '{"note":"Bearer [REDACTED]');
      assert.strictEqual(scrub('{"note":"x password=hu', 'application/json').recorded, '{"note":"x password=[REDACTED]');
      assert.strictEqual(scrub('{"note":"{\\"secret\\":\\"ab', 'application/json').recorded, '{"note":"{\\"secret\\":\\"[REDACTED]');
    });

    it('keeps every byte of prose built from sensitive words without a credential shape (property)', () => {
      const word = fc.constantFrom(
        'token', 'tokens', 'session', 'author', 'authors', 'password', 'secret', 'auth', 'authentication', 'cookie',
        'bearer', 'Bearer', 'basic', 'Basic', 'credential', 'jwt', 'key', 'api', 'the', 'of', 'with', 'understanding', 'is'
      );
      const separator = fc.constantFrom(' ', ' ', ', ', '. ', '; ', '\n', ' - ');
      const prose = fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 30 }).map((parts) => parts.map(([w, s]) => w + s).join(''));
      fc.assert(
        fc.property(prose, fc.boolean(), (text, asJson) => {
          const body = asJson ? JSON.stringify({ content: text }) : text;
          const { recorded, found } = scrub(body, asJson ? 'application/json' : 'text/plain');
          assert.strictEqual(recorded, body);
          assert.deepStrictEqual(found, []);
        }),
        { seed, numRuns: runs || 200 }
      );
    });

    it('leaves no piece of a credential planted in prose, in JSON or text, cut anywhere (property)', () => {
      // Secrets from capitals and digits; the prose is lower case, so any 4-character piece found was copied from a secret.
      const secret = fc
        .array(fc.constantFrom(...'QXZVKW0123456789'), { minLength: 10, maxLength: 20 })
        .map((chars) => chars.join(''))
        .filter((text) => /\d/.test(text) && /[A-Z]/.test(text));
      const shape = fc.constantFrom(
        (s: string) => `password=${s}`,
        (s: string) => `secret: ${s}`,
        (s: string) => `Bearer ${s}`,
        (s: string) => `Authorization: Basic ${s}`,
        (s: string) => `/callback?token=${s}&page=2`,
        (s: string) => `{"api_key": "${s}"}`,
        (s: string) => `https://ada:${s}@example.com/`
      );
      const words = fc.array(fc.constantFrom('token', 'session', 'the', 'author', 'answer', 'is'), { maxLength: 6 }).map((list) => list.join(' '));
      fc.assert(
        fc.property(secret, shape, words, words, fc.boolean(), fc.nat(), (planted, write, before, after, asJson, cutAt) => {
          const text = `${before} ${write(planted)} ${after}`;
          const whole = asJson ? JSON.stringify({ note: text }) : text;
          const cut = whole.slice(0, cutAt % (whole.length + 1));
          const { recorded } = scrub(cut, asJson ? 'application/json' : 'text/plain');
          for (let start = 0; start + 4 <= planted.length; start += 1) {
            const piece = planted.slice(start, start + 4);
            assert.ok(!recorded.includes(piece), `${piece} of ${planted} in ${JSON.stringify(recorded)} (from ${JSON.stringify(cut)})`);
          }
        }),
        { seed, numRuns: runs || 300 }
      );
    });
  });

  describe('through axios, to a real server', () => {
    let answer = '{}';
    let answerType = 'application/json';
    let answerHeaders: Record<string, string> = {};
    const server = useTestServer((_req, res) => {
      res.setHeader('content-type', answerType);
      for (const [name, value] of Object.entries(answerHeaders)) res.setHeader(name, value);
      res.end(answer);
    });
    afterEach(() => {
      answer = '{}';
      answerType = 'application/json';
      answerHeaders = {};
    });

    it('a JSON response with secrets under innocuous keys exports none of them, and says what was redacted', async () => {
      resetInstrumentation({ captureAll: true });
      answer = JSON.stringify({ url: '/q?token=TK-77a&client_secret=CS-88b', note: 'Bearer abcdefSECRETtoken123', title: 'echo' });
      const response = await axios.get(server.url('/echo'));
      assert.strictEqual(response.data.note, 'Bearer abcdefSECRETtoken123', 'the application gets the real answer');
      const span = onlySpan();
      const recorded = String(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT]);
      for (const secret of ['TK-77a', 'CS-88b', 'abcdefSECRETtoken123']) assert.ok(!recorded.includes(secret), recorded);
      assert.strictEqual(
        recorded,
        '{"url":"/q?token=[REDACTED]&client_secret=[REDACTED]","note":"Bearer [REDACTED]","title":"echo"}'
      );
      assert.deepStrictEqual(scrubbedRecord(span.attributes[ATTR_AXIOS_SCRUBBED]), [
        { path: ['attributes', ATTR_HTTP_RESPONSE_BODY_CONTENT, 'url'], matched_substring: 'token' },
        { path: ['attributes', ATTR_HTTP_RESPONSE_BODY_CONTENT, 'url'], matched_substring: 'secret' },
        { path: ['attributes', ATTR_HTTP_RESPONSE_BODY_CONTENT, 'note'], matched_substring: 'Bearer' },
      ]);
    });

    it('an LLM-style response keeps its prose, and a span with nothing redacted carries no record', async () => {
      resetInstrumentation({ captureAll: true });
      answer = JSON.stringify(LLM_ANSWER);
      await axios.post(server.url('/v1/chat/completions'), { model: 'm', max_tokens: 256, messages: [{ role: 'user', content: 'What is a token?' }] });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], answer);
      assert.strictEqual(
        span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT],
        '{"model":"m","max_tokens":256,"messages":[{"role":"user","content":"What is a token?"}]}'
      );
      assert.strictEqual(span.attributes[ATTR_AXIOS_SCRUBBED], undefined);
      assert.strictEqual(span.attributes[ATTR_LOGFIRE_SCRUBBED], undefined);
    });

    it('a text/plain body carrying password= is redacted, sent and answered', async () => {
      resetInstrumentation({ captureAll: true });
      answerType = 'text/plain; charset=utf-8';
      answer = 'ok\nsecret: s3cr3t-value\n';
      await axios.post(server.url('/text'), 'user=ada password=hunter2 remember', { headers: { 'Content-Type': 'text/plain' } });
      assert.strictEqual(server.last.body.toString(), 'user=ada password=hunter2 remember', 'the server gets the real body');
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], 'user=ada password=[REDACTED] remember');
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'ok\nsecret: [REDACTED]\n');
    });

    it('a header value carrying a token under an innocuous name is redacted, request and response', async () => {
      resetInstrumentation({ captureHeaders: true });
      answerHeaders = { 'x-debug': 'user=ada; token=TK-5150; route=blue', 'x-plain': 'token bucket empty' };
      await axios.get(server.url('/headers'), { headers: { 'X-Debug': 'token=TK-4242', 'X-Note': 'the session ended' } });
      assert.strictEqual(server.last.headers['x-debug'], 'token=TK-4242', 'the server gets the real header');
      const span = onlySpan();
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-debug')], ['token=[REDACTED]']);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-note')], ['the session ended']);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_RESPONSE_HEADER('x-debug')], ['user=ada; token=[REDACTED]; route=blue']);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_RESPONSE_HEADER('x-plain')], ['token bucket empty']);
      assert.deepStrictEqual(scrubbedRecord(span.attributes[ATTR_AXIOS_SCRUBBED]), [
        { path: ['attributes', ATTR_HTTP_REQUEST_HEADER('x-debug'), 0], matched_substring: 'token' },
        { path: ['attributes', ATTR_HTTP_RESPONSE_HEADER('x-debug'), 0], matched_substring: 'token' },
      ]);
    });

    it('a value that is only the word is kept', async () => {
      resetInstrumentation({ captureAll: true });
      answer = '{"field":"password","kind":"secret","help":"token"}';
      await axios.get(server.url('/words'));
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], answer);
      assert.strictEqual(span.attributes[ATTR_AXIOS_SCRUBBED], undefined);
    });

    describe('scrubbing.callback', () => {
      let logger: CollectingLogger;
      beforeEach(() => {
        logger = new CollectingLogger();
        diag.setLogger(logger, DiagLogLevel.ALL);
      });
      afterEach(() => diag.disable());

      it('keeps a chosen path and redacts the rest; it sees the path, the value and the matched word', async () => {
        const seen: ScrubMatch[] = [];
        resetInstrumentation({
          captureAll: true,
          scrubbing: {
            callback: (match) => {
              seen.push(match);
              // This service's session ids are public identifiers, not secrets.
              if (match.path[match.path.length - 1] === 'session_id') return match.value;
              return undefined;
            },
          },
        });
        answer = '{"session_id":"SID-visible","private_key":"SK-hidden","note":"password=PW-hidden"}';
        await axios.get(server.url('/keys'));
        const span = onlySpan();
        assert.strictEqual(
          span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT],
          '{"session_id":"SID-visible","private_key":"[REDACTED]","note":"password=[REDACTED]"}'
        );
        assert.deepStrictEqual(
          seen.map(({ path, value, matchedSubstring }) => ({ path, value, matchedSubstring })),
          [
            { path: ['attributes', ATTR_HTTP_RESPONSE_BODY_CONTENT, 'session_id'], value: 'SID-visible', matchedSubstring: 'session' },
            { path: ['attributes', ATTR_HTTP_RESPONSE_BODY_CONTENT, 'private_key'], value: 'SK-hidden', matchedSubstring: 'private_key' },
            { path: ['attributes', ATTR_HTTP_RESPONSE_BODY_CONTENT, 'note'], value: 'PW-hidden', matchedSubstring: 'password' },
          ]
        );
        // What the callback kept is not listed as redacted.
        assert.deepStrictEqual(
          scrubbedRecord(span.attributes[ATTR_AXIOS_SCRUBBED]).map((note) => note.path[2]),
          ['private_key', 'note']
        );
        assert.deepStrictEqual(logger.errors, []);
      });

      it('a returned value other than the one found replaces the redaction, written as the place needs', async () => {
        resetInstrumentation({ captureAll: true, scrubbing: { callback: ({ value }) => (typeof value === 'string' ? `${value.length} chars` : undefined) } });
        answer = '{"password":"hunter2","note":"x \\"secret\\": \\"abc\\""}';
        await axios.get(server.url('/replaced'));
        assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"password":"7 chars","note":"x \\"secret\\": \\"3 chars\\""}');
      });

      it('a throwing callback still redacts, the request goes on, and diag says so', async () => {
        resetInstrumentation({
          captureAll: true,
          scrubbing: {
            callback: () => {
              throw new Error('callback bug');
            },
          },
        });
        answer = '{"password":"PW-1","note":"Bearer abcdefSECRETtoken123"}';
        const response = await axios.get(server.url('/throws'), { headers: { Authorization: 'Bearer visible-to-server' } });
        assert.strictEqual(response.status, 200);
        const span = onlySpan();
        assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"password":"[REDACTED]","note":"Bearer [REDACTED]"}');
        assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], ['[REDACTED]']);
        assert.ok(logger.errors.length >= 3, logger.errors.join('\n'));
        assert.ok(logger.errors.every((message) => /scrubbing\.callback threw; the value is redacted.*callback bug/.test(message)), logger.errors.join('\n'));
      });

      it('a callback that returns a promise redacts (the value cannot wait for it)', async () => {
        resetInstrumentation({ captureAll: true, scrubbing: { callback: async () => 'kept?' } });
        answer = '{"password":"PW-2"}';
        await axios.get(server.url('/promise'));
        assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"password":"[REDACTED]"}');
        assert.match(logger.errors.join('\n'), /scrubbing\.callback returned a promise/);
      });
    });

    it('with Logfire names, logfire.scrubbed lists each redaction of the span: bodies, header names and header values', async () => {
      resetInstrumentation({ captureAll: true, bodyAttributeNames: 'logfire' });
      answer = '{"access_token":"AT-1","debug":"api_key=K-2"}';
      answerHeaders = { 'x-trace-note': 'session=SS-3' };
      await axios.post(server.url('/login'), { user: 'ada', password: 'PW-4', note: 'token: eyJhbGciOiJIUzI1NiJ9.e30.x' }, {
        headers: { Authorization: 'Bearer b-5' },
      });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_AXIOS_SCRUBBED], undefined, 'one record, under the Logfire name');
      assert.strictEqual(span.attributes[ATTR_LOGFIRE_REQUEST_BODY_TEXT], '{"user":"ada","password":"[REDACTED]","note":"token: [REDACTED]"}');
      assert.strictEqual(span.attributes[ATTR_LOGFIRE_RESPONSE_BODY_TEXT], '{"access_token":"[REDACTED]","debug":"api_key=[REDACTED]"}');
      const record = scrubbedRecord(span.attributes[ATTR_LOGFIRE_SCRUBBED]);
      assert.deepStrictEqual(record, [
        { path: ['attributes', ATTR_LOGFIRE_REQUEST_BODY_TEXT, 'password'], matched_substring: 'password' },
        { path: ['attributes', ATTR_LOGFIRE_REQUEST_BODY_TEXT, 'note'], matched_substring: 'token' },
        { path: ['attributes', ATTR_HTTP_REQUEST_HEADER('authorization')], matched_substring: 'auth' },
        { path: ['attributes', ATTR_HTTP_RESPONSE_HEADER('x-trace-note'), 0], matched_substring: 'session' },
        { path: ['attributes', ATTR_LOGFIRE_RESPONSE_BODY_TEXT, 'access_token'], matched_substring: 'token' },
        { path: ['attributes', ATTR_LOGFIRE_RESPONSE_BODY_TEXT, 'debug'], matched_substring: 'api_key' },
      ]);
    });

    it('scrubbing: false reads no values and keeps no record (header names are still redacted)', async () => {
      resetInstrumentation({ captureAll: true, scrubbing: false });
      answerType = 'text/plain';
      answer = 'password=hunter2';
      await axios.get(server.url('/off'), { headers: { 'X-Debug': 'token=TK-1', Authorization: 'Bearer b' } });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'password=hunter2');
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-debug')], ['token=TK-1']);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], ['[REDACTED]']);
      assert.strictEqual(span.attributes[ATTR_AXIOS_SCRUBBED], undefined);
    });

    it("url.full: an OAuth authorization code is redacted by default, the state kept; in a body's URL too", async () => {
      resetInstrumentation({ captureAll: true });
      answer = '{"next":"/callback?code=AUTHCODE-2&state=st-2"}';
      await axios.get(server.url('/callback?code=AUTHCODE-1&state=st-1&access_token=AT-9'));
      const span = onlySpan();
      assert.match(String(span.attributes[ATTR_URL_FULL]), /\/callback\?code=REDACTED&state=st-1&access_token=REDACTED$/);
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"next":"/callback?code=[REDACTED]&state=st-2"}');
    });
  });
});
