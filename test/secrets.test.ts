/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// With captureAll and every other option at its default, no
// credential an application sends or receives reaches the backend. The
// application is a child process (test/fixtures/secrets-child.js: NodeSDK,
// OTLPTraceExporter over HTTP, the built package) that makes requests carrying
// planted secrets to the server here; a loopback "collector" here keeps the raw
// bytes of every export, and each secret's bytes are looked for in them. Each
// secret is random, so it can only be in the export if it was copied there.

import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';

import { DEFAULT_REDACTED_QUERY_PARAMS } from '../lib/url';
import { ATTR_HTTP_REQUEST_BODY_CONTENT, ATTR_HTTP_RESPONSE_BODY_CONTENT } from '../lib/semconv';
import { REDACTED_HEADER_VALUE } from '../lib/headers';
import { projectRoot, runNode } from './support/child';
import { Handler } from './support/server';
import { useTestServer } from './support/suite';
import { resetInstrumentation } from './support/telemetry';

// The compiled test runs from <outDir>/test, <outDir> being a folder of the project.
const CHILD_SCRIPT = path.join(projectRoot, 'test', 'fixtures', 'secrets-child.js');
const BUILT_PACKAGE = path.join(projectRoot, 'dist', 'index.js');
// Starting node and the SDK takes 1-2 s here; the child is killed after this.
const CHILD_TIMEOUT_MS = 15_000;
const OUTCOMES_LINE = 'OUTCOMES ';

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

/** Every planted secret, by what it is. */
const SECRETS = {
  bearer: secret('bearer'),
  cookie: secret('cookie'),
  setCookie: secret('set-cookie'),
  apiKey: secret('api-key'),
  userinfoHttp: secret('userinfo-http'),
  userinfoFetch: secret('userinfo-fetch'),
  authOption: secret('auth-option'),
  referer: secret('referer'),
  fragment: secret('fragment'),
  locationUserinfo: secret('location-userinfo'),
  locationSignature: secret('location-signature'),
  locationFragment: secret('location-fragment'),
  locationSig: secret('location-sig'),
  locationToken: secret('location-token'),
  followedUserinfo: secret('followed-userinfo'),
  followedSignature: secret('followed-signature'),
  errorPassword: secret('error-password'),
  errorSignature: secret('error-signature'),
  loginPassword: secret('login-password'),
  accessToken: secret('access-token'),
  refreshToken: secret('refresh-token'),
  idToken: secret('id-token'),
  clientSecret: secret('client-secret'),
  echoedToken: secret('echoed-token'),
  echoedClientSecret: secret('echoed-client-secret'),
  echoedBearer: secret('echoed-bearer'),
  textPassword: secret('text-password'),
  debugToken: secret('debug-token'),
};

/** An echo endpoint's answer: credentials inside values, under keys that are not sensitive. */
const ECHO_ANSWER = JSON.stringify({
  url: `/q?token=${SECRETS.echoedToken}&client_secret=${SECRETS.echoedClientSecret}`,
  note: `Bearer ${SECRETS.echoedBearer}`,
  title: 'echo',
});

/** The answer of an OAuth token endpoint. */
const TOKEN_ANSWER = JSON.stringify({
  access_token: SECRETS.accessToken,
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: SECRETS.refreshToken,
  id_token: SECRETS.idToken,
  scope: 'openid profile',
});

/** One secret for each key of the default list, half in the URL string, half through `params`. */
const DEFAULT_QUERY_SECRETS: Record<string, string> = Object.fromEntries(
  DEFAULT_REDACTED_QUERY_PARAMS.map((key) => [key, secret(`query-${key}`)])
);
/** Query keys that commonly carry credentials and are not in the default list. */
const COMMON_QUERY_SECRETS: Record<string, string> = Object.fromEntries(
  ['signature', 'token', 'api_key', 'access_token'].map((key) => [key, secret(`query-${key}`)])
);

const query = (pairs: Record<string, string>) =>
  Object.entries(pairs)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
const half = (pairs: Record<string, string>, first: boolean) => {
  const entries = Object.entries(pairs);
  const middle = Math.ceil(entries.length / 2);
  return Object.fromEntries(first ? entries.slice(0, middle) : entries.slice(middle));
};

interface PlannedRequest {
  /** Also its path: `/plant/<name>`. */
  name: string;
  adapter: 'http' | 'fetch' | 'undici-request';
  config: Record<string, unknown>;
}

