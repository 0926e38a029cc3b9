/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Under Pydantic Logfire's JavaScript SDK (`@pydantic/logfire-node`), as its
// users set it up: `logfire.configure({ instrumentations: [new AxiosInstrumentation(...)] })`,
// which starts a NodeSDK with Node's auto-instrumentations (instrumentation-http
// and -undici among them) and exports OTLP protobuf to `${baseUrl}/v1/...`.
// Each application is a child process (CommonJS, then ESM three ways) whose
// exports go to a loopback receiver here that decodes them with OpenTelemetry's
// published OTLP definitions; the axios requests go to a test server here,
// which records the `traceparent` it was sent.
//
// Logfire is on the OpenTelemetry JS 2.x line only: where it is not installed
// (a 3.x tree), this suite is skipped.

import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';

import {
  ATTR_LOGFIRE_JSON_SCHEMA,
  ATTR_LOGFIRE_REQUEST_BODY_FORM,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
} from '../lib/semconv';
import { PACKAGE_NAME } from '../lib/version';
import { ChildRun, projectRoot, runNode } from './support/child';
import { OtlpReceiver, ReceivedSpan } from './support/otlp-receiver';
import { defaultHandler, Handler, ReceivedRequest } from './support/server';
import { useTestServer } from './support/suite';

function logfireInstalled(): boolean {
  try {
    require.resolve('@pydantic/logfire-node', { paths: [projectRoot] });
    return true;
  } catch {
    return false;
  }
}

// The compiled test runs from <outDir>/test; its fixtures are written beside it, inside the project.
const outDir = path.resolve(__dirname, '..');
// Logfire's configure() loads every Node auto-instrumentation: 2-4 s of CPU per child here.
const CHILD_TIMEOUT_MS = 30_000;
const WRITE_TOKEN = 'logfire-test-write-token';

/** OTLP's SpanKind and StatusCode numbers. */
const OTLP_SPAN_KIND_CLIENT = 3;
const OTLP_STATUS_ERROR = 2;

const secret = (label: string) => `${label}-${randomBytes(10).toString('hex')}`;
/** Credentials the application sends and receives; none may reach the receiver. */
const SECRETS = {
  bearer: secret('bearer'),
  password: secret('password'),
  apiKey: secret('api-key'),
  sessionQuery: secret('session-query'),
  formPassword: secret('form-password'),
  responseToken: secret('response-token'),
  setCookie: secret('set-cookie'),
};

/**
 * The application's requests, made inside a `logfire.span` (shared by every
 * fixture): JSON in and out with credentials in the body, a header and the
 * query; a url-encoded form; a 500; a redirect (two attempts); the fetch adapter.
 */
const REQUESTS = `
async function requests(logfire, axios, origin, secrets) {
  await logfire.span('checkout {order}', { order: 42 }, {}, async () => {
    await axios.post(origin + '/json?session_id=' + secrets.sessionQuery,
      { user: 'ann', password: secrets.password, nested: { api_key: secrets.apiKey } },
      { headers: { Authorization: 'Bearer ' + secrets.bearer, 'X-Customer-Ref': secrets.customerRef } });
    await axios.post(origin + '/form', new URLSearchParams({ user: 'ann', password: secrets.formPassword }));
    await axios.get(origin + '/status/500').catch(() => undefined);
    await axios.get(origin + '/redirect/1');
    await axios.get(origin + '/fetched', { adapter: 'fetch' });
  });
  await logfire.shutdown();
}
`;
/** The number of attempts REQUESTS makes (the redirect is two). */
const ATTEMPTS = 6;

const INSTRUMENTATION_OPTIONS = `{ captureAll: true, bodyAttributeNames: 'logfire' }`;
/** A pattern of the application's own, for a header no default pattern covers. */
const EXTRA_PATTERNS = `['customer_ref|customer-ref']`;
/** The value of that header: not a planted secret, since only some apps give the pattern to this package. */
const CUSTOMER_REF = secret('customer-ref');

