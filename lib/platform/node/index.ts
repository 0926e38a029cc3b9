/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// First: says what to install when the optional peer @opentelemetry/instrumentation is missing.
import './base-package';

export { checkEsmSetup, environmentFlag, environmentVariable, headersToCaptureFromEnvironment } from './environment';
export { copyText, decodeBytes } from './text';
export { RawKeyVerdicts, remembered, rememberedByPair } from './caches';
export { shortTextShapes } from './short-texts';
export { queryKeysCheck } from './query-keys';
export { isSameHeaderName } from './header-names';
export {
  absoluteRequestUrl,
  nodeRequestHeadersSource,
  protocolVersionOf,
  tracePropagationFilter,
  transportDecodedBody,
} from './requests';
export { transportRecordsDuration } from './transport-metrics';
export { isHttpAdapter, restoreBeforeRedirect, traceRedirectHops } from './redirects';
export { axiosModuleHooks } from './module-hooks';
export { takeOverFromZeroCode } from './zero-code-slot';
export { finishNetworkTimings, startNetworkTimings, unwatchNetworkTimings, watchNetworkTimings } from './timings';
