/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** A page has no zero-code entry point: there is never an instrumentation to take over from. */
export function takeOverFromZeroCode(_successor: object, _remember: unknown): void {}
