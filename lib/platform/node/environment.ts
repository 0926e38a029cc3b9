/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

export function environmentVariable(name: string): string | undefined {
  return process.env[name];
}
