/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';


// The parts of axios that the patch touches, typed structurally: `_request` is
// not in axios' declarations, and nothing here may depend on axios at run time.
//
// Two lines of axios are traced, and this file is where they differ:
// - 1.x (from 1.5.0) resolves adapters by name with `getAdapter`; from 1.6.6
//   `request` delegates to `_request`, looked up at call time.
// - 0.x (from 0.21.4) has no `getAdapter`: `defaults.adapter` is the adapter
//   function itself, chosen when axios loads (http on Node, xhr in browsers),
//   and dispatchRequest calls `config.adapter || defaults.adapter`. Its
//   default export is `bind(Axios.prototype.request)`, made when lib/axios.js
//   runs: only a patch of lib/core/Axios.js, made before that, reaches it.

/** axios' own `Axios.prototype.getUri`. */
export type GetUri = (this: { defaults: object }, config: object) => string;

export type AxiosAdapterFunction = (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>;

export type RequestMethod = (this: AxiosInstanceLike, configOrUrl?: unknown, config?: unknown) => Promise<unknown>;

export interface AxiosInstanceLike {
  defaults?: { adapter?: unknown; method?: unknown; baseURL?: unknown; signal?: unknown };
}

export interface AxiosPrototype extends AxiosInstanceLike {
  getUri: GetUri;
  request: RequestMethod;
  /** axios >= 1.6.6: `request` delegates here, looked up at call time. */
  _request?: RequestMethod;
}

/**
 * One loaded copy of axios (CommonJS and ESM builds are two). For axios 0.x
 * patched through lib/core/Axios.js, `defaults` is filled in when the package
 * itself has loaded.
 */
export interface AxiosModule {
  Axios: { prototype: AxiosPrototype };
  defaults?: { adapter?: unknown };
  /** axios 1.x; 0.x has none. */
  getAdapter?: (adapters: unknown, config?: unknown) => AxiosAdapterFunction;
}

/** The axios 0.x file whose `Axios.prototype.request` the default export binds when it loads. */
export const AXIOS_0X_CORE_FILE = 'axios/lib/core/Axios.js';
export const AXIOS_0X_VERSIONS = '>=0.21.4 <1';
export const AXIOS_1X_VERSIONS = '>=1.5.0 <2';
export const SUPPORTED_AXIOS_VERSIONS = [AXIOS_0X_VERSIONS, AXIOS_1X_VERSIONS];

/** The adapter that will send a request whose config chose `chosenAdapter`, as axios itself resolves it. */
export function adapterFor(axiosModule: AxiosModule, chosenAdapter: unknown, config: InternalAxiosRequestConfig): AxiosAdapterFunction {
  const adapter = chosenAdapter || axiosModule.defaults?.adapter;
  if (axiosModule.getAdapter) return axiosModule.getAdapter(adapter, config);
  // axios 0.x: an adapter is a function, called as it is.
  return adapter as AxiosAdapterFunction;
}

function isAxiosModule(candidate: unknown): candidate is AxiosModule {
  if ((typeof candidate !== 'function' && typeof candidate !== 'object') || candidate === null) return false;
  const { Axios, getAdapter, defaults } = candidate as { Axios?: unknown; getAdapter?: unknown; defaults?: unknown };
  return (
    typeof Axios === 'function' &&
    typeof (Axios.prototype as { request?: unknown } | undefined)?.request === 'function' &&
    // 1.x resolves adapters with getAdapter; 0.x keeps its adapter in defaults.
    (typeof getAdapter === 'function' || (typeof defaults === 'object' && defaults !== null))
  );
}

/** The axios object from `require('axios')` or from an ESM namespace (`default`). */
export function findAxiosModule(moduleExports: unknown): AxiosModule | undefined {
  if (isAxiosModule(moduleExports)) return moduleExports;
  const fallback = (moduleExports as { default?: unknown } | undefined)?.default;
  return isAxiosModule(fallback) ? fallback : undefined;
}

/** The `Axios` class exported by axios 0.x's lib/core/Axios.js, as a copy of axios known before its package has loaded. */
export function axiosCoreModule(axiosClass: unknown): AxiosModule | undefined {
  if (typeof axiosClass !== 'function' || typeof (axiosClass.prototype as { request?: unknown } | undefined)?.request !== 'function') {
    return undefined;
  }
  return { Axios: axiosClass as unknown as AxiosModule['Axios'], defaults: undefined };
}

/** The method that every call form goes through in this copy of axios. */
export function requestMethodName(prototype: AxiosPrototype): '_request' | 'request' {
  return typeof prototype._request === 'function' ? '_request' : 'request';
}
