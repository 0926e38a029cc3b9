/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Instrumentation } from '@opentelemetry/instrumentation';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

import { PrintSpansExporter } from './print-spans';

export interface TracingOptions {
  serviceName?: string;
  /**
   * Detect host and process resource attributes, as NodeSDK does by default.
   * Off unless asked: spans then wait for the detection before they are
   * exported, which makes them print after the lines the example logs.
   */
  detectResources?: boolean;
  /** Span processors added beside the one that prints spans. */
  spanProcessors?: SpanProcessor[];
}

/**
 * Starts the OpenTelemetry SDK with the given instrumentation, printing every
 * span as it ends. Call it before axios is loaded: the instrumentation patches
 * axios when `require('axios')` loads it. Returns a function that flushes and
 * stops the SDK.
 */
export function startTracing(instrumentation: Instrumentation, options: TracingOptions = {}): () => Promise<void> {
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? 'axios-examples',
    spanProcessors: [new SimpleSpanProcessor({ exporter: new PrintSpansExporter() }), ...(options.spanProcessors ?? [])],
    instrumentations: [instrumentation],
    autoDetectResources: options.detectResources ?? false,
    // Left out, NodeSDK would also set up OTLP metrics and logs pipelines from
    // the environment; these examples are about traces only.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
