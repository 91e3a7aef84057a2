import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node built-ins, with and without the `node:` prefix.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  // src/host/wasm is AssemblyScript (its own compiler, `npm run build:wasm`), not part of the TS program.
  { ignores: ['dist/', 'node_modules/', '.steward/', 'coverage/', 'src/host/wasm/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'child_process',
              importNames: ['exec', 'execSync'],
              message: 'Use execFile/spawn with an argument vector.',
            },
          ],
        },
      ],
    },
  },
  {
    // A promise nobody awaits loses its failure (and, in a workflow, its ordering).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // src/core decides and src/workflows sequence: no I/O in either (docs/architecture.md). The
    // layers they may import are checked by dependency-cruiser (.dependency-cruiser.cjs).
    files: ['src/core/**/*.ts', 'src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'src/core and src/workflows do no I/O: put it in src/host and call it from an activity.',
          })),
          patterns: [
            {
              group: ['**/host/*', '**/client/*', '**/workers/*', '**/agent/*'],
              message: 'src/core and src/workflows do not import the host, client, workers or stand-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    // web/ is the dashboard's browser code: the server serves it as compiled, with only the
    // packages of its import map beside it, and no src/ (nor Node) at all.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'web/ runs in the browser.' })),
          patterns: [
            {
              group: ['../src/**'],
              allowTypeImports: true,
              message: 'The browser gets no src/: take its types only (import type).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['jest.config.js', 'scripts/**/*.js', '.dependency-cruiser.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
