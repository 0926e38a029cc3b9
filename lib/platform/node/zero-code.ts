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
import { diag, metrics, trace } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';

/** The ESM loader hook of the base package this package depends on (so that its module hooks are the ones that fire). */
const ESM_LOADER_HOOK = '@opentelemetry/instrumentation/hook.mjs';

export interface ZeroCodeOptions {
  /** Also register the ESM loader hook, so that `import axios from 'axios'` is traced. */
  esmLoaderHook: boolean;
}

/** An AxiosInstrumentation that calls `beforeAxiosPatched` whenever the module hook is about to patch axios. */
class ZeroCodeAxiosInstrumentation extends AxiosInstrumentation {
  // Set after construction; declared so that no field initialiser runs after init(), which the base constructor calls.
  declare beforeAxiosPatched: (() => void) | undefined;

  protected override init() {
    const definitions = super.init();
    for (const definition of definitions) {
      const patch = definition.patch;
      if (!patch) continue;
      definition.patch = (moduleExports: unknown, moduleVersion?: string) => {
        this.beforeAxiosPatched?.();
        return patch.call(definition, moduleExports, moduleVersion);
      };
    }
    return definitions;
  }
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
  const instrumentation = new ZeroCodeAxiosInstrumentation(config);
  registerInstrumentations({ instrumentations: [instrumentation] });
  setZeroCodeInstrumentation(instrumentation);

  // The SDK may register after us. The proxy tracer we got at start finds it
  // when it registers through our copy of @opentelemetry/api, but not through
  // another (the ESM build of the API, which an ESM register loads), and the
  // meter is fixed when taken: so the global providers are taken again once
  // the preloaded modules have run (setImmediate, enough for --require) and
  // when axios is loaded (after every --import, which load asynchronously).
  let tracerProvider = trace.getTracerProvider();
  let meterProvider = metrics.getMeterProvider();
  const takeGlobalProviders = () => {
    if (trace.getTracerProvider() !== tracerProvider) {
      tracerProvider = trace.getTracerProvider();
      instrumentation.setTracerProvider(tracerProvider);
    }
    if (metrics.getMeterProvider() !== meterProvider) {
      meterProvider = metrics.getMeterProvider();
      instrumentation.setMeterProvider(meterProvider);
    }
  };
  instrumentation.beforeAxiosPatched = takeGlobalProviders;
  setImmediate(() => {
    // An SDK started by then has set the diag logger too.
    for (const warning of warnings) diag.warn(`opentelemetry-instrumentation-axios/register: ${warning}`);
    takeGlobalProviders();
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
