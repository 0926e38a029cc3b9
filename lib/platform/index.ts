/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// What differs between Node and a browser. Bundlers that read package.json's
// `browser` field load ./browser instead of this file.
export * from './node';
