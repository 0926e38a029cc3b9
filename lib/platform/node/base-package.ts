/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// @opentelemetry/instrumentation is an optional peer dependency, so that an
// app gets the one copy its SDK line brings (0.223 on the 2.x line, 0.30x on
// 3.x) instead of a second one nested under this package. An app that has no
// SDK package bringing it must install it: say so, instead of Node's bare
// "Cannot find module". Loaded before the instrumentation (lib/index.ts); the
// require is literal so that bundlers inline the package as usual.

import { PACKAGE_NAME } from '../../version';

const BASE_PACKAGE = '@opentelemetry/instrumentation';

export const MISSING_BASE_PACKAGE_MESSAGE =
  `${PACKAGE_NAME} needs ${BASE_PACKAGE}, which the app must provide: ` +
  `npm install ${BASE_PACKAGE}@^0.301.0 with the OpenTelemetry JS 3.x SDK (api 1.10), ` +
  `or ${BASE_PACKAGE}@^0.223.0 with the 2.x SDK (api 1.9). ` +
  '@opentelemetry/sdk-node and @opentelemetry/auto-instrumentations-node bring it already.';

function isMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  // The base package itself, not a module it failed to load.
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${BASE_PACKAGE}'`);
}

// `require` is absent from the ES module build, which bundlers use and which
// reports a missing package at build time.
if (typeof require === 'function') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@opentelemetry/instrumentation');
  } catch (error) {
    if (isMissing(error)) throw new Error(MISSING_BASE_PACKAGE_MESSAGE, { cause: error });
    throw error;
  }
}
