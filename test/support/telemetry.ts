/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Loaded by mocha before every test file (.mocharc.json `require`): one real
// SDK (of the OpenTelemetry JS line installed), the instrumentations, then
// axios, in the order users set them up.

import * as assert from 'assert';
import * as http from 'http';
import { isWrapped } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AxiosStatic } from 'axios';
import nock from 'nock';

import { AxiosInstrumentation, AxiosInstrumentationConfig } from '../../lib';
import { createTracerProvider, InMemorySpanExporter, registerGlobally, simpleSpanProcessor } from './sdk';

// nock takes over http.request as soon as it is imported; tests that want it
// call nock.activate() and restore it afterwards.
nock.restore();

/**
 * Keeps every span started and not yet ended, whoever started it: the proof
 * that a scenario left no span open, even one no hook or exporter ever saw.
 */
class OpenSpanTracker implements SpanProcessor {
  readonly open = new Set<Span>();
  onStart(span: Span): void {
    this.open.add(span);
  }
  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export const exporter = new InMemorySpanExporter();
const openSpanTracker = new OpenSpanTracker();
// On either OpenTelemetry JS line (test/support/sdk.ts), registered globally as a Node app would.
export const provider = registerGlobally(
  createTracerProvider({ spanProcessors: [openSpanTracker, simpleSpanProcessor(exporter)] })
);

export const instrumentation = new AxiosInstrumentation();
instrumentation.setTracerProvider(provider);

/** instrumentation-http, patched now and disabled until a test turns it on. */
export const httpInstrumentation = new HttpInstrumentation();
httpInstrumentation.setTracerProvider(provider);

// Required only now, so that the module-load hooks above see axios (and http).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const axios: AxiosStatic = require(process.env.TEST_AXIOS_DIR ? require.resolve('axios', { paths: [process.env.TEST_AXIOS_DIR] }) : 'axios');
httpInstrumentation.disable();

/** Each test starts from a clean slate: the given config, enabled, no spans. */
export function resetInstrumentation(config: AxiosInstrumentationConfig = {}): void {
  instrumentation.setConfig(config);
  instrumentation.enable();
  exporter.reset();
  openSpanTracker.open.clear();
}

/** The names of the spans started since the last reset that have not ended. */
export function openSpanNames(): string[] {
  return [...openSpanTracker.open].map((span) => span.name);
}

/** Runs `work` with instrumentation-http patched, and always turns it off again. */
export async function withHttpInstrumentation<T>(work: () => Promise<T>): Promise<T> {
  httpInstrumentation.enable();
  // Otherwise a test of "no http span" would pass without instrumentation-http at work.
  assert.ok(isWrapped(http.request), 'instrumentation-http has patched http.request');
  try {
    return await work();
  } finally {
    httpInstrumentation.disable();
  }
}

export function finishedSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans();
}

export const tracer = provider.getTracer('test');
