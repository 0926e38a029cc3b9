/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// What `node --require` / `--import opentelemetry-instrumentation-axios/register`
// run before the application: an AxiosInstrumentation with its options from
// the environment, registered against the global providers. It starts no SDK:
// that is the job of @opentelemetry/auto-instrumentations-node/register (or the
// application's own set-up), before or after this one. Spans go through the
// global tracer provider, whose proxy reaches the SDK whenever it registers;
// the meter is taken again once every preloaded module has run, in case the
// SDK registered after us.

// The package's own modules first: loading them checks for the base package
// and says what to install when it is missing.
import { configFromEnvironment, DISABLED_INSTRUMENTATIONS_ENV } from '../../env-options';
import { AxiosInstrumentation } from '../../instrumentation';
import { setZeroCodeInstrumentation, zeroCodeInstrumentation } from './zero-code-slot';

import { register } from 'module';
import { pathToFileURL } from 'url';
import { diag, metrics } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';

/** The ESM loader hook of the base package this package depends on (so that its module hooks are the ones that fire). */
const ESM_LOADER_HOOK = '@opentelemetry/instrumentation/hook.mjs';

export interface ZeroCodeOptions {
  /** Also register the ESM loader hook, so that `import axios from 'axios'` is traced. */
  esmLoaderHook: boolean;
}

export function startZeroCode({ esmLoaderHook }: ZeroCodeOptions): void {
  const { config, warnings, disabled } = configFromEnvironment();
  if (disabled) {
    diag.info(`opentelemetry-instrumentation-axios/register: axios is in ${DISABLED_INSTRUMENTATIONS_ENV}; not started`);
    return;
  }
  if (esmLoaderHook) registerEsmLoaderHook();
  // Both entry points in one process (or two copies of this package) start one instrumentation.
  if (zeroCodeInstrumentation()) return;
  const meterProviderAtStart = metrics.getMeterProvider();
  const instrumentation = new AxiosInstrumentation(config);
  registerInstrumentations({ instrumentations: [instrumentation] });
  setZeroCodeInstrumentation(instrumentation);

  // After the other preloaded modules (an SDK started after this one sets the
  // diag logger and the meter provider), before the application's first request completes.
  setImmediate(() => {
    for (const warning of warnings) diag.warn(`opentelemetry-instrumentation-axios/register: ${warning}`);
    const meterProvider = metrics.getMeterProvider();
    if (meterProvider !== meterProviderAtStart) instrumentation.setMeterProvider(meterProvider);
  });
}

const ESM_LOADER_HOOK_REGISTERED = Symbol.for('opentelemetry-instrumentation-axios: the ESM loader hook is registered');

function registerEsmLoaderHook(): void {
  const flags = globalThis as { [ESM_LOADER_HOOK_REGISTERED]?: boolean };
  if (flags[ESM_LOADER_HOOK_REGISTERED]) return;
  flags[ESM_LOADER_HOOK_REGISTERED] = true;
  try {
    register(ESM_LOADER_HOOK, pathToFileURL(__filename));
  } catch (error) {
    diag.error(`opentelemetry-instrumentation-axios/register: the ESM loader hook could not be registered; ESM imports of axios are not traced`, error);
  }
}
