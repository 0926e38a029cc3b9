/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import type { GetUri } from './url';

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

/** The adapter that will send a request whose config chose `chosenAdapter`, as axios itself resolves it. */
export function adapterFor(axiosModule: AxiosModule, chosenAdapter: unknown, config: InternalAxiosRequestConfig): AxiosAdapterFunction {
  const adapter = chosenAdapter || axiosModule.defaults?.adapter;
  if (axiosModule.getAdapter) return axiosModule.getAdapter(adapter, config);
  // axios 0.x: an adapter is a function, called as it is.
  return adapter as AxiosAdapterFunction;
}

/** The options follow-redirects hands `beforeRedirect` for the next hop (mutable). */
export interface RedirectOptions {
  href?: unknown;
  method?: unknown;
  headers?: unknown;
  /** The modules each hop is sent with, by protocol (`http:`, `https:`): one object shared by every request. */
  nativeProtocols?: unknown;
}

/** What the 3xx said (recent axios versions pass it; older ones pass nothing). */
export interface RedirectResponse {
  statusCode?: unknown;
  headers?: unknown;
}

/** The hop that was redirected, as follow-redirects describes it (headers as sent, `Host` included). */
export interface RedirectedRequest {
  headers?: unknown;
}

/** Marks the protocols that `sendEachHopThrough` gave a request's options. */
const HOP_PROTOCOLS = Symbol('opentelemetry-instrumentation-axios: protocols of one redirected request');

type NativeProtocol = { request: (...args: unknown[]) => unknown };

/**
 * follow-redirects sends the next hop from inside its handling of the
 * previous hop's response, so in the previous hop's context. These options
 * (one request's, kept for all its hops) get protocols of their own whose
 * `request()` goes through `send`; the shared ones are left alone.
 */
export function sendEachHopThrough(options: RedirectOptions, send: <T>(request: () => T) => T): void {
  const protocols = options.nativeProtocols;
  if (typeof protocols !== 'object' || protocols === null || HOP_PROTOCOLS in protocols) return;
  const own: Record<string | symbol, unknown> = { [HOP_PROTOCOLS]: true };
  for (const [scheme, protocol] of Object.entries(protocols)) {
    if (typeof (protocol as Partial<NativeProtocol> | undefined)?.request !== 'function') {
      own[scheme] = protocol;
      continue;
    }
    const request = function (this: unknown, ...args: unknown[]) {
      // Looked up at each hop: an HTTP instrumentation may patch it meanwhile.
      return send(() => (protocol as NativeProtocol).request(...args));
    };
    own[scheme] = Object.create(protocol as object, { request: { value: request, writable: true, configurable: true } });
  }
  options.nativeProtocols = own;
}

const httpAdapters = new WeakMap<AxiosModule, unknown>();

/** This copy's http adapter (null where it has none, as in browsers); looked up once per copy. */
export function httpAdapterOf(axiosModule: AxiosModule): unknown {
  let adapter = httpAdapters.get(axiosModule);
  if (adapter === undefined) {
    adapter = lookUpHttpAdapter(axiosModule);
    // A 0.x copy known only from lib/core/Axios.js has no defaults yet: asked again later.
    if (axiosModule.getAdapter || axiosModule.defaults) httpAdapters.set(axiosModule, adapter);
  }
  return adapter;
}

function lookUpHttpAdapter(axiosModule: AxiosModule): unknown {
  if (axiosModule.getAdapter) {
    try {
      return axiosModule.getAdapter('http');
    } catch {
      return null;
    }
  }
  // axios 0.x exports no adapter; on Node the default one, chosen at load, is
  // the http adapter (named so in every 0.x release; a minifier may rename it,
  // and then redirects are not seen hop by hop).
  const adapter = axiosModule.defaults?.adapter;
  return typeof adapter === 'function' && adapter.name === 'httpAdapter' ? adapter : null;
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