const FIXTURES: Record<string, string> = {
  // CommonJS: configure() with the token and base URL in code.
  'app.cjs': `
const logfire = require('@pydantic/logfire-node');
const { AxiosInstrumentation } = require(${JSON.stringify(PACKAGE_NAME)});
logfire.configure({
  token: ${JSON.stringify(WRITE_TOKEN)},
  serviceName: 'axios-cjs',
  advanced: { baseUrl: process.env.RECEIVER_ORIGIN },
  scrubbing: { extraPatterns: ${EXTRA_PATTERNS} },
  instrumentations: [new AxiosInstrumentation({ ...${INSTRUMENTATION_OPTIONS}, scrubbing: { extraPatterns: ${EXTRA_PATTERNS} } })],
});
const axios = require('axios');
${REQUESTS}
requests(logfire, axios, process.argv[2], JSON.parse(process.env.PLANTED_SECRETS));
`,

  // ESM exactly as Logfire's README shows (token and base URL from LOGFIRE_TOKEN and
  // LOGFIRE_BASE_URL): no loader hook, so the instrumentation never sees \`import axios\`.
  'readme.mjs': `
import * as logfire from '@pydantic/logfire-node';
import axios from 'axios';
import { AxiosInstrumentation } from ${JSON.stringify(PACKAGE_NAME)};
logfire.configure({
  serviceName: 'axios-esm',
  diagLogLevel: logfire.DiagLogLevel.WARN,
  instrumentations: [new AxiosInstrumentation(${INSTRUMENTATION_OPTIONS})],
});
${REQUESTS}
await requests(logfire, axios, process.argv[2], JSON.parse(process.env.PLANTED_SECRETS));
`,

  // The same, handing the imported copy over.
  'manual.mjs': `
import * as logfire from '@pydantic/logfire-node';
import axios from 'axios';
import { AxiosInstrumentation } from ${JSON.stringify(PACKAGE_NAME)};
const axiosInstrumentation = new AxiosInstrumentation(${INSTRUMENTATION_OPTIONS});
logfire.configure({
  serviceName: 'axios-esm',
  diagLogLevel: logfire.DiagLogLevel.WARN,
  scrubbing: { extraPatterns: ${EXTRA_PATTERNS} },
  instrumentations: [axiosInstrumentation],
});
axiosInstrumentation.manuallyInstrument(axios);
${REQUESTS}
await requests(logfire, axios, process.argv[2], JSON.parse(process.env.PLANTED_SECRETS));
`,

  // The loader hook registered first (node --import ./hook.mjs readme.mjs): the README's app unchanged.
  'hook.mjs': `
import { register } from 'node:module';
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
`,
};

/** The axios target: JSON and form endpoints that answer with a credential of their own. */
const targetHandler: Handler = (req, res, body) => {
  const { pathname } = new URL('http://localhost' + (req.url ?? '/'));
  if (pathname === '/json' || pathname === '/form' || pathname === '/fetched') {
    res.setHeader('content-type', 'application/json');
    res.setHeader('set-cookie', `sid=${SECRETS.setCookie}; HttpOnly`);
    res.end(JSON.stringify({ ok: true, received: body.length, token: SECRETS.responseToken, items: [1, 2] }));
    return;
  }
  defaultHandler(req, res, body);
};

interface LogfireRun {
  child: ChildRun;
  /** Spans as exported, Logfire's `pending_span` copies left out. */
  spans: ReceivedSpan[];
  pendingSpans: ReceivedSpan[];
}

