// Development and tests only (vitest, tsx): the parse worker is TypeScript, and a worker thread
// does not inherit the parent's loader. Registering tsx here, in the worker itself, runs
// parseWorker.ts without a build step. The packaged app never loads this file: esbuild bundles
// parseWorker.ts as its own entry (dist/main/mailParseWorker.cjs), passed as `parse.workerFile`.
import { tsImport } from 'tsx/esm/api';

await tsImport('./parseWorker.ts', import.meta.url);
