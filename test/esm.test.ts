/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// ESM applications, each in a fresh `node --import <register file> app.mjs`:
// the ESM loader hook can only be registered before the application is
// imported, and this mocha process already has its one SDK and its CommonJS axios.

import * as assert from 'assert';
import * as fs from 'fs';
import type { IncomingHttpHeaders } from 'http';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';

import { PACKAGE_NAME } from '../lib/version';
import { assertClientSpan, assertPropagated } from './support/assertions';
import { projectRoot, runNode } from './support/child';
import { SDK_HELPER } from './support/sdk';
import { TestServer } from './support/server';
import { useTestServer } from './support/suite';
import { resetInstrumentation } from './support/telemetry';

// The compiled test runs from <outDir>/test; its fixtures are written beside it.
const outDir = path.resolve(__dirname, '..');
const builtPackage = path.join(projectRoot, 'dist', 'index.js');

// Starting node, the SDK and the loader hook takes 1-2 s of CPU, but 5-6 s went by on a busy two-core machine
// (Node 20 to 26 alike); a child is killed after this, which only a hung child reaches.
const CHILD_TIMEOUT_MS = 20000;
const SPAN_LINE = 'SPAN ';
/** axios 0.x, installed under this alias by package.json. */
const AXIOS_0X_PACKAGE = 'axios-0.35.0';
const FACT_LINE = 'FACT ';

/**
 * The test's register file, the README's shape: the hook first, then the SDK
 * and the package by name (its "exports" map leads to dist/). Spans go to
 * stdout as JSON lines; the instrumentation is left on globalThis so that an
 * app can disable() and enable() it. Without the hook, only the SDK starts.
 */
function registerSource(withLoaderHook: boolean): string {
  return `
${withLoaderHook ? `import { register } from 'node:module';
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);` : ''}
const { NodeSDK } = await import('@opentelemetry/sdk-node');
const { simpleSpanProcessor } = (await import(${JSON.stringify(pathToFileURL(SDK_HELPER).href)})).default;
const { AxiosInstrumentation } = await import(${JSON.stringify(PACKAGE_NAME)});

const jsonLinesExporter = {
  export(spans, done) {
    for (const span of spans) {
      const { traceId, spanId } = span.spanContext();
      process.stdout.write(${JSON.stringify(SPAN_LINE)} + JSON.stringify({
        name: span.name, kind: span.kind, traceId, spanId, status: span.status,
        scope: span.instrumentationScope.name, attributes: span.attributes,
      }) + '\\n');
    }
    done({ code: 0 });
  },
  shutdown() { return Promise.resolve(); },
};

const instrumentation = new AxiosInstrumentation();
globalThis.axiosInstrumentation = instrumentation;
new NodeSDK({
  spanProcessors: [simpleSpanProcessor(jsonLinesExporter)],
  instrumentations: [instrumentation],
  autoDetectResources: false,
}).start();
`;
}

/** Lines the apps print besides spans, for facts the test checks before trusting the spans. */
const FACT = `const fact = (name, value) => console.log(${JSON.stringify(FACT_LINE)} + JSON.stringify({ name, value }));`;

const FIXTURES: Record<string, string> = {
  'register.mjs': registerSource(true),
  'register-without-hook.mjs': registerSource(false),

  // argv[2]: the server's origin.
  'esm-app.mjs': `
import axios from 'axios';
await axios.get(process.argv[2] + '/esm');
`,

  // axios 0.x, a CommonJS package, imported by an ESM app (from app-0x/, whose node_modules holds it).
  'app-0x/esm-0x-app.mjs': `
import axios from 'axios';
${FACT}
fact('axios version', axios.VERSION);
const origin = process.argv[2];
await axios({ url: origin + '/0x/default-export' });
await axios.get(origin + '/0x/get');
await axios.create().get(origin + '/0x/instance');
`,

  // Both copies of axios in one process, traced, then disabled, then enabled again.
  'twin-app.mjs': `
import esmAxios from 'axios';
import { createRequire } from 'node:module';
const cjsAxios = createRequire(import.meta.url)('axios');
${FACT}
fact('distinct Axios classes', esmAxios.Axios !== cjsAxios.Axios);
const origin = process.argv[2];
const both = async (phase) => {
  await esmAxios.get(origin + '/' + phase + '/esm');
  await cjsAxios.get(origin + '/' + phase + '/cjs');
};
await both('enabled');
globalThis.axiosInstrumentation.disable();
await both('disabled');
globalThis.axiosInstrumentation.enable();
await both('re-enabled');
`,
};

