/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Kept in step with package.json by a test (test/lifecycle.test.ts).
export const PACKAGE_NAME = 'opentelemetry-instrumentation-axios';
export const PACKAGE_VERSION = '0.1.0';
