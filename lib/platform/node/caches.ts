/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A service sends requests by the thousand a second, to the same few URLs,
// with bodies of the same few keys: answers about keys and URLs are remembered
// here. A page sends few requests, and the browser's platform
// (../browser/caches.ts) works each answer out afresh, the same answer.

import { copyText } from './text';

/** Longer keys are judged afresh each time rather than remembered. */
const LONGEST_REMEMBERED_KEY = 64;
/** A power of two: the slot of a key is its hash's low bits. */
const REMEMBERED_RAW_KEYS = 256;

/**
 * Verdicts on recently seen keys, found by the key's characters where they
 * stand in a larger text (a JSON body, a query): the same few keys come again
 * and again, and cutting each out of the text to ask a matcher cost an
 * allocation per key. `judge` gets the key as written (escapes and all) and
 * decodes it itself. A slot holds one key, replaced on a hash collision; a
 * key is only taken as known when all its characters are the same, so a
 * collision costs a judgement, never a wrong verdict.
 */
export class RawKeyVerdicts {
  private readonly keys: Array<string | undefined> = new Array<string | undefined>(REMEMBERED_RAW_KEYS).fill(undefined);
  private readonly verdicts: boolean[] = new Array<boolean>(REMEMBERED_RAW_KEYS).fill(false);

  constructor(private readonly judge: (rawKey: string) => boolean) {}

  /** The verdict on the key written in `text` from `start` up to `end`. */
  verdict(text: string, start: number, end: number): boolean {
    const length = end - start;
    if (length > LONGEST_REMEMBERED_KEY) return this.judge(text.slice(start, end));
    let hash = length;
    for (let index = start; index < end; index += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
    const slot = hash & (REMEMBERED_RAW_KEYS - 1);
    const known = this.keys[slot];
    if (known !== undefined && known.length === length && text.startsWith(known, start)) return this.verdicts[slot];
    // A copy: a slice of a long text would keep all of it alive for as long as the key is remembered.
    const key = copyText(text.slice(start, end));
    const verdict = this.judge(key);
    this.keys[slot] = key;
    this.verdicts[slot] = verdict;
    return verdict;
  }
}

/**
 * `compute` with its answers remembered by its argument, all dropped at once
 * when `capacity` is reached (so unbounded distinct arguments hold at most that
 * many); an argument longer than `longestKey` is computed afresh every time.
 */
export function remembered<V>(compute: (key: string) => V, capacity: number, longestKey: number): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    const known = answers.get(key);
    if (known !== undefined || answers.has(key)) return known as V;
    const answer = compute(key);
    if (key.length <= longestKey) {
      if (answers.size >= capacity) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}

/**
 * `remembered` for two arguments, kept by the two strings as they come: an
 * application passes the same strings again and again, whose hashes V8 keeps,
 * where a key made of both would be built and hashed on every call.
 */
export function rememberedByPair<V>(compute: (first: string, second: string) => V, capacity: number, longestKeys: number): (first: string, second: string) => V {
  const answers = new Map<string, Map<string, V>>();
  let count = 0;
  return (first, second) => {
    let bySecond = answers.get(first);
    const known = bySecond?.get(second);
    if (known !== undefined || bySecond?.has(second)) return known as V;
    const answer = compute(first, second);
    if (first.length + second.length <= longestKeys) {
      if (count >= capacity) {
        answers.clear();
        count = 0;
        bySecond = undefined;
      }
      if (!bySecond) {
        bySecond = new Map();
        answers.set(first, bySecond);
      }
      bySecond.set(second, answer);
      count += 1;
    }
    return answer;
  };
}