/** The requests the child makes, with their secrets; `origin` is the server's, `host` its host:port. */
function plannedRequests(origin: string, host: string): PlannedRequest[] {
  const plant = (name: string) => `${origin}/plant/${name}`;
  return [
    {
      name: 'headers',
      adapter: 'http',
      config: {
        url: plant('headers'),
        headers: {
          Authorization: `Bearer ${SECRETS.bearer}`,
          Cookie: `sid=${SECRETS.cookie}`,
          'X-API-Key': SECRETS.apiKey,
          Referer: `http://127.0.0.1/page?X-Amz-Signature=${SECRETS.referer}`,
        },
      },
    },
    { name: 'userinfo-http', adapter: 'http', config: { url: `http://alice:${SECRETS.userinfoHttp}@${host}/plant/userinfo-http` } },
    { name: 'userinfo-fetch', adapter: 'fetch', config: { url: `http://frank:${SECRETS.userinfoFetch}@${host}/plant/userinfo-fetch` } },
    { name: 'auth-option', adapter: 'http', config: { url: plant('auth-option'), auth: { username: 'dave', password: SECRETS.authOption } } },
    {
      name: 'default-query',
      adapter: 'http',
      config: {
        url: `${plant('default-query')}?${query(half(DEFAULT_QUERY_SECRETS, true))}&keep=visible-value`,
        params: half(DEFAULT_QUERY_SECRETS, false),
      },
    },
    { name: 'common-query', adapter: 'http', config: { url: `${plant('common-query')}?${query(COMMON_QUERY_SECRETS)}` } },
    { name: 'fragment', adapter: 'http', config: { url: `${plant('fragment')}#access_token=${SECRETS.fragment}` } },
    // Not followed, so that the application (and the span) get the 302 and its Location.
    { name: 'location', adapter: 'http', config: { url: plant('location'), maxRedirects: 0, validateStatus: null } },
    { name: 'location-relative', adapter: 'http', config: { url: plant('location-relative'), maxRedirects: 0, validateStatus: null } },
    { name: 'location-token', adapter: 'http', config: { url: plant('location-token'), maxRedirects: 0, validateStatus: null } },
    { name: 'redirect-followed', adapter: 'http', config: { url: plant('redirect-followed') } },
    {
      name: 'login-body',
      adapter: 'http',
      config: { url: plant('login-body'), method: 'post', data: { username: 'ada', password: SECRETS.loginPassword, remember: true } },
    },
    { name: 'oauth-token', adapter: 'fetch', config: { url: plant('oauth-token'), method: 'post', data: { grant_type: 'refresh_token' } } },
    {
      name: 'client-credentials',
      adapter: 'http',
      // The child makes URLSearchParams of `form`, as an application does.
      config: { url: plant('client-credentials'), method: 'post', form: { grant_type: 'client_credentials', client_id: 'app-1', client_secret: SECRETS.clientSecret } },
    },
    {
      name: 'echo-values',
      adapter: 'http',
      config: {
        url: plant('echo-values'),
        method: 'post',
        data: `user=ada password=${SECRETS.textPassword} remember`,
        headers: { 'Content-Type': 'text/plain', 'X-Debug': `token=${SECRETS.debugToken}` },
      },
    },
    {
      name: 'error-message',
      adapter: 'undici-request',
      config: { url: `http://erin:${SECRETS.errorPassword}@${host}/plant/error-message?X-Amz-Signature=${SECRETS.errorSignature}` },
    },
  ];
}

/** The server's answers: the planted responses, else a small JSON that carries no secret. */
function plantingHandler(origin: () => string): Handler {
  return (req, res) => {
    const route = new URL(req.url ?? '/', 'http://localhost').pathname;
    const host = new URL(origin()).host;
    const redirect = (location: string) => {
      res.statusCode = 302;
      res.setHeader('location', location);
    };
    if (route === '/plant/headers') res.setHeader('set-cookie', [`session=${SECRETS.setCookie}; HttpOnly; Path=/`, 'theme=dark']);
    else if (route === '/plant/location') {
      redirect(
        `http://bob:${SECRETS.locationUserinfo}@${host}/landing?X-Amz-Signature=${SECRETS.locationSignature}&keep=1` +
          `#access_token=${SECRETS.locationFragment}`
      );
    } else if (route === '/plant/location-relative') redirect(`/landing?sig=${SECRETS.locationSig}&keep=1`);
    else if (route === '/plant/location-token') redirect(`/landing?token=${SECRETS.locationToken}&keep=1`);
    else if (route === '/plant/redirect-followed') {
      redirect(`http://carol:${SECRETS.followedUserinfo}@${host}/landing?X-Amz-Signature=${SECRETS.followedSignature}`);
    }
    res.setHeader('content-type', 'application/json');
    res.end(route === '/plant/oauth-token' ? TOKEN_ANSWER : route === '/plant/echo-values' ? ECHO_ANSWER : '{"ok":true}');
  };
}