interface ChildSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  status: ReadableSpan['status'];
  scope: string;
  attributes: ReadableSpan['attributes'];
}

interface ChildOutput {
  stdout: string;
  spans: ChildSpan[];
  facts: Map<string, unknown>;
}

/** Runs `node <args>` (see runNode); returns its spans and facts. */
async function runNodeForSpans(args: string[]): Promise<ChildOutput> {
  const run = await runNode(args, CHILD_TIMEOUT_MS);
  return {
    stdout: run.stdout,
    spans: run.linesStartingWith(SPAN_LINE) as ChildSpan[],
    facts: new Map((run.linesStartingWith(FACT_LINE) as Array<{ name: string; value: unknown }>).map(({ name, value }) => [name, value])),
  };
}

/** The child's span, seen through the ReadableSpan fields the shared assertions read. */
function asReadableSpan(span: ChildSpan): ReadableSpan {
  return {
    ...span,
    ended: true,
    spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 }),
  } as unknown as ReadableSpan;
}

describe('ESM: `import axios` is traced when the loader hook is registered first (child processes)', function () {
  // Each child is killed after CHILD_TIMEOUT_MS; room for one or two of them.
  this.timeout(3 * CHILD_TIMEOUT_MS);

  const server = useTestServer();
  let fixtureDir: string;

  /** What the server received on `path`. */
  const headersAt = (path: string): IncomingHttpHeaders[] =>
    server.received.filter((request) => request.path === path).map((request) => request.headers);

  /** Exactly one span for `path`, a GET CLIENT span of this package, and the server got its context. */
  function assertTracedOnce(spans: ChildSpan[], path: string): void {
    const url = server.url(path);
    const matching = spans.filter((span) => span.attributes[ATTR_URL_FULL] === url);
    assert.strictEqual(matching.length, 1, `expected one span for ${url}, got ${JSON.stringify(spans, null, 1)}`);
    const [span] = matching;
    assert.strictEqual(span.scope, PACKAGE_NAME);
    assertClientSpan(asReadableSpan(span), { method: 'GET', url, status: 200 });
    const received = headersAt(path);
    assert.strictEqual(received.length, 1, `the server received one request on ${path}`);
    assertPropagated(asReadableSpan(span), received[0]);
  }

  /** No span for `path`, and the server received the request without trace context. */
  function assertUntraced(spans: ChildSpan[], path: string): void {
    const url = server.url(path);
    assert.deepStrictEqual(
      spans.filter((span) => span.attributes[ATTR_URL_FULL] === url),
      [],
      `no span for ${url}`
    );
    const received = headersAt(path);
    assert.strictEqual(received.length, 1, `the server received one request on ${path}`);
    assert.strictEqual(received[0].traceparent, undefined);
  }

  const fixture = (name: string) => path.join(fixtureDir, name);

  before(async () => {
    assert.ok(fs.existsSync(builtPackage), `the built package is at ${builtPackage} (npm run build)`);
    // Inside the project, so that the fixtures resolve axios, the SDK and the
    // package itself the way an application does: node_modules up the tree, and
    // the package's own name through its package.json "exports".
    fixtureDir = fs.mkdtempSync(path.join(outDir, 'esm-fixtures-'));
    fs.mkdirSync(fixture('app-0x'));
    // A copy, not a link: the module hooks know axios by the folder it is loaded from.
    fs.cpSync(path.join(projectRoot, 'node_modules', AXIOS_0X_PACKAGE), fixture('app-0x/node_modules/axios'), { recursive: true });
    for (const [name, source] of Object.entries(FIXTURES)) fs.writeFileSync(fixture(name), source);
  });
  after(async () => {
    fs.rmSync(fixtureDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    resetInstrumentation();
    server.received.length = 0;
  });

  it("`import axios from 'axios'` in an .mjs app: one CLIENT span with url.full, propagated to the server", async () => {
    const { spans } = await runNodeForSpans(['--import', fixture('register.mjs'), fixture('esm-app.mjs'), server.origin]);
    assert.strictEqual(spans.length, 1, `expected one span, got ${JSON.stringify(spans)}`);
    assertTracedOnce(spans, '/esm');
  });

  it('without the loader hook registered, the SDK alone does not see `import axios` (nor does --import hook.mjs)', async () => {
    const { spans } = await runNodeForSpans([
      // Evaluating the hook module registers nothing: register() must be called.
      '--import',
      '@opentelemetry/instrumentation/hook.mjs',
      '--import',
      fixture('register-without-hook.mjs'),
      fixture('esm-app.mjs'),
      server.origin,
    ]);
    assertUntraced(spans, '/esm');
  });

  it('the shipped example: `node --import ./examples/esm/register.mjs examples/esm/app.mjs` prints the span it propagated', async () => {
    const { stdout } = await runNodeForSpans(['--import', './examples/esm/register.mjs', 'examples/esm/app.mjs']);
    // ConsoleSpanExporter's output, then the app's own line.
    assert.match(stdout, /name: 'GET'/);
    assert.match(stdout, /'url\.full': 'http:\/\/127\.0\.0\.1:\d+\/get'/);
    const traceId = /traceId: '([0-9a-f]{32})'/.exec(stdout)?.[1];
    const spanId = /^\s*id: '([0-9a-f]{16})'/m.exec(stdout)?.[1];
    assert.ok(traceId && spanId, `a span with its ids was printed:\n${stdout}`);
    assert.match(stdout, new RegExp(`GET /get -> 200; the server received traceparent 00-${traceId}-${spanId}-01`));
  });

  it('axios 0.x (CommonJS) imported by an ESM app: every call form, the default export included, one span each, propagated', async () => {
    const { spans, facts } = await runNodeForSpans(['--import', fixture('register.mjs'), fixture('app-0x/esm-0x-app.mjs'), server.origin]);
    assert.strictEqual(facts.get('axios version'), '0.35.0');
    assertTracedOnce(spans, '/0x/default-export');
    assertTracedOnce(spans, '/0x/get');
    assertTracedOnce(spans, '/0x/instance');
    assert.strictEqual(spans.length, 3, 'no other span');
  });

  describe('an app that loads both the ESM and the CommonJS copy of axios', () => {
    // One run for these tests; the server's record, reset before each test, is given its requests back.
    let twin: ChildOutput;
    let twinRequests: TestServer['received'];
    before(async () => {
      server.received.length = 0;
      twin = await runNodeForSpans(['--import', fixture('register.mjs'), fixture('twin-app.mjs'), server.origin]);
      twinRequests = [...server.received];
    });
    beforeEach(() => server.received.push(...twinRequests));

    it('has two different Axios classes (the premise of these tests)', () => {
      assert.strictEqual(twin.facts.get('distinct Axios classes'), true);
    });

    it('traces both copies: one span each, both propagated', () => {
      assertTracedOnce(twin.spans, '/enabled/esm');
      assertTracedOnce(twin.spans, '/enabled/cjs');
    });

    it('after instrumentation.disable(), neither copy makes a span or sends a traceparent', () => {
      assertUntraced(twin.spans, '/disabled/esm');
      assertUntraced(twin.spans, '/disabled/cjs');
    });

    it('after instrumentation.enable() again, both copies are traced again', () => {
      assertTracedOnce(twin.spans, '/re-enabled/esm');
      assertTracedOnce(twin.spans, '/re-enabled/cjs');
      assert.strictEqual(twin.spans.length, 4, 'no other span');
    });
  });
});
