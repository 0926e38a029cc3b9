/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `node --import opentelemetry-instrumentation-axios/register app.mjs`: the
// same as --require, plus the ESM loader hook, so that `import axios` is traced too.

import { startZeroCode } from './zero-code';

startZeroCode({ esmLoaderHook: true });
