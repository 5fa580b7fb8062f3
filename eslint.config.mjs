// Lint for Caducée: typescript-eslint's recommended rules (syntax only, no type information,
// so that lint stays fast and `tsc` remains the one type checker), the layer rule of
// ARCHITECTURE.md §2 (eslint-rules/layers.mjs), no focused or skipped tests, and no
// console.log in shipped code (electron/ and renderer/ use the logger).
//
// Why not recommendedTypeChecked: measured on this repo (2 cores) it takes ~23 s against ~3.5 s,
// it cannot lint the virtual files of test/lint/layers.test.ts (they belong to no tsconfig),
// and test/e2e's page.evaluate callbacks would need DOM types in the Node tsconfig. Revisit
// when a type-aware rule earns its cost (e.g. no-floating-promises).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import caducee from './eslint-rules/layers.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));

const CODE = '{ts,tsx,mts,cts,js,mjs,cjs}';
const LAYERS = ['electron', 'renderer', 'shared', 'test', 'bench', 'scripts'];

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'test-results/', 'test/lint/fixtures/', '.caducee-dev/'], 'caducee/ignores'),

  {
    name: 'caducee/base',
    files: [...LAYERS.map((dir) => `${dir}/**/*.${CODE}`), `eslint-rules/**/*.${CODE}`, `*.${CODE}`],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { caducee },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Repo root from this file, not from the shell's cwd: `eslint` run from a subfolder must
      // classify files the same way.
      'caducee/layers': ['error', { root }],
      // A leading `_` marks a deliberately unused binding (fixed callback signatures).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },

  {
    name: 'caducee/node',
    // Main process, tests, benches, scripts and tooling run in Node.
    files: [...['electron', 'test', 'bench', 'scripts', 'eslint-rules'].map((dir) => `${dir}/**/*.${CODE}`), `*.${CODE}`],
    languageOptions: { globals: globals.node },
  },

  {
    name: 'caducee/renderer',
    files: [`renderer/**/*.${CODE}`],
    languageOptions: { globals: globals.browser },
  },

  // shared/ gets no environment globals: it is pure TypeScript that runs on both sides.

  {
    name: 'caducee/no-console-in-app',
    // Shipped code logs through electron/policy/logger.ts (structured, rotated, no health
    // data). console.warn/console.error stay allowed for the few places that run before the
    // logger exists or in the renderer's error boundary. scripts/, test/ and bench/ may print.
    files: [`electron/**/*.${CODE}`, `renderer/**/*.${CODE}`],
    rules: { 'no-console': ['error', { allow: ['warn', 'error'] }] },
  },

  {
    name: 'caducee/tests',
    files: [`**/*.test.${CODE}`, `**/*.spec.${CODE}`, `test/**/*.${CODE}`],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(only|skip|todo)$/][object.name=/^(it|test|describe|suite)$/]',
          message:
            'No .only/.skip/.todo in committed tests: they hide the rest of the suite. A missing peer must fail under CI=true (ARCHITECTURE.md §3).',
        },
        {
          selector:
            'MemberExpression[property.name=/^(only|skip|todo)$/][object.type="MemberExpression"][object.object.name=/^(it|test|describe|suite)$/]',
          message: 'No .only/.skip/.todo in committed tests (also after .concurrent/.sequential/.each).',
        },
        {
          selector: 'CallExpression[callee.name=/^(xit|xtest|xdescribe|fit|fdescribe|ftest)$/]',
          message: 'No xit/xdescribe/fit/fdescribe in committed tests: they skip or focus silently.',
        },
      ],
    },
  },

  {
    name: 'caducee/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
]);
