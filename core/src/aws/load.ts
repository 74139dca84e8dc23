import * as path from 'node:path';
import type * as AwsModule from './index';

export type Aws = typeof AwsModule;

/** Set by esbuild in the bundles, where the AWS half is dist/aws.js beside the bundle that asks. */
declare const SMCT_AWS_BUNDLE: boolean | undefined;

let loaded: Aws | undefined;

/** The AWS half of the engine, loaded on first use only. */
export function loadAws(): Aws {
  if (!loaded) {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded at run time on purpose */
    loaded = typeof SMCT_AWS_BUNDLE !== 'undefined' && SMCT_AWS_BUNDLE ? (require(path.join(__dirname, 'aws.js')) as Aws) : (require('./index') as Aws);
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return loaded;
}