describe('Under Logfire JS (@pydantic/logfire-node): CommonJS and ESM apps exporting OTLP protobuf (child processes)', function () {
  this.timeout(2 * CHILD_TIMEOUT_MS);

  const server = useTestServer(targetHandler);
  let receiver: OtlpReceiver;
  let fixtureDir: string;
  const fixture = (name: string) => path.join(fixtureDir, name);

  before(async function () {
    if (!logfireInstalled()) this.skip();
    receiver = await OtlpReceiver.start();
    fixtureDir = fs.mkdtempSync(path.join(outDir, 'logfire-fixtures-'));
    for (const [name, source] of Object.entries(FIXTURES)) fs.writeFileSync(fixture(name), source);
  });
  after(async () => {
    await receiver?.close();
    if (fixtureDir) fs.rmSync(fixtureDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    receiver.reset();
    server.received.length = 0;
  });

  async function runApp(args: string[], env: NodeJS.ProcessEnv = {}): Promise<LogfireRun> {
    const child = await runNode([...args, server.origin], CHILD_TIMEOUT_MS, {
      RECEIVER_ORIGIN: receiver.origin,
      PLANTED_SECRETS: JSON.stringify({ ...SECRETS, customerRef: CUSTOMER_REF }),
      ...env,
    });
    const isPending = (span: ReceivedSpan) => span.attributes['logfire.span_type'] === 'pending_span';
    return { child, spans: receiver.spans.filter((span) => !isPending(span)), pendingSpans: receiver.spans.filter(isPending) };
  }

  /** A span of a request to the axios target (not of an export to the receiver). */
  const targetsServer = (span: ReceivedSpan) => String(span.attributes[ATTR_URL_FULL]).startsWith(server.origin + '/');

  /**
   * LOGFIRE_TOKEN and LOGFIRE_BASE_URL, as Logfire's README sets them for ESM
   * apps; no OTEL_LOG_LEVEL, with which NodeSDK would replace the diag logger
   * that Logfire's `diagLogLevel` sets.
   */
  const logfireEnv = () => ({ LOGFIRE_TOKEN: WRITE_TOKEN, LOGFIRE_BASE_URL: receiver.origin, OTEL_LOG_LEVEL: undefined });

  /** The span of the attempt that the server received as `request`, found by the span id in its `traceparent`. */
  function spanOfReceived(clients: ReceivedSpan[], request: ReceivedRequest, traceId: string): ReceivedSpan {
    const traceparent = String(request.headers.traceparent);
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent);
    assert.ok(match, `${request.path} was sent a traceparent: ${traceparent}`);
    assert.strictEqual(match[1], traceId, `${request.path}: the trace of the logfire.span`);
    const span = clients.find((client) => client.spanId === match[2]);
    assert.ok(span, `${request.path}: its traceparent names an axios CLIENT span`);
    const spanPath = new URL(String(span.attributes[ATTR_URL_FULL])).pathname;
    assert.strictEqual(spanPath, new URL('http://localhost' + request.path).pathname);
    return span;
  }

  /** Everything the traced apps must show, whichever way they were set up. */
  /**
   * @param patternGivenToUs whether the app gave its extra pattern to this
   * package (else it gave it to Logfire only, or to no one)
   */
  function assertTraced({ spans, pendingSpans }: LogfireRun, serviceLabel: string, patternGivenToUs: boolean): ReceivedSpan[] {
    assert.ok(receiver.paths.includes('/v1/traces') && receiver.paths.includes('/v1/metrics'), `exports: ${receiver.paths}`);
    assert.ok(receiver.authorizations.every((value) => value === WRITE_TOKEN), 'every export carries the write token');

    // The span tree: the logfire.span, and under it one CLIENT span of this package per attempt, nothing else.
    const roots = spans.filter((span) => span.scope === 'logfire' && span.name === 'checkout {order}');
    assert.strictEqual(roots.length, 1, `one logfire.span (${serviceLabel}): ${JSON.stringify(spans.map((s) => [s.scope, s.name]))}`);
    const [root] = roots;
    assert.strictEqual(root.parentSpanId, '');
    // (With the loader hook, instrumentation-http also traces Logfire's own exports to the receiver: not ours to judge.)
    const clients = spans.filter((span) => span.kind === OTLP_SPAN_KIND_CLIENT && targetsServer(span));
    assert.strictEqual(clients.length, ATTEMPTS, `one CLIENT span per attempt: ${JSON.stringify(clients.map((s) => [s.scope, s.name, s.attributes[ATTR_URL_FULL]]))}`);
    for (const client of clients) {
      assert.strictEqual(client.scope, PACKAGE_NAME);
      assert.strictEqual(client.traceId, root.traceId);
      assert.strictEqual(client.parentSpanId, root.spanId, `${client.attributes[ATTR_URL_FULL]} is a child of the logfire.span`);
    }
    assert.deepStrictEqual(
      spans
        .filter((span) => span.traceId === root.traceId && span.scope !== 'logfire' && span.scope !== PACKAGE_NAME)
        .map((span) => [span.scope, span.name]),
      [],
      'no transport span (instrumentation-http, -undici) nor any other'
    );
    // Logfire's PendingSpanProcessor sends a copy of each span when it starts: one per CLIENT span, under it.
    for (const client of clients) {
      const copies = pendingSpans.filter((pending) => pending.parentSpanId === client.spanId);
      assert.strictEqual(copies.length, 1, `one pending_span copy of ${client.attributes[ATTR_URL_FULL]}`);
      assert.strictEqual(copies[0].attributes['logfire.pending_parent_id'], root.spanId);
    }

    // What the server saw: each of the six requests carries the traceparent of its own attempt's span.
    assert.strictEqual(server.received.length, ATTEMPTS);
    const propagated = server.received.map((request) => spanOfReceived(clients, request, root.traceId));
    assert.strictEqual(new Set(propagated).size, ATTEMPTS, 'each attempt has a span of its own');

    // Attributes, with Logfire's names for bodies and its JSON-schema hint.
    const byPath = (pathname: string) => clients.filter((c) => new URL(String(c.attributes[ATTR_URL_FULL])).pathname === pathname);
    const [json] = byPath('/json');
    assert.strictEqual(json.attributes[ATTR_HTTP_REQUEST_METHOD], 'POST');
    assert.strictEqual(json.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200);
    assert.strictEqual(json.attributes[ATTR_URL_FULL], `${server.origin}/json?session_id=REDACTED`);
    assert.deepStrictEqual(json.attributes['http.request.header.authorization'], ['[REDACTED]']);
    // Logfire's scrubbing.extraPatterns reaches only its own logfire.* attributes: the app's pattern covers
    // this header on the axios span only where the app gave it to this package.
    assert.deepStrictEqual(json.attributes['http.request.header.x-customer-ref'], [patternGivenToUs ? '[REDACTED]' : CUSTOMER_REF]);
    assert.strictEqual(receiver.sawBytesOf(CUSTOMER_REF), !patternGivenToUs);
    assert.deepStrictEqual(json.attributes['http.response.header.set-cookie'], ['[REDACTED]']);
    assert.deepStrictEqual(JSON.parse(String(json.attributes[ATTR_LOGFIRE_REQUEST_BODY_TEXT])), {
      user: 'ann',
      password: '[REDACTED]',
      nested: { api_key: '[REDACTED]' },
    });
    const { received: _length, ...responseBody } = JSON.parse(String(json.attributes[ATTR_LOGFIRE_RESPONSE_BODY_TEXT]));
    assert.deepStrictEqual(responseBody, { ok: true, token: '[REDACTED]', items: [1, 2] });
    assert.deepStrictEqual(JSON.parse(String(json.attributes[ATTR_LOGFIRE_JSON_SCHEMA])), {
      type: 'object',
      properties: { [ATTR_LOGFIRE_REQUEST_BODY_TEXT]: { type: 'object' }, [ATTR_LOGFIRE_RESPONSE_BODY_TEXT]: { type: 'object' } },
    });
    const [form] = byPath('/form');
    assert.deepStrictEqual(JSON.parse(String(form.attributes[ATTR_LOGFIRE_REQUEST_BODY_FORM])), { user: 'ann', password: '[REDACTED]' });
    assert.strictEqual(form.attributes[ATTR_LOGFIRE_REQUEST_BODY_TEXT], undefined, 'a form is written as a form, not as text');
    assert.deepStrictEqual(JSON.parse(String(form.attributes[ATTR_LOGFIRE_JSON_SCHEMA])), {
      type: 'object',
      properties: { [ATTR_LOGFIRE_REQUEST_BODY_FORM]: { type: 'object' }, [ATTR_LOGFIRE_RESPONSE_BODY_TEXT]: { type: 'object' } },
    });
    const [failed] = byPath('/status/500');
    assert.strictEqual(failed.statusCode, OTLP_STATUS_ERROR);
    assert.strictEqual(failed.attributes[ATTR_ERROR_TYPE], '500');
    const hops = [...byPath('/redirect/1'), ...byPath('/redirect/0')];
    assert.deepStrictEqual(hops.map((hop) => hop.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]), [302, 200]);
    assert.strictEqual(hops[1].attributes['http.request.resend_count'], 1);
    const [fetched] = byPath('/fetched');
    assert.strictEqual(fetched.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 200);

    // Not one planted credential in any byte sent to the receiver (traces, pending spans, metrics, logs).
    for (const [label, value] of Object.entries(SECRETS)) {
      assert.ok(!receiver.sawBytesOf(value), `the planted ${label} reached the receiver`);
    }

    // http.client.request.duration: each attempt counted once, whoever records it.
    const durationPoints = receiver.histogramPoints.filter(
      (point) => point.metric === METRIC_HTTP_CLIENT_REQUEST_DURATION && point.attributes[ATTR_SERVER_PORT] === server.port
    );
    const counted = durationPoints.reduce((sum, point) => sum + point.count, 0);
    assert.strictEqual(counted, ATTEMPTS, `each attempt counted once: ${JSON.stringify(durationPoints)}`);
    return clients;
  }

  it('CommonJS, configure() with token and baseUrl: the span tree, the traceparent, Logfire body names, scrubbed (extra patterns given to both), one duration point per attempt', async () => {
    assertTraced(await runApp([fixture('app.cjs')]), 'CommonJS', true);
  });

  it("ESM as Logfire's README shows, no loader hook: no axios span, and a diag warning says how to trace it", async () => {
    const run = await runApp([fixture('readme.mjs')], logfireEnv());
    assert.strictEqual(run.spans.filter((span) => span.scope === PACKAGE_NAME).length, 0);
    assert.ok(run.spans.some((span) => span.name === 'checkout {order}'), 'the logfire.span itself was exported');
    assert.strictEqual(server.received.length, ATTEMPTS, 'the requests went out all the same');
    assert.match(run.child.stderr, /manuallyInstrument\(axios\)/, 'the warning names the way out');
  });

  it("ESM with manuallyInstrument(axios) after configure(): traced, as CommonJS; Logfire's own extraPatterns do not reach the axios span", async () => {
    const run = await runApp([fixture('manual.mjs')], logfireEnv());
    assertTraced(run, 'ESM, manuallyInstrument', false);
    assert.doesNotMatch(run.child.stderr, /manuallyInstrument\(axios\)/, 'no warning once the copy was handed over');
  });

  it("ESM with the loader hook registered first (node --import ./hook.mjs): the README's app unchanged is traced", async () => {
    const run = await runApp(['--import', fixture('hook.mjs'), fixture('readme.mjs')], logfireEnv());
    assertTraced(run, 'ESM, loader hook', false);
    assert.doesNotMatch(run.child.stderr, /manuallyInstrument\(axios\)/);
  });
});
