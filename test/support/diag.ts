/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { DiagLogger } from '@opentelemetry/api';

/** Keeps diag's error messages (an Error as its name and message), for tests that expect one. */
export class CollectingLogger implements DiagLogger {
  readonly errors: string[] = [];
  error = (...args: unknown[]): void => {
    this.errors.push(args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(' '));
  };
  warn = (): void => {};
  info = (): void => {};
  debug = (): void => {};
  verbose = (): void => {};
}
