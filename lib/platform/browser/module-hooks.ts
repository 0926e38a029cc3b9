/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A browser loads no module through hooks: its copy of axios is handed over
// with manuallyInstrument().

export function axiosModuleHooks(_adopt: unknown, _unpatchAll: unknown, _debug: unknown): [] {
  return [];
}
