// Development and tests only (vitest, tsx): the vault worker is TypeScript, and a worker thread
// does not inherit the parent's loader. Registering tsx here, in the worker itself, runs
// vaultWorker.ts without a build step. The packaged app never loads this file: esbuild bundles
// vaultWorker.ts as its own entry and createHost passes that file as `workerFile`.
import { tsImport } from 'tsx/esm/api';

await tsImport('./vaultWorker.ts', import.meta.url);
