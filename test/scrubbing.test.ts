/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Captured bodies are scrubbed by default. JSON and form bodies have
// the values of sensitive keys written as [REDACTED], at any depth, also when
// the body was cut at maxBodyLength; everything else is kept byte for byte.
//
// The property tests use a fixed seed (PROPERTY_SEED / PROPERTY_RUNS as in
// test/property.test.ts to explore more).

import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import fc from 'fast-check';

import { DEFAULT_SENSITIVE_HEADERS, DEFAULT_SENSITIVE_PATTERNS, REDACTED_BODY_VALUE } from '../lib';
import { SENSITIVE_HEADER_NAMES_ONLY } from '../lib/sensitive';
import { REDACTED_HEADER_VALUE } from '../lib/headers';
import { createBodyScrubber } from '../lib/scrubbing';
import { compileKeyMatcher, compilePatterns } from '../lib/sensitive';
import {
  ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
} from '../lib/semconv';
import { onlySpan } from './support/assertions';
import { propertyRuns, propertySeed } from './support/random';
import { useTestServer } from './support/suite';
import { axios, resetInstrumentation } from './support/telemetry';
import { diagCollectingScriptPrelude } from './support/child';

const execFileAsync = promisify(execFile);

const seed = propertySeed(20261130);
const runs = propertyRuns();

const isSensitive = compileKeyMatcher([]);

/** A JSON body scrubbed by its keys alone, as the body scrubber does with no eye for credentials in values. */
function scrubJson(text: string, isSensitiveKey: (key: string) => boolean): string {
  return createBodyScrubber(isSensitiveKey)(text, 'application/json');
}

/** A form body scrubbed by its keys alone. */
function scrubForm(text: string, isSensitiveKey: (key: string) => boolean): string {
  return createBodyScrubber(isSensitiveKey)(text, 'application/x-www-form-urlencoded');
}
const JSON_MARKER = `"${REDACTED_BODY_VALUE}"`;

/** Every 4-character piece of a secret. */
function pieces(secret: string): string[] {
  const all: string[] = [];
  for (let start = 0; start + 4 <= secret.length; start += 1) all.push(secret.slice(start, start + 4));
  return all;
}

function assertNoPieceOf(secrets: readonly string[], recorded: string, context: string): void {
  for (const secret of secrets) {
    for (const piece of pieces(secret)) {
      assert.ok(!recorded.includes(piece), `a piece (${piece}) of the secret ${secret} is recorded: ${recorded}\n${context}`);
    }
  }
}

// ------------------------------------------------------------ generated documents

/**
 * Secrets are drawn from letters that occur nowhere else in a generated
 * document (nor in the redaction marker), so any 4-character piece of one in
 * the recorded text can only have been copied from it.
 */
const SECRET_ALPHABET = 'БГДЖЗИЛПФЦЧШЩЭЮЯ';
/** Keys that no default pattern matches: no vowels, no s, j or w; escapes and unicode included. */
const PLAIN_KEY_ALPHABET = 'bcdfghlmpqrtvxyzBCDFGHLMPQRTVXYZ0123456789_- "\\\n\u00fc\u4e2d';
/** Sensitive keys as applications spell them. */
const SENSITIVE_KEYS = [
  'password', 'Passwd', 'client_secret', 'Authorization', 'apiKey', 'api-key', 'API KEY', 'access_token',
  'refresh_token', 'id_token', 'sessionId', 'Cookie', 'csrf', 'X-XSRF-TOKEN', 'jwt', 'user_ssn', 'creditCard',
  'social_security_number', 'private_key', 'credentials', 'token',
];
const STRING_ALPHABET = 'abcdefghijklmnopqrstuvwxyz ABC0123456789"\\/\n\t\u00e9\u4e2d\ud83d\ude00{}[]:,';

const chars = (alphabet: string) => fc.constantFrom(...Array.from(alphabet));
const textOf = (alphabet: string, minLength: number, maxLength: number) =>
  fc.array(chars(alphabet), { minLength, maxLength }).map((list) => list.join(''));

type Doc =
  | { kind: 'string'; value: string }
  | { kind: 'number'; text: string }
  | { kind: 'literal'; text: 'true' | 'false' | 'null' }
  | { kind: 'array'; items: Doc[] }
  | { kind: 'object'; entries: Entry[] };
