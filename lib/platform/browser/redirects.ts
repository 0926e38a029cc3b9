/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A browser follows redirects itself, out of sight of the xhr and fetch
// adapters, and there is no http adapter: no hop is seen, none is traced.

export function isHttpAdapter(_axiosModule: unknown, _adapter: unknown): boolean {
  return false;
}

export function traceRedirectHops(_steps: unknown, _state: unknown, _config: unknown): void {}

export function restoreBeforeRedirect(_steps: unknown, _state: unknown, _config: unknown): void {}
