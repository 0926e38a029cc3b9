/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** A small seeded generator (mulberry32): random but reproducible choices and orders. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of a file's property tests: fixed so that CI is reproducible;
 * PROPERTY_SEED=random draws a fresh one, PROPERTY_SEED=N replays one.
 */
export function propertySeed(defaultSeed: number): number {
  const fromEnv = process.env.PROPERTY_SEED;
  if (fromEnv === undefined || fromEnv === '') return defaultSeed;
  if (fromEnv === 'random') return Math.floor(Math.random() * 0x7fffffff);
  return Number(fromEnv);
}

/** PROPERTY_RUNS, when given: more (or fewer) runs than a test's own number. */
export function propertyRuns(): number {
  return Number(process.env.PROPERTY_RUNS) || 0;
}
