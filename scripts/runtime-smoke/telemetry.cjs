/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The application's tracing setup, as the README documents it: NodeSDK with
// the axios instrumentation, started before axios is loaded. Spans and metrics
// go to in-memory exporters so the checks can read them. Plain CommonJS: the
// CommonJS app requires it, and register.mjs (the ESM setup for Node, preloaded)
// imports it; tracing.mjs is the same setup for an ESM app without a preload.

'use strict';

const api = require('@opentelemetry/api');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');
const {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} = require('@opentelemetry/sdk-metrics');
const { AxiosInstrumentation, REDACTED_HEADER_VALUE } = require('opentelemetry-instrumentation-axios');

const spanExporter = new InMemorySpanExporter();
// DELTA, so that each flush holds only what was recorded since the previous one.
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const axiosInstrumentation = new AxiosInstrumentation({ captureAll: true });

const sdk = new NodeSDK({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  metricReaders: [metricReader],
  instrumentations: [axiosInstrumentation],
  autoDetectResources: false,
  resourceDetectors: [],
});
sdk.start();

module.exports = { api, sdk, axiosInstrumentation, spanExporter, metricExporter, metricReader, REDACTED_HEADER_VALUE };
