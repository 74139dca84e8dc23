// Bundles the entry points: the VS Code client, the language server, the smct CLI, and the AWS half of the engine.
import * as esbuild from 'esbuild';

// npm runs `prepare` (a development build) after `prepack` when it packs or publishes: what is packed
// must still be the production build (https://docs.npmjs.com/cli/v10/using-npm/scripts#npm-pack).
const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');
const production = process.argv.includes('--production') || packing;
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  // The ESM builds of vscode-languageserver-types/-textdocument bundle better than their UMD mains.
  mainFields: ['module', 'main'],
  conditions: ['import', 'require'],
  logLevel: 'warning',
};

// The AWS SDK is bundled apart, in dist/aws.js, which core/src/aws/load.ts requires on first use.
const awsApart = { define: { SMCT_AWS_BUNDLE: 'true' } };

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], ...awsApart },
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['cli/src/smct.ts'], outfile: 'dist/cli.js', ...awsApart },
  { entryPoints: ['core/src/aws/index.ts'], outfile: 'dist/aws.js' },
];

if (watch) {
  for (const build of builds) await (await esbuild.context({ ...common, ...build })).watch();
} else {
  await Promise.all(builds.map((build) => esbuild.build({ ...common, ...build })));
}
