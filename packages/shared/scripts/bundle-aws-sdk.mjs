// Bundles packages/shared's src/ec2/aws-sdk.ts over the file tsc emitted for it
// (dist/ec2/aws-sdk.js): the AWS SDK's ES modules, tree-shaken down to the
// commands we send, inlined with their @smithy/@aws-crypto dependencies. Run by
// the shared package's build, from its folder. Why: see src/ec2/aws-sdk.ts.
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['src/ec2/aws-sdk.ts'],
  outfile: 'dist/ec2/aws-sdk.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // The SDK's ES build, which (unlike its CommonJS one) is split per command.
  mainFields: ['module', 'main'],
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // A few SDK modules still use require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `bundled the AWS SDK's EC2 client: dist/ec2/aws-sdk.js (${(bytes / 1024).toFixed(0)} KiB with its map)`,
);
