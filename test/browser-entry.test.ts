/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import * as path from 'path';
import * as vm from 'vm';
import * as esbuild from 'esbuild';
import fc from 'fast-check';

import * as browserPlatform from '../lib/platform/browser';
import * as nodePlatform from '../lib/platform/node';
import type { TextEncodingName } from '../lib/body';
import { assertPropagated, onlySpan } from './support/assertions';
import { TestServer } from './support/server';
import { axios, resetInstrumentation } from './support/telemetry';

const ROOT = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { measureBrowserSize } = require(path.join(ROOT, 'scripts/browser-size.js')) as {
  measureBrowserSize(): Promise<{ minifiedBytes: number; gzippedBytes: number; inputs: string[] }>;
};

/** Bundles a built file as a page's bundler would: for browsers, every dependency inlined, nothing polyfilled. */
async function bundleForBrowsers(entry: string): Promise<{ code: string; inputs: string[] }> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'bundled',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // esbuild replaces references to these free globals (not strings, comments or local names) with a marker.
    define: Object.fromEntries(NODE_GLOBAL_NAMES.map((name) => [name, `${MARKER}${name}`])),
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

/** Globals of Node that a page does not have. */
const NODE_GLOBAL_NAMES = ['process', 'Buffer', 'setImmediate', '__dirname', '__filename'];
const MARKER = 'NODE_GLOBAL_USED_';

/**
 * The Node globals a bundle uses other than in a `typeof` test, which is safe
 * anywhere; `require` when a call esbuild could not resolve was left to its
 * runtime shim. (`global` is left out: the API reads it behind a `typeof`.)
 */
function nodeGlobalsUsed(code: string): string[] {
  const used = new Set([...code.matchAll(new RegExp(`(?<!typeof )${MARKER}(\\w+)`, 'g'))].map((match) => match[1]));
  if (/(?<!function )\b__require\(/.test(code)) used.add('require');
  return [...used].sort();
}

describe('the browser entry', () => {
  it('bundles for browsers, with its dependencies, with no Node built-in, process or Buffer', async function () {
    this.timeout(30000);
    // esbuild fails to resolve a Node built-in module (`http`, `node:util`) when bundling for browsers.
    const { code, inputs } = await bundleForBrowsers('dist/index.js');
    assert.ok(inputs.includes('dist/platform/browser/index.js'), 'the browser field swaps the platform module');
    assert.deepStrictEqual(
      inputs.filter((input) => input.startsWith('dist/platform/node/')),
      [],
      'nothing of the Node platform is bundled'
    );
    assert.deepStrictEqual(nodeGlobalsUsed(code), []);
  });

  it('would catch a Node global: the same check flags the Node platform module', async () => {
    const { code } = await bundleForBrowsers('dist/platform/node/index.js');
    assert.deepStrictEqual(nodeGlobalsUsed(code), ['Buffer', 'process']);
  });

  it('runs where only the globals of a page exist', async () => {
    const { code } = await bundleForBrowsers('dist/index.js');
    const page = vm.createContext({ URL, URLSearchParams, TextDecoder, TextEncoder, performance, console, setTimeout, clearTimeout, queueMicrotask });
    vm.runInContext(code, page);
    const result = vm.runInContext(
      `const instrumentation = new bundled.AxiosInstrumentation({ captureAll: true, propagateTraceHeaderCorsUrls: /api/ });
       instrumentation.disable();
       instrumentation.enable();
       [typeof instrumentation.manuallyInstrument, instrumentation.getConfig().captureAll]`,
      page
    );
    assert.deepStrictEqual([...result], ['function', true]);
  });

  it('adds at most 12 KB to a page, minified and gzipped, OpenTelemetry and axios excluded', async () => {
    const { gzippedBytes, inputs } = await measureBrowserSize();
    assert.ok(inputs.includes('dist/instrumentation.js'));
    assert.ok(inputs.every((input) => input.startsWith('dist/')), 'only the package itself is measured');
    assert.ok(gzippedBytes <= 12 * 1024, `${gzippedBytes} bytes gzipped`);
  });
});

describe('the browser text helpers', () => {
  const encodings: TextEncodingName[] = ['utf8', 'latin1', 'utf16le'];
  // Lone surrogates, BOMs and invalid sequences included.
  const anyText = fc.array(fc.integer({ min: 0, max: 0xffff })).map((units) => String.fromCharCode(...units));

  it("decode any bytes exactly as Node's Buffer does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...encodings), (bytes, encoding) => {
        assert.strictEqual(browserPlatform.decodeBytes(bytes, encoding), nodePlatform.decodeBytes(bytes, encoding));
      }),
      { numRuns: 2000 }
    );
  });

  it("decode text with a byte order mark and the odd last byte of UTF-16 as Node's Buffer does", () => {
    const samples: Array<[number[], TextEncodingName]> = [
      [[0xef, 0xbb, 0xbf, 0x61], 'utf8'],
      [[0xff, 0xfe, 0x61, 0x00, 0x62], 'utf16le'],
      [[0x80, 0x9f, 0xe9], 'latin1'],
    ];
    for (const [bytes, encoding] of samples) {
      const data = Uint8Array.from(bytes);
      assert.strictEqual(browserPlatform.decodeBytes(data, encoding), nodePlatform.decodeBytes(data, encoding));
    }
  });

  it('copy any string as the Node helper does', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        assert.strictEqual(browserPlatform.copyText(text), nodePlatform.copyText(text));
      }),
      { numRuns: 2000 }
    );
  });
});