interface Entry {
  key: string;
  sensitive: boolean;
  value: Doc;
  /** Write the key's first character as a \u escape. */
  escapeKey: boolean;
}

const secretString = textOf(SECRET_ALPHABET, 8, 24);
const numberText = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom('1e10', '-0.5E-3', '0')
);

const { doc: docArbitrary } = fc.letrec<{ doc: Doc; leaf: Doc; entry: Entry }>((tie) => ({
  leaf: fc.oneof(
    textOf(STRING_ALPHABET, 0, 12).map((value): Doc => ({ kind: 'string', value })),
    numberText.map((text): Doc => ({ kind: 'number', text })),
    fc.constantFrom('true', 'false', 'null').map((text): Doc => ({ kind: 'literal', text: text as 'true' }))
  ),
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('doc'), { maxLength: 4 }).map((items): Doc => ({ kind: 'array', items })),
    fc.array(tie('entry'), { maxLength: 5 }).map((entries): Doc => ({ kind: 'object', entries }))
  ),
  entry: fc.oneof(
    fc.record({ key: textOf(PLAIN_KEY_ALPHABET, 1, 8), sensitive: fc.constant(false), value: tie('doc'), escapeKey: fc.boolean() }),
    fc.record({
      key: fc.constantFrom(...SENSITIVE_KEYS),
      sensitive: fc.constant(true),
      // A secret string, or a secret nested in an object or array (the whole value is hidden).
      value: fc.oneof(
        secretString.map((value): Doc => ({ kind: 'string', value })),
        secretString.map((value): Doc => ({ kind: 'object', entries: [{ key: 'value', sensitive: false, escapeKey: false, value: { kind: 'string', value } }] })),
        fc.array(secretString, { minLength: 1, maxLength: 3 }).map((values): Doc => ({ kind: 'array', items: values.map((value) => ({ kind: 'string', value })) }))
      ),
      escapeKey: fc.boolean(),
    }),
  ),
}));

/** A document of generated JSON, with the spans of its sensitive values and plain leaves. */
interface Written {
  text: string;
  /** [start, end) of each sensitive key's value. */
  sensitiveValues: Array<[number, number]>;
  /** [start, end) of each leaf outside sensitive values. */
  plainLeaves: Array<[number, number]>;
  secrets: string[];
}

/** Writes a document as a server might: with whitespace of its own choosing, from `spacing`. */
function writeDocument(doc: Doc, spacing: string[]): Written {
  const written: Written = { text: '', sensitiveValues: [], plainLeaves: [], secrets: [] };
  let space = 0;
  const gap = () => spacing[space++ % spacing.length];
  const write = (node: Doc, insideSensitive: boolean) => {
    const start = written.text.length;
    switch (node.kind) {
      case 'string':
        written.text += JSON.stringify(node.value);
        if (insideSensitive) written.secrets.push(node.value);
        break;
      case 'number':
      case 'literal':
        written.text += node.text;
        break;
      case 'array':
        written.text += '[' + gap();
        node.items.forEach((item, index) => {
          if (index > 0) written.text += gap() + ',' + gap();
          write(item, insideSensitive);
        });
        written.text += gap() + ']';
        return;
      case 'object':
        written.text += '{' + gap();
        node.entries.forEach((entry, index) => {
          if (index > 0) written.text += gap() + ',' + gap();
          const key = JSON.stringify(entry.key);
          const escapedFirst = `"\\u${entry.key.charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(entry.key.slice(1)).slice(1)}`;
          written.text += entry.escapeKey ? escapedFirst : key;
          written.text += gap() + ':' + gap();
          const valueStart = written.text.length;
          write(entry.value, insideSensitive || entry.sensitive);
          if (entry.sensitive && !insideSensitive) written.sensitiveValues.push([valueStart, written.text.length]);
        });
        written.text += gap() + '}';
        return;
    }
    if (!insideSensitive) written.plainLeaves.push([start, written.text.length]);
  };
  write(doc, false);
  return written;
}

/** What the scrubber must make of the document cut at `cut`: each sensitive value begun before the cut replaced whole. */
function expectedScrubbed(written: Written, cut: number): string {
  let expected = '';
  let copied = 0;
  for (const [start, end] of written.sensitiveValues) {
    if (start >= cut) break;
    expected += written.text.slice(copied, start) + JSON_MARKER;
    copied = Math.min(end, cut);
  }
  return expected + written.text.slice(copied, cut);
}

