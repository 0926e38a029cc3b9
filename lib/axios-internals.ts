/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import type { GetUri } from './url';

// The parts of axios that the patch touches, typed structurally: `_request` is
// not in axios' declarations, and nothing here may depend on axios at run time.

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

/** One loaded copy of axios (CommonJS and ESM builds are two). */
export interface AxiosModule {
  Axios: { prototype: AxiosPrototype };
  defaults?: { adapter?: unknown };
  getAdapter: (adapters: unknown, config?: unknown) => AxiosAdapterFunction;
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
    try {
      adapter = axiosModule.getAdapter('http');
    } catch {
      adapter = null;
    }
    httpAdapters.set(axiosModule, adapter);
  }
  return adapter;
}

function isAxiosModule(candidate: unknown): candidate is AxiosModule {
  if ((typeof candidate !== 'function' && typeof candidate !== 'object') || candidate === null) return false;
  const { Axios, getAdapter } = candidate as { Axios?: unknown; getAdapter?: unknown };
  return (
    typeof Axios === 'function' &&
    typeof (Axios.prototype as { request?: unknown } | undefined)?.request === 'function' &&
    typeof getAdapter === 'function'
  );
}

/** The axios object from `require('axios')` or from an ESM namespace (`default`). */
export function findAxiosModule(moduleExports: unknown): AxiosModule | undefined {
  if (isAxiosModule(moduleExports)) return moduleExports;
  const fallback = (moduleExports as { default?: unknown } | undefined)?.default;
  return isAxiosModule(fallback) ? fallback : undefined;
}

/** The method that every call form goes through in this copy of axios. */
export function requestMethodName(prototype: AxiosPrototype): '_request' | 'request' {
  return typeof prototype._request === 'function' ? '_request' : 'request';
}
