/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Context, propagation, TextMapSetter } from '@opentelemetry/api';

/**
 * What dispatchRequest hands the adapter as `config.headers`: an AxiosHeaders,
 * which keeps each header as an own property under the name it was first set
 * with (or a plain object, if an interceptor put one there).
 */
export type AdapterHeaders = Record<string, unknown> & {
  get?(name: string): unknown;
  set?(name: string, value: unknown): unknown;
  delete?(name: string): unknown;
};

/** How to give one header back as the application set it. */
export interface InjectedHeader {
  name: string;
  /** The header did not exist: it is deleted again. */
  added: boolean;
  previous?: unknown;
}

// The names propagators write are lower-case tokens; AxiosHeaders.set() would
// store such a name and a string value unchanged, and costs as much as the
// rest of the injection. Anything else goes through set().
const PLAIN_HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** The name under which `headers` holds `lowerCaseName`, compared without regard to case. */
function existingName(headers: AdapterHeaders, lowerCaseName: string): string | undefined {
  for (const name of Object.keys(headers)) {
    if (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) return name;
  }
  return undefined;
}

const setter: TextMapSetter<{ headers: AdapterHeaders; injected: InjectedHeader[] }> = {
  set({ headers, injected }, name, value) {
    const existing = existingName(headers, name.toLowerCase());
    if (existing === undefined && typeof value === 'string' && PLAIN_HEADER_NAME.test(name)) {
      headers[name] = value;
      injected.push({ name, added: true });
    } else if (typeof headers.set === 'function' && typeof headers.get === 'function') {
      injected.push({ name: existing ?? name, added: existing === undefined, previous: existing && headers.get(existing) });
      headers.set(name, value);
    } else {
      injected.push({ name: existing ?? name, added: existing === undefined, previous: existing && headers[existing] });
      headers[existing ?? name] = value;
    }
  },
};

/**
 * Injects the trace headers; returns what `restoreHeaders` needs to give the
 * application back the headers it set (a config sent again from
 * `response.config` must not carry this request's context). A propagator that
 * throws half-way has what it wrote taken out again before the error goes on:
 * the request leaves as untraced, not with part of a context.
 */
export function injectTraceHeaders(requestContext: Context, headers: AdapterHeaders): InjectedHeader[] {
  const injected: InjectedHeader[] = [];
  try {
    propagation.inject(requestContext, { headers, injected }, setter);
  } catch (error) {
    restoreHeaders(headers, injected);
    throw error;
  }
  return injected;
}

export function restoreHeaders(headers: AdapterHeaders, injected: readonly InjectedHeader[]): void {
  // Last in, first out: V8 undoes the deletion of the newest property cheaply,
  // and any other order leaves the headers object slower to use.
  for (let i = injected.length - 1; i >= 0; i -= 1) {
    const { name, added, previous } = injected[i];
    if (added) delete headers[name];
    else if (typeof headers.set === 'function') headers.set(name, previous);
    else headers[name] = previous;
  }
}