/** What the application saw of one request. */
interface AppOutcome {
  status?: number;
  failed?: boolean;
  code?: string;
  message?: string;
  headers?: Record<string, unknown>;
}

/** Runs the child (see runNode) with the plan in its environment; returns what the application saw. */
async function runSecretsChild(plan: object): Promise<Record<string, AppOutcome>> {
  const run = await runNode([CHILD_SCRIPT], CHILD_TIMEOUT_MS, { SECRETS_PLAN: JSON.stringify(plan) });
  const [outcomes] = run.linesStartingWith(OUTCOMES_LINE);
  if (!outcomes) throw new Error(`the child printed no outcomes\n${run.stdout}`);
  return outcomes as Record<string, AppOutcome>;
}

// ------------------------------------------------------- reading OTLP/JSON

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  attributes?: OtlpKeyValue[];
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface OtlpTraces {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** An exported span, its attributes flattened. */
interface ExportedSpan {
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  statusMessage?: string;
}

function plainValue(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plainValue);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

function plainAttributes(attributes: OtlpKeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, plainValue(value)]));
}

function exportedSpans(bodies: Buffer[]): ExportedSpan[] {
  return bodies.flatMap((body) =>
    ((JSON.parse(body.toString('utf8')) as OtlpTraces).resourceSpans ?? []).flatMap((resourceSpans) =>
      (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
        (scopeSpans.spans ?? []).map((span) => ({
          attributes: plainAttributes(span.attributes),
          events: (span.events ?? []).map((event) => ({ name: event.name, attributes: plainAttributes(event.attributes) })),
          statusMessage: span.status?.message,
        }))
      )
    )
  );
}

