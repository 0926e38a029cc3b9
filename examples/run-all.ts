/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `npm run example`: runs every example, one after the other, each in a
// process of its own, because each starts its own SDK and must load axios
// after it. The OTLP example sends its spans to a stand-in collector here.

import { spawn } from 'child_process';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { pathToFileURL } from 'url';

interface Example {
  file: string;
  title: string;
  /** How node starts it; TypeScript examples run through tsx. */
  nodeArgs?: string[];
  /** Runs around the example: sets up its environment and checks what it left behind. */
  around?: (run: (env: NodeJS.ProcessEnv) => Promise<boolean>) => Promise<boolean>;
}

const EXAMPLES: Example[] = [
  { file: 'basic.ts', title: 'Usage: the defaults, one CLIENT span per request' },
  { file: 'capture-all.ts', title: 'Capture Everything: captureAll' },
  { file: 'capture-headers.ts', title: 'Capture HTTP Headers: captureHeaders' },
  { file: 'capture-response-body.ts', title: 'Capture HTTP Response Bodies: captureResponseBody' },
  { file: 'request-headers-hook.ts', title: 'Capture Only Request Headers: a requestHook' },
  { file: 'response-headers-hook.ts', title: 'Capture Only Response Headers: a responseHook' },
  { file: 'url-masking.ts', title: 'Hiding sensitive URL parameters: urlFilter' },
  { file: 'otlp.ts', title: 'Exporting over OTLP/HTTP', around: withStandInCollector },
  {
    file: 'esm/app.mjs',
    title: 'An ESM application: node --import ./examples/esm/register.mjs examples/esm/app.mjs',
    nodeArgs: ['--import', pathToFileURL(path.join(__dirname, 'esm', 'register.mjs')).href, path.join(__dirname, 'esm', 'app.mjs')],
  },
];

const CHILD_TIMEOUT_MS = 60_000;

function runExample({ file, nodeArgs }: Example, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const args = nodeArgs ?? [require.resolve('tsx/cli'), path.join(__dirname, file)];
    const child = spawn(process.execPath, args, {
      env,
      stdio: 'inherit',
    });
    const timer = setTimeout(() => {
      console.error(`${file} did not finish within ${CHILD_TIMEOUT_MS / 1000} s; stopping it`);
      child.kill();
    }, CHILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      console.error(`could not start ${file}:`, error);
      resolve(false);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) console.error(`${file} exited with ${signal ?? `code ${code}`}`);
      resolve(code === 0);
    });
  });
}

interface Received {
  requests: number;
  bytes: number;
  spanNames: string[];
  unexpected: string[];
  headers: http.IncomingHttpHeaders[];
}

/** The span names in an OTLP/JSON export request; the OTLP/HTTP exporter sends JSON. */
function spanNamesIn(body: string): string[] {
  try {
    const request = JSON.parse(body) as {
      resourceSpans?: { scopeSpans?: { spans?: { name?: string }[] }[] }[];
    };
    return (request.resourceSpans ?? []).flatMap((resource) =>
      (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => span.name ?? '?'))
    );
  } catch {
    return [];
  }
}

/** Accepts OTLP/HTTP trace exports on 127.0.0.1, points the example at it, then reports what arrived. */
async function withStandInCollector(run: (env: NodeJS.ProcessEnv) => Promise<boolean>): Promise<boolean> {
  const received: Received = { requests: 0, bytes: 0, spanNames: [], unexpected: [], headers: [] };
  const collector = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        received.unexpected.push(`${req.method} ${req.url}`);
        res.statusCode = 404;
        res.end();
        return;
      }
      const body = Buffer.concat(chunks);
      received.requests += 1;
      received.bytes += body.length;
      received.headers.push(req.headers);
      received.spanNames.push(...spanNamesIn(body.toString('utf8')));
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-example-api-key=not-a-real-key',
  };
  // The more specific variable would win over the one set above.
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  let succeeded: boolean;
  try {
    succeeded = await run(env);
  } finally {
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }

  const apiKeys = received.headers.map((headers) => headers['x-example-api-key']);
  console.log(
    `stand-in collector: ${received.requests} request(s), ${received.bytes} bytes, ` +
      `${received.spanNames.length} span(s) [${received.spanNames.join(', ')}], ` +
      `x-example-api-key header: ${JSON.stringify(apiKeys)}`
  );
  if (received.unexpected.length > 0) console.log(`stand-in collector: unexpected requests ${received.unexpected.join(', ')}`);
  if (received.spanNames.length === 0) {
    console.error('stand-in collector: no spans arrived');
    return false;
  }
  return succeeded;
}

async function runAll(): Promise<void> {
  const failed: string[] = [];
  for (const example of EXAMPLES) {
    console.log(`\n=== examples/${example.file}: ${example.title} ===`);
    const run = (env: NodeJS.ProcessEnv) => runExample(example, env);
    const succeeded = example.around ? await example.around(run) : await run(process.env);
    if (!succeeded) failed.push(example.file);
  }
  console.log(
    `\n${EXAMPLES.length - failed.length} of ${EXAMPLES.length} examples succeeded` +
      (failed.length > 0 ? `; failed: ${failed.join(', ')}` : '')
  );
  if (failed.length > 0) process.exitCode = 1;
}

void runAll();
