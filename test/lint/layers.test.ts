import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Proves that the repo's own lint config (eslint.config.mjs + eslint-rules/layers.mjs) reports
// each kind of forbidden import and lets the allowed ones through. Files are virtual: the code
// is inline and `filePath` only says which folder (layer) it pretends to live in.

const root = fileURLToPath(new URL('../..', import.meta.url));
const RULE = 'caducee/layers';

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  if (!result) throw new Error(`no lint result for ${file}`);
  return result.messages;
}

interface Case {
  readonly name: string;
  readonly file: string;
  readonly code: string;
  /** The start of the expected message: "Bad layering: <from> may not import <to>". */
  readonly message: string;
}

const forbidden: readonly Case[] = [
  {
    name: 'renderer → electron/ folder',
    file: 'renderer/src/screens/X.tsx',
    code: "import { createHost } from '../../../electron/host/createHost.js';\nexport const x = createHost;\n",
    message: 'Bad layering: renderer/ may not import electron/host/',
  },
  {
    name: "renderer → 'electron'",
    file: 'renderer/src/x.ts',
    code: "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
    message: "Bad layering: renderer/ may not import 'electron'",
  },
  {
    name: "renderer → 'node:fs'",
    file: 'renderer/src/x.ts',
    code: "import fs from 'node:fs';\nexport const x = fs;\n",
    message: "Bad layering: renderer/ may not import 'node:fs'",
  },
  {
    name: "renderer → 'path' (built-in without node: prefix)",
    file: 'renderer/src/x.ts',
    code: "import path from 'path';\nexport const x = path;\n",
    message: "Bad layering: renderer/ may not import 'path'",
  },
  {
    name: "renderer → 'ws' (Node-only package)",
    file: 'renderer/src/x.ts',
    code: "import WebSocket from 'ws';\nexport const x = WebSocket;\n",
    message: "Bad layering: renderer/ may not import 'ws'",
  },
  {
    name: "renderer → 'node-forge'",
    file: 'renderer/src/x.ts',
    code: "import forge from 'node-forge';\nexport const x = forge;\n",
    message: "Bad layering: renderer/ may not import 'node-forge'",
  },
  {
    name: 'renderer → test/',
    file: 'renderer/src/x.ts',
    code: "import { h } from '../../test/e2e/harness.js';\nexport const x = h;\n",
    message: 'Bad layering: renderer/ may not import test/',
  },
  {
    name: "shared → 'react'",
    file: 'shared/api/x.ts',
    code: "import { useState } from 'react';\nexport const x = useState;\n",
    message: "Bad layering: shared/ may not import 'react'",
  },
  {
    name: "shared → 'node:crypto'",
    file: 'shared/api/x.ts',
    code: "import crypto from 'node:crypto';\nexport const x = crypto;\n",
    message: "Bad layering: shared/ may not import 'node:crypto'",
  },
  {
    name: 'shared → electron/policy/',
    file: 'shared/api/x.ts',
    code: "import type { Logger } from '../../electron/policy/logger.js';\nexport type X = Logger;\n",
    message: 'Bad layering: shared/ may not import electron/policy/',
  },
  {
    name: "a service → 'electron'",
    file: 'electron/vault/x.ts',
    code: "import { safeStorage } from 'electron';\nexport const x = safeStorage;\n",
    message: "Bad layering: electron/vault/ may not import 'electron'",
  },
  {
    name: "a service → 'electron/main' (subpath of the package)",
    file: 'electron/card/x.ts',
    code: "import { app } from 'electron/main';\nexport const x = app;\n",
    message: "Bad layering: electron/card/ may not import 'electron/main'",
  },
  {
    name: "host → 'electron' (type-only import counts)",
    file: 'electron/host/x.ts',
    code: "import type { BrowserWindow } from 'electron';\nexport type X = BrowserWindow;\n",
    message: "Bad layering: electron/host/ may not import 'electron'",
  },
  {
    name: 'card → vault (wrong direction)',
    file: 'electron/card/x.ts',
    code: "import { openVault } from '../vault/vault.js';\nexport const x = openVault;\n",
    message: 'Bad layering: electron/card/ may not import electron/vault/',
  },
  {
    name: 'policy → card (wrong direction, lowest service)',
    file: 'electron/policy/x.ts',
    code: "import { c } from '../card/provider.js';\nexport const x = c;\n",
    message: 'Bad layering: electron/policy/ may not import electron/card/',
  },
  {
    name: 'outbox → demo (nothing imports demo)',
    file: 'electron/outbox/x.ts',
    code: "import { d } from '../demo/index.js';\nexport const x = d;\n",
    message: 'Bad layering: electron/outbox/ may not import electron/demo/',
  },
  {
    name: 'mail → dmp (same-level siblings)',
    file: 'electron/mail/x.ts',
    code: "import { pushDocument } from '../dmp/push.js';\nexport const x = pushDocument;\n",
    message: 'Bad layering: electron/mail/ may not import electron/dmp/',
  },
  {
    name: 'dmp → mail (same-level siblings, other way)',
    file: 'electron/dmp/x.ts',
    code: "import { send } from '../mail/send.js';\nexport const x = send;\n",
    message: 'Bad layering: electron/dmp/ may not import electron/mail/',
  },
  {
    name: 'a service → host',
    file: 'electron/vault/x.ts',
    code: "import { createHost } from '../host/createHost.js';\nexport const x = createHost;\n",
    message: 'Bad layering: electron/vault/ may not import electron/host/',
  },
  {
    name: 'host → app',
    file: 'electron/host/x.ts',
    code: "import { createSecureWindow } from '../app/windowOptions.js';\nexport const x = createSecureWindow;\n",
    message: 'Bad layering: electron/host/ may not import electron/app/',
  },
  {
    name: 'app → renderer',
    file: 'electron/app/x.ts',
    code: "import { App } from '../../renderer/src/App.js';\nexport const x = App;\n",
    message: 'Bad layering: electron/app/ may not import renderer/',
  },
  {
    name: "a test under test/ → 'electron'",
    file: 'test/integration/x.test.ts',
    code: "import { app } from 'electron';\nexport const x = app;\n",
    message: "Bad layering: test/ may not import 'electron'",
  },
  {
    name: "a test beside a service → 'electron'",
    file: 'electron/card/x.test.ts',
    code: "import { app } from 'electron';\nexport const x = app;\n",
    message: "Bad layering: electron/card/ may not import 'electron'",
  },
  {
    name: "bench → 'electron'",
    file: 'bench/x.ts',
    code: "import { app } from 'electron';\nexport const x = app;\n",
    message: "Bad layering: bench/ may not import 'electron'",
  },
  {
    name: "scripts → 'electron' (.mjs)",
    file: 'scripts/x.mjs',
    code: "import { app } from 'electron';\nexport const x = app;\n",
    message: "Bad layering: scripts/ may not import 'electron'",
  },
  {
    name: 'export … from',
    file: 'renderer/src/x.ts',
    code: "export { createHost } from '../../electron/host/createHost.js';\n",
    message: 'Bad layering: renderer/ may not import electron/host/',
  },
  {
    name: 'export * from',
    file: 'shared/api/x.ts',
    code: "export * from '../../electron/policy/logger.js';\n",
    message: 'Bad layering: shared/ may not import electron/policy/',
  },
  {
    name: 'dynamic import()',
    file: 'renderer/src/x.ts',
    code: "export const load = () => import('node:child_process');\n",
    message: "Bad layering: renderer/ may not import 'node:child_process'",
  },
  {
    name: 'dynamic import() of a template without ${}',
    file: 'electron/vault/x.ts',
    code: 'export const load = () => import(`electron`);\n',
    message: "Bad layering: electron/vault/ may not import 'electron'",
  },
  {
    name: 'require()',
    file: 'electron/policy/x.cjs',
    code: "const { app } = require('electron');\nmodule.exports = app;\n",
    message: "Bad layering: electron/policy/ may not import 'electron'",
  },
  {
    name: 'import x = require()',
    file: 'electron/mail/x.ts',
    code: "import electron = require('electron');\nexport const x = electron;\n",
    message: "Bad layering: electron/mail/ may not import 'electron'",
  },
  {
    name: "typeof import('…') in a type",
    file: 'electron/host/x.ts',
    code: "export type Electron = typeof import('electron');\n",
    message: "Bad layering: electron/host/ may not import 'electron'",
  },
  {
    name: 'a directory import resolves to its layer',
    file: 'electron/card/x.ts',
    code: "import { v } from '../vault';\nexport const x = v;\n",
    message: 'Bad layering: electron/card/ may not import electron/vault/',
  },
];