describe('secrets: with captureAll and default redaction, no planted secret reaches the OTLP/HTTP export (child process, NodeSDK)', function () {
  this.timeout(CHILD_TIMEOUT_MS + 5000);

  const server = useTestServer(plantingHandler(() => server.origin));
  const collector = useTestServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  let outcomes: Record<string, AppOutcome>;
  /** The decompressed bodies of every export request, as the collector received them. */
  let exports: Buffer[];
  let spans: ExportedSpan[];

  /** The exported span of the request `/plant/<name>`, found by the path in its url.full. */
  function spanOf(name: string): ExportedSpan {
    const matching = spans.filter((span) => new RegExp(`/plant/${name}(?:[?#]|$)`).test(String(span.attributes[ATTR_URL_FULL])));
    const urls = spans.map((span) => span.attributes[ATTR_URL_FULL]).join(', ');
    assert.strictEqual(matching.length, 1, `one exported span for /plant/${name}; url.full: ${urls}`);
    return matching[0];
  }

  /** Where in the exported spans a text occurs: `<request path> <attribute> = <value>`, or `... status.message`. */
  function whereExported(text: string): string[] {
    const found: string[] = [];
    for (const span of spans) {
      const request = /\/plant\/[\w-]+/.exec(String(span.attributes[ATTR_URL_FULL]))?.[0] ?? String(span.attributes[ATTR_URL_FULL]);
      const look = (attributes: Record<string, unknown>, prefix: string) => {
        for (const [key, value] of Object.entries(attributes)) {
          const shown = JSON.stringify(value);
          if (shown.includes(text)) found.push(`${request}: ${prefix}${key} = ${shown.length > 300 ? `${shown.slice(0, 300)}...` : shown}`);
        }
      };
      look(span.attributes, '');
      for (const event of span.events) look(event.attributes, `event ${event.name}: `);
      if (span.statusMessage?.includes(text)) found.push(`${request}: status.message = ${span.statusMessage}`);
    }
    return found;
  }

  /** None of the secrets' UTF-8 bytes occur in any export request's body; else fails saying where each one is. */
  function assertNotExported(secrets: Record<string, string>): void {
    const leaks = Object.entries(secrets).flatMap(([label, value]) => {
      const bytes = Buffer.from(value, 'utf8');
      if (!exports.some((body) => body.includes(bytes))) return [];
      const where = whereExported(value);
      return [`${label} was exported:\n    ${where.length ? where.join('\n    ') : 'outside any span attribute'}`];
    });
    if (leaks.length > 0) assert.fail(leaks.join('\n'));
  }

  before(async () => {
    assert.ok(fs.existsSync(BUILT_PACKAGE), `the built package is at ${BUILT_PACKAGE} (npm run build)`);
    outcomes = await runSecretsChild({
      collectorUrl: collector.url('/v1/traces'),
      requests: plannedRequests(server.origin, new URL(server.origin).host),
    });
    exports = collector.received.map(({ headers, body }) => (headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body));
    // Anything but JSON fails the first premise; the bytes are searched all the same.
    const json = collector.received.every(({ headers }) => headers['content-type'] === 'application/json');
    spans = json ? exportedSpans(exports) : [];
  });
  beforeEach(() => resetInstrumentation({ captureAll: true }));

  describe('the premises', () => {
    it('the export is OTLP JSON and holds one span for every request made, with its path in url.full', () => {
      assert.ok(collector.received.length > 0, 'the collector received an export');
      for (const { method, path: route, headers } of collector.received) {
        assert.deepStrictEqual(
          { method, route, contentType: headers['content-type'] },
          { method: 'POST', route: '/v1/traces', contentType: 'application/json' }
        );
      }
      const names = plannedRequests('http://x', 'x').map(({ name }) => name);
      for (const name of names) {
        spanOf(name);
        assert.ok(exports.some((body) => body.includes(`/plant/${name}`)), `the raw export names /plant/${name}`);
      }
      // The followed redirect is two hops on the wire, each a span: the second went to /landing.
      const landing = spans.filter((span) => /\/landing\?/.test(String(span.attributes[ATTR_URL_FULL])));
      assert.strictEqual(landing.length, 1, 'one span for the hop the followed redirect led to');
      assert.match(String(landing[0].attributes[ATTR_URL_FULL]), /^http:\/\/REDACTED:REDACTED@127\.0\.0\.1:\d+\/landing\?X-Amz-Signature=REDACTED$/);
      assert.strictEqual(spans.length, names.length + 1, 'no other span');
    });

    it('the secrets went out and came back: the server received each planted header and the application saw each planted answer', () => {
      const received = (name: string) => {
        const request = server.received.find(({ path: route }) => route.startsWith(`/plant/${name}`));
        assert.ok(request, `the server received /plant/${name}`);
        return request;
      };
      assert.strictEqual(received('headers').headers.authorization, `Bearer ${SECRETS.bearer}`);
      assert.strictEqual(received('headers').headers.cookie, `sid=${SECRETS.cookie}`);
      assert.strictEqual(received('headers').headers['x-api-key'], SECRETS.apiKey);
      assert.strictEqual(received('userinfo-http').headers.authorization, `Basic ${basic('alice', SECRETS.userinfoHttp)}`);
      assert.strictEqual(received('userinfo-fetch').headers.authorization, `Basic ${basic('frank', SECRETS.userinfoFetch)}`);
      assert.strictEqual(received('auth-option').headers.authorization, `Basic ${basic('dave', SECRETS.authOption)}`);
      for (const value of Object.values(DEFAULT_QUERY_SECRETS)) assert.ok(received('default-query').path.includes(value), value);
      for (const value of Object.values(COMMON_QUERY_SECRETS)) assert.ok(received('common-query').path.includes(value), value);

      assert.match(String(outcomes.headers.headers?.['set-cookie']), new RegExp(SECRETS.setCookie));
      assert.strictEqual(outcomes.location.status, 302);
      assert.match(String(outcomes.location.headers?.location), new RegExp(SECRETS.locationSignature));
      assert.strictEqual(outcomes['redirect-followed'].status, 200);
      assert.ok(
        server.received.some(({ path: route }) => route.includes(SECRETS.followedSignature)),
        'the redirect was followed to the URL with the signature'
      );
      // The message quotes the URL, credentials, query and all.
      assert.strictEqual(outcomes['error-message'].failed, true);
      assert.match(String(outcomes['error-message'].message), new RegExp(`${SECRETS.errorPassword}.*${SECRETS.errorSignature}`));
      assert.ok(received('login-body').body.includes(SECRETS.loginPassword), 'the server got the password');
      assert.ok(received('client-credentials').body.includes(`client_secret=${SECRETS.clientSecret}`), 'the server got the client secret');
      assert.strictEqual(outcomes['oauth-token'].status, 200);
    });
  });

  describe('bodies (scrubbed by default)', () => {
    it('a login body is exported with the password [REDACTED] and every other field as sent', () => {
      assert.strictEqual(
        spanOf('login-body').attributes[ATTR_HTTP_REQUEST_BODY_CONTENT],
        '{"username":"ada","password":"[REDACTED]","remember":true}'
      );
      assertNotExported({ loginPassword: SECRETS.loginPassword });
    });

    it("an OAuth token endpoint's answer (fetch adapter) is exported with its tokens [REDACTED]", () => {
      assert.strictEqual(
        spanOf('oauth-token').attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT],
        TOKEN_ANSWER.replace(SECRETS.accessToken, '[REDACTED]').replace(SECRETS.refreshToken, '[REDACTED]').replace(SECRETS.idToken, '[REDACTED]')
      );
      assertNotExported({ accessToken: SECRETS.accessToken, refreshToken: SECRETS.refreshToken, idToken: SECRETS.idToken });
    });

    it('a client-credentials form body is exported with client_secret [REDACTED]', () => {
      assert.strictEqual(
        spanOf('client-credentials').attributes[ATTR_HTTP_REQUEST_BODY_CONTENT],
        'grant_type=client_credentials&client_id=app-1&client_secret=[REDACTED]'
      );
      assertNotExported({ clientSecret: SECRETS.clientSecret });
    });
  });

  describe('credentials inside values (scrubbed by their shape)', () => {
    it('an echoed answer with secrets under innocuous keys, a text body with password= and a token in X-Debug are exported without them', () => {
      const span = spanOf('echo-values');
      assert.strictEqual(
        span.attributes[ATTR_HTTP_RESPONSE_BODY_CONTENT],
        '{"url":"/q?token=[REDACTED]&client_secret=[REDACTED]","note":"Bearer [REDACTED]","title":"echo"}'
      );
      assert.strictEqual(span.attributes[ATTR_HTTP_REQUEST_BODY_CONTENT], 'user=ada password=[REDACTED] remember');
      assert.deepStrictEqual(span.attributes[ATTR_HTTP_REQUEST_HEADER('x-debug')], ['token=[REDACTED]']);
      assertNotExported({
        echoedToken: SECRETS.echoedToken,
        echoedClientSecret: SECRETS.echoedClientSecret,
        echoedBearer: SECRETS.echoedBearer,
        textPassword: SECRETS.textPassword,
        debugToken: SECRETS.debugToken,
      });
    });
  });

  describe('request and response headers', () => {
    it('a bearer token in Authorization is exported only as [REDACTED]', () => {
      assert.deepStrictEqual(spanOf('headers').attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], [REDACTED_HEADER_VALUE]);
      assertNotExported({ bearer: SECRETS.bearer });
    });

    it('a Cookie request header is exported only as [REDACTED]', () => {
      assert.deepStrictEqual(spanOf('headers').attributes[ATTR_HTTP_REQUEST_HEADER('cookie')], [REDACTED_HEADER_VALUE]);
      assertNotExported({ cookie: SECRETS.cookie });
    });

    it('a Set-Cookie response header is exported only as [REDACTED]', () => {
      assert.deepStrictEqual(spanOf('headers').attributes[ATTR_HTTP_RESPONSE_HEADER('set-cookie')], [REDACTED_HEADER_VALUE]);
      assertNotExported({ setCookie: SECRETS.setCookie });
    });

    it('an X-API-Key header is exported only as [REDACTED]', () => {
      assert.deepStrictEqual(spanOf('headers').attributes[ATTR_HTTP_REQUEST_HEADER('x-api-key')], [REDACTED_HEADER_VALUE]);
      assertNotExported({ apiKey: SECRETS.apiKey });
    });

    it('a Referer with a signature in its query is exported with the signature REDACTED', () => {
      assert.deepStrictEqual(spanOf('headers').attributes[ATTR_HTTP_REQUEST_HEADER('referer')], [
        'http://127.0.0.1/page?X-Amz-Signature=REDACTED',
      ]);
      assertNotExported({ referer: SECRETS.referer });
    });
  });

  describe('credentials in the URL', () => {
    it('a password in the userinfo is exported neither in url.full nor as the Basic Authorization it becomes (http and fetch adapters, auth option)', () => {
      for (const name of ['userinfo-http', 'userinfo-fetch']) {
        assert.match(String(spanOf(name).attributes[ATTR_URL_FULL]), /^http:\/\/REDACTED:REDACTED@127\.0\.0\.1:\d+\//);
        assert.deepStrictEqual(spanOf(name).attributes[ATTR_HTTP_REQUEST_HEADER('authorization')], [REDACTED_HEADER_VALUE]);
      }
      assertNotExported({
        userinfoHttp: SECRETS.userinfoHttp,
        userinfoHttpBasic: basic('alice', SECRETS.userinfoHttp),
        userinfoFetch: SECRETS.userinfoFetch,
        userinfoFetchBasic: basic('frank', SECRETS.userinfoFetch),
        authOption: SECRETS.authOption,
        authOptionBasic: basic('dave', SECRETS.authOption),
      });
    });

    it(`the values of the default redacted query keys (${DEFAULT_REDACTED_QUERY_PARAMS.join(', ')}) are not exported, from the URL string or from params`, () => {
      const url = String(spanOf('default-query').attributes[ATTR_URL_FULL]);
      for (const key of DEFAULT_REDACTED_QUERY_PARAMS) assert.ok(url.includes(`${key}=REDACTED`), `${key} in ${url}`);
      assert.ok(url.includes('keep=visible-value'), `the other parameters are kept: ${url}`);
      assertNotExported(DEFAULT_QUERY_SECRETS);
    });

    it('a fragment (#access_token=...) is not exported', () => {
      assert.ok(!String(spanOf('fragment').attributes[ATTR_URL_FULL]).includes('#'));
      assertNotExported({ fragment: SECRETS.fragment });
    });

    it('the values of the common credential query keys signature, token, api_key and access_token are not exported in url.full', () => {
      assertNotExported(COMMON_QUERY_SECRETS);
    });
  });

  describe('redirects', () => {
    it('a Location with userinfo, a signature and a fragment is exported with all three redacted', () => {
      const [location] = spanOf('location').attributes[ATTR_HTTP_RESPONSE_HEADER('location')] as string[];
      assert.match(location, /^http:\/\/REDACTED:REDACTED@127\.0\.0\.1:\d+\/landing\?X-Amz-Signature=REDACTED&keep=1$/);
      assertNotExported({
        locationUserinfo: SECRETS.locationUserinfo,
        locationSignature: SECRETS.locationSignature,
        locationFragment: SECRETS.locationFragment,
      });
    });

    it('a relative Location with a sig parameter is exported with the sig REDACTED', () => {
      assert.deepStrictEqual(spanOf('location-relative').attributes[ATTR_HTTP_RESPONSE_HEADER('location')], [
        '/landing?sig=REDACTED&keep=1',
      ]);
      assertNotExported({ locationSig: SECRETS.locationSig });
    });

    it('a followed redirect to a URL with credentials and a signature exports neither (nor the Basic Authorization it may become)', () => {
      assertNotExported({
        followedUserinfo: SECRETS.followedUserinfo,
        followedUserinfoBasic: basic('carol', SECRETS.followedUserinfo),
        followedSignature: SECRETS.followedSignature,
      });
    });

    it('a Location echoing a token query parameter is exported with the token redacted', () => {
      assertNotExported({ locationToken: SECRETS.locationToken });
    });
  });

  describe('error messages', () => {
    it("an error message quoting a URL with credentials (undici's) is exported without the password: exception message, stack and status", () => {
      const span = spanOf('error-message');
      const exception = span.events.find((event) => event.name === 'exception');
      assert.ok(exception, 'the exception was exported');
      assert.match(String(exception.attributes[ATTR_EXCEPTION_MESSAGE]), /includes credentials: http:\/\/REDACTED:REDACTED@/);
      assertNotExported({ errorPassword: SECRETS.errorPassword, errorPasswordBasic: basic('erin', SECRETS.errorPassword) });
    });

    it('an error message quoting a URL is exported without the values of the default redacted query keys', () => {
      assertNotExported({ errorSignature: SECRETS.errorSignature });
    });
  });
});
