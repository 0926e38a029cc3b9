/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

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
  transportRecordsDuration,
} from './requests';
export { isHttpAdapter, restoreBeforeRedirect, traceRedirectHops } from './redirects';
export { axiosModuleHooks } from './module-hooks';
export { takeOverFromZeroCode } from './zero-code-slot';
export { finishNetworkTimings, startNetworkTimings, unwatchNetworkTimings, watchNetworkTimings } from './timings';