describe('propagateTraceHeaderCorsUrls on Node', () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start();
  });
  after(() => server.close());

  it('changes nothing: a URL it does not match still gets the trace headers', async () => {
    resetInstrumentation({ propagateTraceHeaderCorsUrls: ['http://elsewhere.example/', /^https:\/\/api\./] });
    await axios.get(server.url('/not-listed'));
    assertPropagated(onlySpan(), server.last.headers);
  });
});

describe('the browser request helpers (with a page location put on globalThis)', () => {
  const scope = globalThis as { location?: unknown; document?: unknown };
  beforeEach(() => {
    scope.location = { href: 'https://app.example/shop/cart?x=1', origin: 'https://app.example' };
  });
  afterEach(() => {
    delete scope.location;
    delete scope.document;
  });

  it('resolve a relative URL against the document base, else the location, and normalise an absolute one', () => {
    assert.strictEqual(browserPlatform.absoluteRequestUrl('/api/x?q=1'), 'https://app.example/api/x?q=1');
    assert.strictEqual(browserPlatform.absoluteRequestUrl('items'), 'https://app.example/shop/items');
    assert.strictEqual(browserPlatform.absoluteRequestUrl('//cdn.example/a'), 'https://cdn.example/a');
    assert.strictEqual(browserPlatform.absoluteRequestUrl('HTTPS://API.example'), 'https://api.example/');
    scope.document = { baseURI: 'https://app.example/base/' };
    assert.strictEqual(browserPlatform.absoluteRequestUrl('items'), 'https://app.example/base/items');
    assert.strictEqual(browserPlatform.absoluteRequestUrl(undefined), undefined);
    assert.strictEqual(browserPlatform.absoluteRequestUrl('http://[bad'), 'http://[bad');
  });

  it('propagate to the same origin always, to another only when a string equals or a RegExp matches the full URL', () => {
    const none = browserPlatform.tracePropagationFilter(undefined);
    assert.strictEqual(none('https://app.example/api'), true);
    assert.strictEqual(none('https://api.example/v1'), false);

    const listed = browserPlatform.tracePropagationFilter(['https://api.example/v1?a=1', /^https:\/\/other\.example\//g]);
    assert.strictEqual(listed('https://api.example/v1?a=1'), true);
    assert.strictEqual(listed('https://api.example/v1'), false, 'a string must equal the whole URL');
    // A global RegExp keeps no state between requests.
    for (let i = 0; i < 3; i += 1) assert.strictEqual(listed('https://other.example/x'), true);
    assert.strictEqual(listed('http://other.example/x'), false);

    assert.strictEqual(browserPlatform.tracePropagationFilter('https://api.example/')('https://api.example/'), true);
    assert.strictEqual(browserPlatform.tracePropagationFilter(/api/)('https://api.example/'), true);
  });

  it('propagate nowhere when the URL is unknown or not a URL, nor without a page origin', () => {
    const filter = browserPlatform.tracePropagationFilter(/.*/);
    assert.strictEqual(filter(undefined), false);
    assert.strictEqual(filter('not a url'), false);
    delete scope.location;
    assert.strictEqual(browserPlatform.tracePropagationFilter(undefined)('https://app.example/api'), false);
  });

  it('take every body handed back as decoded by the browser; on Node, only the fetch adapter\'s', () => {
    assert.strictEqual(browserPlatform.transportDecodedBody({}), true);
    assert.strictEqual(nodePlatform.transportDecodedBody({}), false);
    assert.strictEqual(nodePlatform.transportDecodedBody(new Request('http://localhost/')), true);
  });
});
