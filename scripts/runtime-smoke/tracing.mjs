/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The README's tracing setup for an ESM app on Bun and Deno (tracing.mjs):
// static imports, named imports from the package's CommonJS build, NodeSDK
// started here, the instrumentation exported for manuallyInstrument(axios).
// The same SDK setup as telemetry.cjs, with in-memory exporters for the checks.

import * as api from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AxiosInstrumentation, REDACTED_HEADER_VALUE } from 'opentelemetry-instrumentation-axios';

export const spanExporter = new InMemorySpanExporter();
export const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
export const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
export const axiosInstrumentation = new AxiosInstrumentation({ captureAll: true });

export const sdk = new NodeSDK({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  metricReaders: [metricReader],
  instrumentations: [axiosInstrumentation],
  autoDetectResources: false,
  resourceDetectors: [],
});
sdk.start();

export { api, REDACTED_HEADER_VALUE };
