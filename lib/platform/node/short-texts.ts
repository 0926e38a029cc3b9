/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Texts up to this long are looked at character by character before any search. */
const LONGEST_TEXT_LOOKED_AT = 64;

function isLetter(code: number): boolean {
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

/** Whether the letters just before `index` (back to `start` at most) are one of `schemeNames` (lower case), in any case. */
function isSchemeBefore(text: string, start: number, index: number, schemeNames: readonly string[]): boolean {
  let wordStart = index;
  // No name is longer than 9 letters: a longer word stops the walk at 10 and matches none.
  while (wordStart > start && wordStart > index - 10 && isLetter(text.charCodeAt(wordStart - 1))) wordStart -= 1;
  const length = index - wordStart;
  for (const name of schemeNames) {
    if (name.length !== length) continue;
    let same = true;
    // Letters only here: `| 0x20` is their lower case.
    for (let offset = 0; same && offset < length; offset += 1) same = (text.charCodeAt(wordStart + offset) | 0x20) === name.charCodeAt(offset);
    if (same) return true;
  }
  return false;
}

/**
 * What credential shapes a short text[start, end) may hold, told character by
 * character (the credential search, lib/credentials.ts, runs over every string
 * of every captured JSON body, and a service captures thousands a second):
 * `separator`, a `:` or `=`, which every shape but an auth scheme's needs;
 * `scheme`, none of those but an auth scheme's name before a space or tab;
 * `nothing`. Undefined for a longer text, which the search tests itself. A
 * page's platform looks at no text this way: the search finds the same.
 */
export function shortTextShapes(text: string, start: number, end: number, schemeNames: readonly string[]): 'separator' | 'scheme' | 'nothing' | undefined {
  if (end - start > LONGEST_TEXT_LOOKED_AT) return undefined;
  let scheme = false;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x3a || code === 0x3d) return 'separator'; // : =
    if (!scheme && (code === 0x20 || code === 0x09)) scheme = isSchemeBefore(text, start, index, schemeNames);
  }
  return scheme ? 'scheme' : 'nothing';
}
