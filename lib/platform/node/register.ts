/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// `node --require opentelemetry-instrumentation-axios/register app.js`:
// traces axios loaded with require(). ESM applications use --import, which loads
// register-import instead.

import { startZeroCode } from './zero-code';

startZeroCode({ esmLoaderHook: false });
