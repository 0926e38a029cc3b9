/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The README's ESM setup for Node: register the loader hook, then load the SDK
// and the instrumentation with import() (static imports would be evaluated
// before register() runs). Preloaded with `node --import`, `bun --preload` or
// `deno run --preload`.

import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
await import('./telemetry.cjs');