const allowed: readonly Omit<Case, 'message'>[] = [
  {
    name: 'renderer → shared',
    file: 'renderer/src/x.ts',
    code: "import type { AppInfo } from '../../shared/api/index.js';\nexport type X = AppInfo;\n",
  },
  {
    name: 'renderer → renderer and browser packages',
    file: 'renderer/src/screens/X.tsx',
    code: "import { useState } from 'react';\nimport { App } from '../App.js';\nexport const x = [useState, App];\n",
  },
  {
    name: 'renderer → a Vite asset query',
    file: 'renderer/src/x.ts',
    code: "import css from './styles/app.css?raw';\nexport const x = css;\n",
  },
  {
    name: 'shared → zod and shared',
    file: 'shared/api/x.ts',
    code: "import { z } from 'zod';\nimport { modeSchema } from './domain.js';\nexport const x = z.object({ mode: modeSchema });\n",
  },
  {
    name: 'a shared test → vitest',
    file: 'shared/api/x.test.ts',
    code: "import { expect, it } from 'vitest';\nimport { z } from 'zod';\nit('parses', () => expect(z.string().parse('a')).toBe('a'));\n",
  },
  {
    name: 'vault → card',
    file: 'electron/vault/x.ts',
    code: "import type { CardProvider } from '../card/provider.js';\nimport fs from 'node:fs';\nexport type X = CardProvider;\nexport const y = fs;\n",
  },
  {
    name: 'outbox → mail and dmp',
    file: 'electron/outbox/x.ts',
    code: "import { send } from '../mail/send.js';\nimport { push } from '../dmp/push.js';\nexport const x = [send, push];\n",
  },
  {
    name: 'demo → every service below it',
    file: 'electron/demo/x.ts',
    code: "import { a } from '../outbox/a.js';\nimport { b } from '../card/b.js';\nimport { c } from '../../shared/api/index.js';\nexport const x = [a, b, c];\n",
  },
  {
    name: 'a service → itself, shared and Node-only packages',
    file: 'electron/card/x.ts',
    code: "import pkcs11js from 'pkcs11js';\nimport { der } from './der.js';\nimport { z } from '../../shared/api/index.js';\nexport const x = [pkcs11js, der, z];\n",
  },
  {
    name: 'host → services and shared',
    file: 'electron/host/x.ts',
    code: "import { createLogger } from '../policy/logger.js';\nimport type { Mode } from '../../shared/api/index.js';\nexport const x = createLogger;\nexport type M = Mode;\n",
  },
  {
    name: "app → 'electron'",
    file: 'electron/app/x.ts',
    code: "import { app, BrowserWindow } from 'electron';\nexport const x = [app, BrowserWindow];\n",
  },
  {
    name: 'app → host, services and shared',
    file: 'electron/app/x.ts',
    code: "import { createHost } from '../host/createHost.js';\nimport { logDir } from '../policy/paths.js';\nimport { methods } from '../../shared/api/index.js';\nexport const x = [createHost, logDir, methods];\n",
  },
  {
    name: "an electron/app test → 'electron'",
    file: 'electron/app/x.test.ts',
    code: "import { BrowserWindow } from 'electron';\nimport { expect, it } from 'vitest';\nit('exists', () => expect(BrowserWindow).toBeDefined());\n",
  },
  {
    name: "test/e2e → playwright-core's _electron and any layer",
    file: 'test/e2e/x.ts',
    code: "import { _electron } from 'playwright-core';\nimport { startWebHost } from '../../electron/host/webHost.js';\nimport { createSecureWindow } from '../../electron/app/windowOptions.js';\nexport const x = [_electron, startWebHost, createSecureWindow];\n",
  },
  {
    name: 'bench → host and ws',
    file: 'bench/x.ts',
    code: "import WebSocket from 'ws';\nimport { startWebHost } from '../electron/host/webHost.js';\nexport const x = [WebSocket, startWebHost];\n",
  },
];