const spacingArbitrary = fc.array(fc.constantFrom('', '', '', ' ', '\n  ', '\t', '\r\n'), { minLength: 1, maxLength: 6 });
/** A document with at least one sensitive key, at a depth the generator chose. */
const plantedDocument = fc
  .tuple(docArbitrary, fc.constantFrom(...SENSITIVE_KEYS), secretString, spacingArbitrary, fc.nat())
  .map(([doc, key, secret, spacing, where]) => {
    const planted: Entry = { key, sensitive: true, value: { kind: 'string', value: secret }, escapeKey: false };
    const top: Doc = doc.kind === 'object' ? doc : { kind: 'object', entries: [{ key: 'data', sensitive: false, value: doc, escapeKey: false }] };
    if (top.kind === 'object') top.entries.splice(where % (top.entries.length + 1), 0, planted);
    return writeDocument(top, spacing);
  });

function assertScrubbedCut(written: Written, cut: number, recorded: string): void {
  const context = `document: ${JSON.stringify(written.text)}\ncut at ${cut}`;
  assertNoPieceOf(written.secrets, recorded, context);
  for (const [start, end] of written.plainLeaves) {
    if (end <= cut) {
      const leaf = written.text.slice(start, end);
      assert.ok(recorded.includes(leaf), `the leaf ${leaf} is missing from ${JSON.stringify(recorded)}\n${context}`);
    }
  }
}

// ---------------------------------------------------------------------- tests

