/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Tracing for an ESM application: `node --import ./examples/esm/register.mjs examples/esm/app.mjs`.
//
// `import axios from 'axios'` is seen by the instrumentation only through the
// ESM loader hook, and only for modules imported after the hook is registered:
// so register it first, and load the SDK and the instrumentation with dynamic
// imports after it (static imports would be evaluated before register() runs).

import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const { NodeSDK } = await import('@opentelemetry/sdk-node');
// @opentelemetry/sdk-trace: 3.x, or 2.12 on the 2.x line (sdk-node 0.301 no
// longer re-exports the trace SDK as `tracing`).
const { ConsoleSpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace');
const { AxiosInstrumentation } = await import('opentelemetry-instrumentation-axios');

const sdk = new NodeSDK({
  serviceName: 'axios-esm-example',
  // Prints each span as it ends; leave spanProcessors out to export over OTLP
  // as configured by the OTEL_* environment variables.
  spanProcessors: [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })],
  instrumentations: [new AxiosInstrumentation()],
});
sdk.start();
