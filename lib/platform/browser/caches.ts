/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A page sends few requests: the answers that Node's platform remembers
// (../node/caches.ts) are worked out afresh here, the same answers, without
// the code that remembers them.

import { copyText } from './text';

/** The verdicts on keys written inside a larger text (a JSON body, a query); `judge` gets the key as written. */
export class RawKeyVerdicts {
  constructor(private readonly judge: (rawKey: string) => boolean) {}

  verdict(text: string, start: number, end: number): boolean {
    // The key as Node's platform hands it over (a copy, lone surrogates replaced): the same verdict.
    return this.judge(copyText(text.slice(start, end)));
  }
}

export function remembered<V>(compute: (key: string) => V, _capacity: number, _longestKey: number): (key: string) => V {
  return compute;
}

export function rememberedByPair<V>(compute: (first: string, second: string) => V, _capacity: number, _longestKeys: number): (first: string, second: string) => V {
  return compute;
}
