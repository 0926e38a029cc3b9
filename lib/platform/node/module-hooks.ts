/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';

import {
  AXIOS_0X_CORE_FILE,
  AXIOS_0X_VERSIONS,
  axiosCoreModule,
  AxiosModule,
  findAxiosModule,
  SUPPORTED_AXIOS_VERSIONS,
} from '../../axios-internals';

/**
 * The module-load hooks through which Node's base class hands over each copy
 * of axios loaded: `adopt` patches it, `unpatchAll` undoes every patch.
 */
export function axiosModuleHooks(
  adopt: (axiosModule: AxiosModule) => void,
  unpatchAll: () => void,
  debug: (message: string) => void
): InstrumentationNodeModuleDefinition[] {
  return [
    new InstrumentationNodeModuleDefinition(
      'axios',
      SUPPORTED_AXIOS_VERSIONS,
      (moduleExports) => {
        const axiosModule = findAxiosModule(moduleExports);
        if (axiosModule) adopt(axiosModule);
        else debug('axios was loaded but its exports do not look like axios; not patched');
        return moduleExports;
      },
      unpatchAll,
      [
        // axios 0.x's lib/core/Axios.js, loaded before its package: patched now,
        // before lib/axios.js binds the default export to `request`.
        new InstrumentationNodeModuleFile(
          AXIOS_0X_CORE_FILE,
          [AXIOS_0X_VERSIONS],
          (axiosClass) => {
            const axiosModule = axiosCoreModule(axiosClass);
            if (axiosModule) adopt(axiosModule);
            return axiosClass;
          },
          unpatchAll
        ),
      ]
    ),
  ];
}