describe('body scrubbing', function () {
  this.timeout(60_000);

  describe('the scrubber, directly', () => {
    it('property: cut anywhere, a generated document keeps every plain byte and no piece of a planted secret', () => {
      fc.assert(
        fc.property(plantedDocument, fc.nat(), (written, anywhere) => {
          const cut = anywhere % (written.text.length + 1);
          const recorded = scrubJson(written.text.slice(0, cut), isSensitive);
          assertScrubbedCut(written, cut, recorded);
          assert.strictEqual(recorded, expectedScrubbed(written, cut), `document: ${JSON.stringify(written.text)}\ncut at ${cut}`);
        }),
        { seed, numRuns: runs || 2000 }
      );
    });

    it('property: the whole document is scrubbed exactly, and its every cut too (smaller documents, each cut)', () => {
      fc.assert(
        fc.property(plantedDocument, (written) => {
          for (let cut = 0; cut <= written.text.length; cut += 1) {
            assert.strictEqual(scrubJson(written.text.slice(0, cut), isSensitive), expectedScrubbed(written, cut), `cut at ${cut}`);
          }
        }),
        { seed: seed + 1, numRuns: runs || 150 }
      );
    });

    it('reads JSON under every JSON content type, forms under theirs, and leaves other text alone', () => {
      const scrub = createBodyScrubber(isSensitive);
      for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/problem+json', 'application/vnd.api+json',
        'application/x-ndjson', 'application/jsonl', 'application/json-seq', 'text/json', 'text/x-json', 'application/x-json']) {
        assert.strictEqual(scrub('{"token":"t"}', type), '{"token":"[REDACTED]"}', type);
      }
      assert.strictEqual(scrub('token=t', 'application/x-www-form-urlencoded;charset=UTF-8'), 'token=[REDACTED]');
      for (const type of ['text/plain', 'application/xml', 'application/graphql', 'text/csv']) {
        assert.strictEqual(scrub('{"token":"t"}', type), '{"token":"t"}', type);
      }
      assert.strictEqual(scrub(' [{"token":"t"}]', undefined), ' [{"token":"[REDACTED]"}]', 'no content type, opens like JSON');
      assert.strictEqual(scrub('token=t', undefined), 'token=t', 'no content type, not JSON');
    });

    it('a document without a sensitive key comes back as the same string', () => {
      const text = '{ "spaced" : [1, 2.5e3, -0, true, null],\n  "unicode": "Zo\u00eb \ud83d\ude00 \\u00e9 \\"q\\"" }';
      assert.strictEqual(scrubJson(text, isSensitive), text);
    });

    it('the login body, the token answer and NDJSON', () => {
      assert.strictEqual(
        scrubJson('{"username":"ada","password":"hunter2"}', isSensitive),
        '{"username":"ada","password":"[REDACTED]"}'
      );
      assert.strictEqual(
        scrubJson('{"access_token":"a1","token_type":"Bearer","expires_in":3600,"refresh_token":"r1","id_token":"i1"}', isSensitive),
        '{"access_token":"[REDACTED]","token_type":"Bearer","expires_in":3600,"refresh_token":"[REDACTED]","id_token":"[REDACTED]"}'
      );
      assert.strictEqual(scrubJson('{"a":1}\n{"token":"t"}\n[{"jwt":"j"}]\n', isSensitive), '{"a":1}\n{"token":"[REDACTED]"}\n[{"jwt":"[REDACTED]"}]\n');
    });

    it('a sensitive key whose value is an object or array has the whole value replaced', () => {
      assert.strictEqual(
        scrubJson('{"credentials": {"user": "u", "nested": ["}", {"x": 1}]}, "after": [1]}', isSensitive),
        '{"credentials": "[REDACTED]", "after": [1]}'
      );
      assert.strictEqual(scrubJson('[{"apiKey":[1,[2]]},{"ok":[]}]', isSensitive), '[{"apiKey":"[REDACTED]"},{"ok":[]}]');
    });

    it('one scrubber judges every key right again, past the keys it remembers and their hash collisions', () => {
      const scrub = createBodyScrubber(isSensitive);
      // 600 short keys, 600 keys of 13+ characters (which V8 would slice) and keys longer than any remembered:
      // more than the scrubber remembers, so slots are shared and replaced.
      const keys: string[] = [];
      for (let i = 0; i < 600; i += 1) keys.push(`k${i}`, `secret${i}`, `long_plain_key_${i}`, `long_api_key_${i}`);
      keys.push('x'.repeat(65), `${'x'.repeat(60)}token`, 'pass\\u0077ord');
      const body = `{${keys.map((key, i) => `"${key}":${i}`).join(',')}}`;
      const expected = `{${keys
        .map((key, i) => `"${key}":${isSensitive(key.replace('\\u0077', 'w')) ? '"[REDACTED]"' : i}`)
        .join(',')}}`;
      for (let round = 0; round < 3; round += 1) {
        assert.strictEqual(scrub(body, 'application/json'), expected, `round ${round}`);
        // The same keys in another order land on the remembered slots in another order.
        const reversed = `{${[...keys].reverse().map((key) => `"${key}":0`).join(',')}}`;
        const reversedExpected = `{${[...keys]
          .reverse()
          .map((key) => `"${key}":${isSensitive(key.replace('\\u0077', 'w')) ? '"[REDACTED]"' : 0}`)
          .join(',')}}`;
        assert.strictEqual(scrub(reversed, 'application/json'), reversedExpected, `round ${round}, reversed`);
      }
    });

    it('judges a key by its decoded text: an escaped sensitive key is still sensitive', () => {
      assert.strictEqual(scrubJson('{"pass\\u0077ord":"x","ok":1}', isSensitive), '{"pass\\u0077ord":"[REDACTED]","ok":1}');
      // A key whose escape cannot be decoded cannot be judged: its value is hidden.
      assert.strictEqual(scrubJson('{"bad\\x":"x","ok":1}', isSensitive), '{"bad\\x":"[REDACTED]","ok":1}');
    });

    for (const [where, text, expected] of [
      ['inside the sensitive value', '{"a":1,"password":"hunt', '{"a":1,"password":"[REDACTED]"'],
      ['inside an escape of the sensitive value', '{"password":"hu\\', '{"password":"[REDACTED]"'],
      ['inside a \\u escape of the sensitive value', '{"password":"hu\\u00', '{"password":"[REDACTED]"'],
      ['inside a nested sensitive value', '{"secret":{"a":["xy', '{"secret":"[REDACTED]"'],
      ['inside a bare number under a sensitive key', '{"pin_token":12', '{"pin_token":"[REDACTED]"'],
      ['inside the key', '{"a":1,"passw', '{"a":1,"passw'],
      ['inside an escape in the key', '{"a":1,"pass\\u00', '{"a":1,"pass\\u00'],
      ['between the key and the colon', '{"password" ', '{"password" '],
      ['right after the colon', '{"password": ', '{"password": '],
      ['inside a plain value', '{"name":"Ad', '{"name":"Ad'],
      ['inside a literal', '{"ok":tr', '{"ok":tr'],
    ] as const) {
      it(`a body cut ${where}`, () => assert.strictEqual(scrubJson(text, isSensitive), expected));
    }

    for (const [what, text, expected] of [
      ['single quotes', "{'password': 'x'}", '{[REDACTED]'],
      ['an unquoted key', '{"a":1, password: "x"}', '{"a":1, [REDACTED]'],
      ['an unknown word', '{"a": hunter2}', '{"a": [REDACTED]'],
      ['plain text', 'password=hunter2', '[REDACTED]'],
      ['text after the document', '{"a":1} password=hunter2', '{"a":1} [REDACTED]'],
    ] as const) {
      it(`a body that is not JSON despite its content type (${what}): the rest from where it stops being JSON is [REDACTED]`, () =>
        assert.strictEqual(scrubJson(text, isSensitive), expected));
    }

    it('an unquoted value under a sensitive key is hidden and the document read on', () => {
      assert.strictEqual(scrubJson('{"password": hunter2, "a": 1}', isSensitive), '{"password": "[REDACTED]", "a": 1}');
    });

    it('property: a form cut anywhere keeps every other byte and no piece of a planted secret', () => {
      const plainKey = textOf('bcdfghlmpqrtvxyz0123456789_ .&=\u00fc', 1, 8);
      const pair = fc.oneof(
        fc.tuple(plainKey, textOf('abcdefghijklmnopqrstuvwxyz0123456789 &=+%\u00e9', 0, 10), fc.constant(false)),
        // Encoded, Cyrillic would be hex escapes like any other letter's: these upper-case letters (no hex digit,
        // none of REDACTED's) occur nowhere else, and never four in a row in a key.
        fc.tuple(fc.constantFrom(...SENSITIVE_KEYS), textOf('GHJKLMNQUVWXYZ', 8, 24), fc.constant(true))
      );
      fc.assert(
        fc.property(fc.array(pair, { minLength: 1, maxLength: 8 }), fc.nat(), (pairs, anywhere) => {
          // Encoded as URLSearchParams encodes (spaces as +), then cut.
          const encoded = pairs.map(([key, value]) => new URLSearchParams([[key, value]]).toString());
          const text = encoded.join('&');
          const cut = anywhere % (text.length + 1);
          let expected = '';
          let offset = 0;
          pairs.forEach(([, , sensitive], index) => {
            const piece = encoded[index];
            const valueStart = offset + piece.indexOf('=') + 1;
            expected += sensitive && valueStart <= cut ? piece.slice(0, piece.indexOf('=') + 1) + REDACTED_BODY_VALUE : piece;
            expected += index < pairs.length - 1 ? '&' : '';
            offset += piece.length + 1;
          });
          // The expected text of the cut body: whole up to the pair the cut falls in, that pair as far as it goes.
          const cutPairs = text.slice(0, cut).split('&').length;
          const expectedCut = expected.split('&').slice(0, cutPairs);
          const lastWhole = text.slice(0, cut).split('&')[cutPairs - 1];
          if (!expectedCut[cutPairs - 1].endsWith(REDACTED_BODY_VALUE)) expectedCut[cutPairs - 1] = lastWhole;
          const recorded = scrubForm(text.slice(0, cut), isSensitive);
          assert.strictEqual(recorded, expectedCut.join('&'), `form ${text}, cut at ${cut}`);
          assertNoPieceOf(
            pairs.filter(([, , sensitive]) => sensitive).map(([, value]) => new URLSearchParams([['', value]]).toString().slice(1)),
            recorded,
            `form ${text}, cut at ${cut}`
          );
        }),
        { seed: seed + 3, numRuns: runs || 1000 }
      );
    });

    it('form bodies: sensitive keys compared decoded, every other byte kept, a cut value hidden', () => {
      assert.strictEqual(
        scrubForm('grant_type=client_credentials&client_id=app&client_secret=s%20t&scope=a+b', isSensitive),
        'grant_type=client_credentials&client_id=app&client_secret=[REDACTED]&scope=a+b'
      );
      assert.strictEqual(scrubForm('user=ada&pass%77ord=x&api+key=y&API%2DKEY=z&flag', isSensitive), 'user=ada&pass%77ord=[REDACTED]&api+key=[REDACTED]&API%2DKEY=[REDACTED]&flag');
      // Decoded as leniently as servers do: `pass%ZZword` is not a password.
      assert.strictEqual(scrubForm('pass%ZZ%77ord=x&pass%77ord%ZZ=y', isSensitive), 'pass%ZZ%77ord=x&pass%77ord%ZZ=[REDACTED]');
      assert.strictEqual(scrubForm('a=1&password=hun', isSensitive), 'a=1&password=[REDACTED]');
      assert.strictEqual(scrubForm('a=1&passw', isSensitive), 'a=1&passw');
      assert.strictEqual(scrubForm('a=%E2%82&b=1', isSensitive), 'a=%E2%82&b=1');
    });
  });

  describe('what counts as sensitive', () => {
    it('matches the default patterns in any case and with any separator', () => {
      for (const key of [
        'api_key', 'api-key', 'apiKey', 'API KEY', 'ApiKey', 'x.api.key', 'password', 'PASSWORD', 'passwd', 'userPassword',
        'client_secret', 'auth', 'Authorization', 'credentials', 'private_key', 'privateKey', 'session_id', 'JSESSIONID',
        'cookie', 'set-cookie', 'csrf_token', 'xsrfToken', 'jwt', 'ssn', 'userSsn', 'user-ssn', 'credit_card', 'creditCardNumber',
        'social_security', 'SocialSecurityNumber', 'token', 'access_token', 'accessToken', 'refresh_token', 'id_token',
      ]) {
        assert.ok(isSensitive(key), key);
      }
    });

    it('leaves ordinary keys, and token counts and OAuth token_type, alone', () => {
      for (const key of ['username', 'name', 'author', 'authors', 'classname', 'className', 'lessons', 'expires_in', 'scope',
        'max_tokens', 'prompt_tokens', 'completionTokens', 'total_tokens', 'token_type', 'keys', 'monkey']) {
        assert.ok(!isSensitive(key), key);
      }
    });

    it('extraPatterns: strings are case-insensitive regular expressions; an invalid one is searched as plain text', () => {
      const extra = compilePatterns(['^tenant', /Ident/, '(unclosed']);
      assert.deepStrictEqual(extra.invalid, ['(unclosed']);
      const matches = compileKeyMatcher(extra.patterns);
      for (const key of ['Tenant_ID', 'identity', 'x(unclosed)', 'password']) assert.ok(matches(key), key);
      assert.ok(!matches('my_tenant'));
    });

    it('the default header list is the default patterns plus the header-only ones, nothing said twice (one definition)', () => {
      assert.deepStrictEqual([...DEFAULT_SENSITIVE_HEADERS], [...DEFAULT_SENSITIVE_PATTERNS, ...SENSITIVE_HEADER_NAMES_ONLY]);
    });
  });

  describe('through axios, to a real server', () => {
    /** What the server answers: `answer` (JSON unless `answerType` says otherwise). */
    let answer = '{}';
    let answerType = 'application/json';
    const server = useTestServer((_req, res) => {
      res.setHeader('content-type', answerType);
      res.end(answer);
    });
    afterEach(() => {
      answer = '{}';
      answerType = 'application/json';
    });

    it('with captureAll and nothing else: a login body, an OAuth token answer and a client-credentials form carry no credential', async () => {
      resetInstrumentation({ captureAll: true });
      answer = '{"access_token":"AT-1x9","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2y8"}';
      const response = await axios.post(server.url('/login'), { username: 'ada', password: 'hunter2', remember: true });
      assert.strictEqual(response.data.access_token, 'AT-1x9', 'the application gets the real answer');
      assert.strictEqual(server.last.body.toString(), '{"username":"ada","password":"hunter2","remember":true}', 'the server gets the real body');
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], '{"username":"ada","password":"[REDACTED]","remember":true}');
      assert.strictEqual(
        span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT],
        '{"access_token":"[REDACTED]","token_type":"Bearer","expires_in":3600,"refresh_token":"[REDACTED]"}'
      );

      resetInstrumentation({ captureAll: true });
      await axios.post(server.url('/token'), new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cr3t+/=' }));
      assert.strictEqual(server.last.body.toString(), 'grant_type=client_credentials&client_id=app&client_secret=s3cr3t%2B%2F%3D');
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], 'grant_type=client_credentials&client_id=app&client_secret=[REDACTED]');
    });

    it('a form response and a +json response are scrubbed by key; other text by the credentials in it', async () => {
      resetInstrumentation({ captureResponseBody: true });
      answerType = 'application/x-www-form-urlencoded';
      answer = 'access_token=abc&expires_in=60';
      await axios.get(server.url('/form'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'access_token=[REDACTED]&expires_in=60');

      resetInstrumentation({ captureResponseBody: true });
      answerType = 'application/problem+json; charset=utf-8';
      answer = '{"title":"bad","session":"s-1"}';
      await axios.get(server.url('/problem'), { validateStatus: null });
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"title":"bad","session":"[REDACTED]"}');

      resetInstrumentation({ captureResponseBody: true });
      answerType = 'text/plain';
      answer = 'password: hunter2\nthe password policy changed';
      await axios.get(server.url('/text'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'password: [REDACTED]\nthe password policy changed');
    });

    it("arraybuffer responses are scrubbed too, and the logfire attribute names get the scrubbed text", async () => {
      resetInstrumentation({ captureAll: true, bodyAttributeNames: 'logfire' });
      answer = '{"jwt":"eyJ.x.y","user":"ada"}';
      const response = await axios.post(server.url('/a'), { apiKey: 'k-1', q: 'x' }, { responseType: 'arraybuffer' });
      assert.strictEqual(Buffer.from(response.data).toString(), answer);
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_LOGFIRE_REQUEST_BODY_TEXT], '{"apiKey":"[REDACTED]","q":"x"}');
      assert.strictEqual(span.attributes[ATTR_LOGFIRE_RESPONSE_BODY_TEXT], '{"jwt":"[REDACTED]","user":"ada"}');
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], undefined);
    });

    it('a body cut at maxBodyLength inside a secret records no part of it', async () => {
      resetInstrumentation({ captureAll: true, maxBodyLength: 34 });
      answer = '{"user":"ada","refresh_token":"RTabcdefghijklmnop"}';
      await axios.post(server.url('/cut'), { user: 'ada', password: 'PWabcdefghijklmnop' });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], '{"user":"ada","password":"[REDACTED]"');
      assert.strictEqual(span.attributes[ATTR_AXIOS_REQUEST_BODY_TRUNCATED], true);
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"user":"ada","refresh_token":"[REDACTED]"');
      assert.strictEqual(span.attributes[ATTR_AXIOS_RESPONSE_BODY_TRUNCATED], true);
    });

    it('extraPatterns reach body keys, header names and query keys alike, on top of the defaults', async () => {
      resetInstrumentation({ captureAll: true, scrubbing: { extraPatterns: ['tenant[-_]?id', /^x-internal/] } });
      answer = '{"tenantId":"t-1","password":"p","plain":"kept"}';
      await axios.post(server.url('/x?tenant_id=t-2&page=2&password=p'), 'tenant_id=t-3&a=1', {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Tenant-Id': 't-4', 'X-Internal-Route': 'r', Authorization: 'Bearer b' },
      });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"tenantId":"[REDACTED]","password":"[REDACTED]","plain":"kept"}');
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], 'tenant_id=[REDACTED]&a=1');
      assert.match(String(span.attributes[ATTR_URL_FULL]), /\?tenant_id=REDACTED&page=2&password=REDACTED$/);
      for (const header of ['x-tenant-id', 'x-internal-route', 'authorization']) {
        assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER(header)], [REDACTED_HEADER_VALUE], header);
      }
    });

    it('extraPatterns add to a given sensitiveHeaders and redactedQueryParams, which still replace their defaults', async () => {
      resetInstrumentation({
        captureAll: true,
        sensitiveHeaders: ['x-only'],
        redactedQueryParams: ['only'],
        scrubbing: { extraPatterns: ['tenant'] },
      });
      await axios.get(server.url('/x?only=1&tenant=2&token=3'), { headers: { 'X-Only': 'a', 'X-Tenant': 'b', Authorization: 'c' } });
      const span = onlySpan();
      assert.match(String(span.attributes[ATTR_URL_FULL]), /\?only=REDACTED&tenant=REDACTED&token=3$/);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-only')], [REDACTED_HEADER_VALUE]);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-tenant')], [REDACTED_HEADER_VALUE]);
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], ['c']);
    });

    it('by default, query keys matching the sensitive patterns are redacted in url.full too', async () => {
      resetInstrumentation();
      await axios.get(server.url('/x?session_id=s&clientSecret=c&page=1'));
      assert.match(String(onlySpan().attributes[ATTR_URL_FULL]), /\?session_id=REDACTED&clientSecret=REDACTED&page=1$/);
    });

    it('scrubbing: false records bodies as they are (headers and URLs are still redacted)', async () => {
      resetInstrumentation({ captureAll: true, scrubbing: false });
      answer = '{"access_token":"a"}';
      await axios.post(server.url('/x?token=t'), { password: 'hunter2' }, { headers: { Authorization: 'Bearer b' } });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], '{"password":"hunter2"}');
      assert.strictEqual(span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"access_token":"a"}');
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], [REDACTED_HEADER_VALUE]);
      assert.match(String(span.attributes[ATTR_URL_FULL]), /\?token=REDACTED$/);
    });

    it('scrubbing: false says so once through diag; an invalid extra pattern is reported', async () => {
      const script = `${diagCollectingScriptPrelude()}
        const instrumentation = new AxiosInstrumentation({ enabled: false, captureAll: true, scrubbing: false });
        instrumentation.setConfig({ captureAll: true, scrubbing: false });
        instrumentation.setConfig({ captureAll: true });
        const offWarnings = log.warnings.splice(0);
        new AxiosInstrumentation({ enabled: false, scrubbing: { extraPatterns: ['(oops'] } });
        process.stdout.write(JSON.stringify({ offWarnings, warnings: log.warnings, errors: log.errors }));
      `;
      const { stdout } = await execFileAsync(process.execPath, ['-e', script]);
      const result = JSON.parse(stdout) as { offWarnings: string[]; warnings: string[]; errors: string[] };
      assert.strictEqual(result.offWarnings.length, 1, result.offWarnings.join('\n'));
      assert.match(result.offWarnings[0], /scrubbing is false/);
      assert.deepStrictEqual(result.warnings, []);
      assert.strictEqual(result.errors.length, 1);
      assert.match(result.errors[0], /\(oops/);
    });

    it('escaped keys in JSON and percent-encoded keys in forms are judged decoded', async () => {
      resetInstrumentation({ captureResponseBody: true });
      answer = '{"\\u0070assword":"x","name":"ada"}';
      await axios.get(server.url('/escaped'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{"\\u0070assword":"[REDACTED]","name":"ada"}');

      resetInstrumentation({ captureResponseBody: true });
      answerType = 'application/x-www-form-urlencoded';
      answer = 'a=1&%70assword=x';
      await axios.get(server.url('/encoded-form'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], 'a=1&%70assword=[REDACTED]');
    });

    it('a JSON response that is not JSON is recorded up to where it stops being JSON', async () => {
      resetInstrumentation({ captureResponseBody: true });
      answer = "{'name': 'ada'}";
      await axios.get(server.url('/quotes'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '{[REDACTED]');
    });

    it('a JSON body without a content type is scrubbed when it opens like JSON', async () => {
      resetInstrumentation({ captureResponseBody: true });
      answerType = '';
      answer = '[{"secret":"x"}]';
      await axios.get(server.url('/untyped'));
      assert.strictEqual(onlySpan().attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT], '[{"secret":"[REDACTED]"}]');
    });

    it('property (a subset, through real requests): generated documents sent and answered, cut at random lengths, leak no piece of a secret', async () => {
      await fc.assert(
        fc.asyncProperty(plantedDocument, fc.integer({ min: 0, max: 400 }), async (written, maxBodyLength) => {
          resetInstrumentation({ captureAll: true, maxBodyLength });
          answer = written.text;
          await axios.post(server.url('/echo'), written.text, { headers: { 'Content-Type': 'application/json' }, responseType: 'text' });
          assert.strictEqual(server.last.body.toString(), written.text, 'the server got the document');
          const attributes = onlySpan().attributes;
          for (const name of [ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_HTTP_RESPONSE_BODY_CONTENT]) {
            const recorded = attributes[name];
            assert.strictEqual(typeof recorded, 'string', name);
            // The cut never splits a surrogate pair, so it may fall one unit short of maxBodyLength.
            const cut = Math.min(written.text.length, maxBodyLength);
            assertScrubbedCut(written, cut - 1, recorded as string);
          }
        }),
        { seed: seed + 2, numRuns: runs ? Math.ceil(runs / 10) : 60 }
      );
    });
  });
});
