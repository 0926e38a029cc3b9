/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Types for test/fixtures/sdk.js, the one place that builds SDK pieces for
// whichever OpenTelemetry JS line is installed (2.x or 3.x). Tests import SDK
// types only (`import type`), from the 2.x packages the project compiles
// against: the members they use are the same on both lines.

import * as path from 'path';
import type { TracerProvider } from '@opentelemetry/api';
import type { InMemorySpanExporter as InMemorySpanExporterType, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

import { projectRoot } from './child';

/** A tracer provider of either line: what both lines' providers have. */
export interface LineTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

interface SdkLine {
  line: 2 | 3;
  InMemorySpanExporter: new () => InMemorySpanExporterType;
  simpleSpanProcessor(exporter: SpanExporter): SpanProcessor;
  batchSpanProcessor(exporter: SpanExporter, options?: Record<string, unknown>): SpanProcessor;
  createTracerProvider(options?: { spanProcessors?: SpanProcessor[] }): LineTracerProvider;
  registerGlobally<T extends TracerProvider>(provider: T): T;
}

/** The path child processes and bundles require to get the same pieces. */
export const SDK_HELPER = path.join(projectRoot, 'test', 'fixtures', 'sdk.js');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkLine = require(SDK_HELPER) as SdkLine;

export const { line: otelLine, InMemorySpanExporter, simpleSpanProcessor, batchSpanProcessor, createTracerProvider, registerGlobally } =
  sdkLine;
