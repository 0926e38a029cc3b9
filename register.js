/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Node resolves `opentelemetry-instrumentation-axios/register` through package.json's
// `exports`; this file serves tools that read no `exports` (TypeScript's node10 resolution).
'use strict';
require('./dist/platform/node/register.js');
