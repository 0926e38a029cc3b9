/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Sending the spans to an OpenTelemetry collector (or any OTLP/HTTP backend).
// The exporter reads its destination from the standard variables itself:
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL), else
// OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces), else its default, a collector on
// localhost; OTEL_EXPORTER_OTLP_HEADERS adds headers, e.g. an API key.
// Run alone with `npx tsx examples/otlp.ts` (with a collector listening), or
// through `npm run example`, which points it at a stand-in collector.

import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

/** Says what became of each export, which the SDK otherwise reports only to its diagnostic logger. */
function reportingExports(exporter: SpanExporter): SpanExporter {
  return {
    export(spans, resultCallback) {
      exporter.export(spans, (result) => {
        console.log(
          result.code === ExportResultCode.SUCCESS
            ? `OTLP: exported ${spans.length} span(s)`
            : `OTLP: the export of ${spans.length} span(s) failed: ${result.error?.message ?? 'unknown error'}`
        );
        resultCallback(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

function describeDestination(): string {
  const { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT } = process.env;
  if (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}`;
  if (OTEL_EXPORTER_OTLP_ENDPOINT) return `OTEL_EXPORTER_OTLP_ENDPOINT=${OTEL_EXPORTER_OTLP_ENDPOINT}`;
  return "the exporter's default (no OTEL_EXPORTER_OTLP_*ENDPOINT set)";
}

export async function main(baseUrl: string): Promise<void> {
  console.log(`OTLP destination: ${describeDestination()}`);
  const stopTracing = startTracing(new AxiosInstrumentation(), {
    serviceName: 'axios-otlp-example',
    detectResources: true,
    // Batched, as in production: the spans leave together when the batch is
    // full, every few seconds, or when the SDK shuts down.
    spanProcessors: [new BatchSpanProcessor({ exporter: reportingExports(new OTLPTraceExporter()) })],
  });
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const fetched = await axios.get(`${baseUrl}/get`);
    const posted = await axios.post(`${baseUrl}/post`, { key: 'value' });
    console.log(`GET /get -> ${fetched.status}, POST /post -> ${posted.status}`);
  } finally {
    // Flushes the batch: without it the last spans would be lost at exit.
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
