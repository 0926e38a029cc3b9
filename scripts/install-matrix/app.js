/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The scratch app of scripts/test-install-matrix.js, copied into each app it
// installs: sets up tracing the way its kind of app does, makes one axios
// request to a loopback server and prints one line, `RESULT <json>`, with the
// span this package recorded and the traceparent the server received.
//   node app.js sdk-node   NodeSDK with the instrumentation
//   node app.js provider   a tracer provider and registerInstrumentations, no NodeSDK
//   node app.js missing    no @opentelemetry/instrumentation installed: the error it gives
// Trace pieces come from @opentelemetry/sdk-trace, which has the same API in
// 2.12 (the 2.x line) and 3.x.

'use strict';

const http = require('node:http');
const path = require('node:path');

const mode = process.argv[2];
const print = (result) => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);

/** The copy of a package that code in `from` loads: its version and real folder. */
function versionOf(name, from) {
  const fs = require('node:fs');
  try {
    // Up from its entry point: some packages do not export ./package.json.
    let dir = path.dirname(fs.realpathSync(require.resolve(name, { paths: [from] })));
    while (dir !== path.dirname(dir)) {
      const manifest = path.join(dir, 'package.json');
      if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === name) {
        return { version: JSON.parse(fs.readFileSync(manifest, 'utf8')).version, dir };
      }
      dir = path.dirname(dir);
    }
  } catch {
    // Not installed where `from` looks.
  }
  return undefined;
}

async function main() {
  if (mode === 'missing') {
    try {
      require('opentelemetry-instrumentation-axios');
      print({ loaded: true });
    } catch (error) {
      print({ loaded: false, message: error.message });
    }
    return;
  }

  const { context, propagation, trace } = require('@opentelemetry/api');
  const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
  const { AxiosInstrumentation } = require('opentelemetry-instrumentation-axios');
  const exporter = new InMemorySpanExporter();
  const instrumentation = new AxiosInstrumentation();
  let shutdown;
  if (mode === 'sdk-node') {
    const { NodeSDK } = require('@opentelemetry/sdk-node');
    const sdk = new NodeSDK({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
      instrumentations: [instrumentation],
      autoDetectResources: false,
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    shutdown = () => sdk.shutdown();
  } else {
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    const { W3CTraceContextPropagator } = require('@opentelemetry/core');
    const { registerInstrumentations } = require('@opentelemetry/instrumentation');
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    registerInstrumentations({ instrumentations: [instrumentation] });
    shutdown = () => provider.shutdown();
  }
  const axios = require('axios');

  let received;
  const server = http.createServer((req, res) => {
    received = req.headers.traceparent;
    res.end('ok');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await axios.get(`http://127.0.0.1:${server.address().port}/matrix`);
    const spans = exporter
      .getFinishedSpans()
      .filter((span) => span.instrumentationScope.name === 'opentelemetry-instrumentation-axios');
    const packageDir = path.dirname(require.resolve('opentelemetry-instrumentation-axios'));
    print({
      node: process.versions.node,
      status: response.status,
      spans: spans.map((span) => ({ name: span.name, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId })),
      traceparent: received,
      base: versionOf('@opentelemetry/instrumentation', packageDir),
      api: versionOf('@opentelemetry/api', packageDir),
    });
  } finally {
    server.close();
    await shutdown();
  }
}

main().catch((error) => {
  print({ error: String(error && error.stack ? error.stack : error) });
  process.exitCode = 1;
});
