/**
 * Lets plain `node` run the TypeScript benches: `node -r ./bench/ts-register.cjs bench/x.ts`.
 * Each .ts file is compiled on require by @swc/core (already a dev dependency, via @swc/jest),
 * with the same settings as jest.config.js. No type checking here: `npm run typecheck` does that.
 */
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it runs before any TypeScript can. */
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = require('fs').readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