describe('caducee/layers', () => {
  it.each(forbidden)('reports $name', async ({ file, code, message }) => {
    const messages = await lint(file, code);
    expect(messages.every((m) => !m.fatal)).toBe(true);
    const layering = messages.filter((m) => m.ruleId === RULE);
    expect(layering).toHaveLength(1);
    expect(layering[0]?.message.startsWith(message)).toBe(true);
  });

  it.each(allowed)('allows $name', async ({ file, code }) => {
    expect(await lint(file, code)).toEqual([]);
  });

  it('reports a file in a folder of electron/ that is not a layer', async () => {
    const messages = await lint('electron/misc/x.ts', 'export const x = 1;\n');
    expect(messages.map((m) => m.ruleId)).toEqual([RULE]);
    expect(messages[0]?.message).toMatch(/^Bad layering: electron\/misc\/ is not a layer/);
  });

  it('reports an import of a folder of electron/ that is not a layer', async () => {
    const messages = await lint('electron/app/x.ts', "import { y } from '../misc/y.js';\nexport const x = y;\n");
    expect(messages.map((m) => m.ruleId)).toEqual([RULE]);
    expect(messages[0]?.message).toMatch(/^Bad layering: electron\/app\/ may not import electron\/misc\//);
  });

  it('reports every forbidden import of a file, each at its specifier', async () => {
    const code = "import fs from 'node:fs';\nimport { app } from 'electron';\nimport { z } from 'zod';\nexport const x = [fs, app, z];\n";
    const messages = await lint('renderer/src/x.ts', code);
    expect(messages.map((m) => [m.ruleId, m.line])).toEqual([
      [RULE, 1],
      [RULE, 2],
    ]);
  });
});

describe('caducee/layers from another working directory', () => {
  it('classifies files against the repository root, not the cwd', async () => {
    const fromElectron = new ESLint({ cwd: path.join(root, 'electron') });
    const [result] = await fromElectron.lintText("import { a } from '../vault/a.js';\nexport const x = a;\n", {
      filePath: path.join(root, 'electron/card/x.ts'),
    });
    expect(result?.messages.map((m) => m.message)).toEqual([
      expect.stringMatching(/^Bad layering: electron\/card\/ may not import electron\/vault\//),
    ]);
  });
});

describe('test and logging hygiene', () => {
  // The forbidden calls are assembled from parts so that this file itself never spells them:
  // repository checks grep for focused/skipped tests, and these are only lint inputs.
  const dot = (callee: string, modifier: string) => `${callee}.${modifier}`;
  it.each([
    [dot('it', 'only'), `${dot('it', 'only')}('a', () => {});`],
    [dot('describe', 'only'), `${dot('describe', 'only')}('a', () => {});`],
    [dot('it', 'skip'), `${dot('it', 'skip')}('a', () => {});`],
    [dot('test', 'skip'), `${dot('test', 'skip')}('a', () => {});`],
    [dot('it', 'todo'), `${dot('it', 'todo')}('a');`],
    [dot('describe.concurrent', 'only'), `${dot('describe.concurrent', 'only')}('a', () => {});`],
    ['x' + 'it', `${'x' + 'it'}('a', () => {});`],
    ['x' + 'describe', `${'x' + 'describe'}('a', () => {});`],
  ])('refuses %s in a test', async (_name, call) => {
    const code = `import { describe, it, test } from 'vitest';\nvoid [describe, it, test];\n${call}\n`;
    const messages = await lint('electron/policy/x.test.ts', code);
    expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-syntax']);
  });

  it('allows it.each and it.skipIf in a test', async () => {
    const code = "import { it } from 'vitest';\nit.each([1])('a %i', () => {});\nit.skipIf(false)('b', () => {});\n";
    expect(await lint('test/integration/x.test.ts', code)).toEqual([]);
  });

  it('refuses console.log in electron/ and renderer/, not in scripts/ or bench/', async () => {
    const code = "console.log('x');\nconsole.error('y');\n";
    expect((await lint('electron/host/x.ts', code)).map((m) => m.ruleId)).toEqual(['no-console']);
    expect((await lint('renderer/src/x.ts', code)).map((m) => m.ruleId)).toEqual(['no-console']);
    expect(await lint('scripts/x.mjs', code)).toEqual([]);
    expect(await lint('bench/x.ts', code)).toEqual([]);
  });
});
