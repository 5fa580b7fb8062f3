// Local ESLint plugin `caducee`, rule `caducee/layers`: folders are layers (ARCHITECTURE.md §2)
// and this rule, not review, keeps imports flowing one way. Same idea as VS Code's
// `.eslint-plugin-local/code-layering.ts`: classify the importing file by its folder, classify
// what it imports (a folder of this repo, a Node built-in, the Electron package, another npm
// package) and report "Bad layering: <from> may not import <to>".
//
// Every way of loading a module is checked: `import`, `import type`, `export … from`,
// `import()`, `require()`, `import x = require()` and `typeof import('…')` types. Type-only
// imports count too: a type from a layer you may not depend on is still a dependency on it.
// Specifiers that are not string constants (`import(name)`) cannot be checked and are skipped.

import { builtinModules } from 'node:module';
import path from 'node:path';

/** Services, from higher to lower. A service may import itself, `shared/` and lower levels. */
export const SERVICE_LEVELS = Object.freeze({
  demo: 7, // implements the same interfaces as the real peers: may use every service below
  outbox: 6,
  mail: 5,
  dmp: 5, // same level as mail: siblings may not import each other
  identity: 4,
  psc: 3,
  vault: 2,
  card: 1,
  policy: 0,
});

const SERVICE_ORDER = 'demo > outbox > mail, dmp > identity > psc > vault > card > policy';

/**
 * Packages that only run in Node (native addons, sockets, Node crypto): never in the sandboxed
 * renderer, which has no Node. npm packages not listed here are allowed in the renderer.
 */
export const NODE_ONLY_PACKAGES = Object.freeze([
  'ws',
  'pkcs11js',
  'graphene-pk11',
  'better-sqlite3',
  'better-sqlite3-multiple-ciphers',
  'node-forge',
  'imapflow',
  'nodemailer',
  'mailparser',
  'smtp-server',
  'oidc-provider',
  'openid-client',
  'playwright',
  'playwright-core',
  '@axe-core/playwright',
  'esbuild',
  'tsx',
]);

/** `electron` itself and `electron/main`, `electron/renderer`, … (and the remote module). */
const ELECTRON_PACKAGES = new Set(['electron', '@electron/remote']);

/** What a test file beside the code (`*.test.ts`) may use on top of its layer's rules. */
const TEST_RUNNER_PACKAGES = new Set(['vitest', 'fast-check']);

const NODE_BUILTINS = new Set(builtinModules);
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

/**
 * @typedef {{ kind: 'renderer' | 'shared' | 'app' | 'host' | 'service' | 'unknown-electron' | 'tooling' | 'outside', name: string, level?: number }} Layer
 * @typedef {{ type: 'folder', layer: Layer } | { type: 'package', name: string, specifier: string, builtin: boolean, electron: boolean }} Target
 */

/**
 * Classifies a path relative to the repository root (POSIX separators).
 * @param {string} rel
 * @returns {Layer}
 */
export function classify(rel) {
  if (rel === '' || rel.startsWith('../') || rel === '..' || path.posix.isAbsolute(rel)) {
    return { kind: 'outside', name: 'outside the repository' };
  }
  const [top, second] = rel.split('/');
  const isFolder = rel.includes('/');
  switch (top) {
    case 'renderer':
      return { kind: 'renderer', name: 'renderer/' };
    case 'shared':
      return { kind: 'shared', name: 'shared/' };
    case 'electron': {
      // `electron/card` alone is a directory import of the card layer, so test names first.
      if (second === undefined || second === '') return { kind: 'unknown-electron', name: 'electron/' };
      if (second === 'app') return { kind: 'app', name: 'electron/app/' };
      if (second === 'host') return { kind: 'host', name: 'electron/host/' };
      if (Object.hasOwn(SERVICE_LEVELS, second)) {
        return { kind: 'service', name: `electron/${second}/`, level: SERVICE_LEVELS[/** @type {keyof typeof SERVICE_LEVELS} */ (second)] };
      }
      if (rel.split('/').length === 2) return { kind: 'unknown-electron', name: `${rel} (a file directly in electron/)` };
      return { kind: 'unknown-electron', name: `electron/${second}/` };
    }
    default:
      // test/, bench/, scripts/, eslint-rules/, build/ and the root config files: tooling.
      return { kind: 'tooling', name: isFolder ? `${top}/` : rel };
  }
}

/**
 * @param {string} specifier
 * @returns {string} the npm package name of a bare specifier (`@scope/name`, `name`)
 */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : /** @type {string} */ (parts[0]);
}

/**
 * @param {string} specifier as written in the source
 * @param {string} filename absolute path of the importing file
 * @param {string} root absolute path of the repository root
 * @returns {Target}
 */
export function resolveTarget(specifier, filename, root) {
  const bare = specifier.replace(/[?#].*$/, ''); // Vite's `?raw`, `?url`, …
  if (bare.startsWith('.') || path.isAbsolute(bare)) {
    const abs = path.resolve(path.dirname(filename), bare);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    return { type: 'folder', layer: classify(rel) };
  }
  if (bare.startsWith('node:')) {
    return { type: 'package', name: bare, specifier, builtin: true, electron: false };
  }
  const name = packageName(bare);
  return {
    type: 'package',
    name,
    specifier,
    builtin: NODE_BUILTINS.has(bare) || NODE_BUILTINS.has(name),
    electron: ELECTRON_PACKAGES.has(name),
  };
}

/**
 * The policy of ARCHITECTURE.md §2.
 * @param {Layer} from
 * @param {Target} target
 * @param {boolean} isTest the importing file is a test beside the code
 * @returns {string | null} why the import is forbidden, or null when it is allowed
 */
export function whyForbidden(from, target, isTest) {
  if (target.type === 'package') {
    if (target.electron && from.kind !== 'app') {
      return "only electron/app/ imports the Electron package; services, host, renderer, tests and benches run in plain Node or a browser";
    }
    switch (from.kind) {
      case 'renderer':
        if (target.builtin) return 'the sandboxed renderer has no Node: ask main through the shared/api contract';
        if (NODE_ONLY_PACKAGES.includes(target.name)) return 'this package needs Node; the sandboxed renderer has none';
        return null;
      case 'shared':
        if (target.name === 'zod') return null;
        if (isTest && TEST_RUNNER_PACKAGES.has(target.name)) return null;
        return 'shared/ is pure TypeScript and imports nothing but zod';
      default:
        return null;
    }
  }

  const to = target.layer;
  if (to.kind === 'unknown-electron') {
    return `${to.name} is not a layer of ARCHITECTURE.md §2 (add it to eslint-rules/layers.mjs first)`;
  }
  if (to.kind === 'outside') return 'imports stay inside the repository';

  switch (from.kind) {
    case 'renderer':
      return to.kind === 'renderer' || to.kind === 'shared' ? null : 'renderer/ talks to main only through shared/ (the api client)';
    case 'shared':
      return to.kind === 'shared' ? null : 'shared/ is pure TypeScript and imports nothing but zod';
    case 'app':
      return ['app', 'host', 'service', 'shared'].includes(to.kind) ? null : 'electron/app/ → electron/host/ → services → shared/';
    case 'host':
      if (to.kind === 'app') return 'electron/host/ sits below electron/app/ (it must run in plain Node)';
      return ['host', 'service', 'shared'].includes(to.kind) ? null : 'electron/host/ → services → shared/';
    case 'service': {
      if (to.kind === 'shared') return null;
      if (to.kind === 'app' || to.kind === 'host') return 'services never import electron/app/ or electron/host/: the host composes them';
      if (to.kind !== 'service') return 'services import only services below them and shared/';
      if (to.name === from.name) return null;
      const fromLevel = /** @type {number} */ (from.level);
      const toLevel = /** @type {number} */ (to.level);
      if (toLevel === fromLevel) return `same-level services do not import each other (${SERVICE_ORDER})`;
      if (toLevel > fromLevel) return `services import downward only (${SERVICE_ORDER})`;
      return null;
    }
    case 'unknown-electron':
      return null; // the file itself is reported once, see Program below
    case 'tooling':
    case 'outside':
      return null; // test/, bench/, scripts/ may import any layer (only 'electron' is refused above)
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Enforce the layers of ARCHITECTURE.md §2 (folders are layers; imports go one way)',
    },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string', description: 'absolute path of the repository root (default: ESLint cwd)' } },
        additionalProperties: false,
      },
    ],
    messages: {
      badLayering: 'Bad layering: {{from}} may not import {{to}} — {{why}}.',
      unknownLayer:
        'Bad layering: {{from}} is not a layer of ARCHITECTURE.md §2 — move the file into a layer, or add the folder to eslint-rules/layers.mjs.',
    },
  },
  create(context) {
    const filename = context.filename;
    if (!path.isAbsolute(filename)) return {}; // lintText without a filePath: nothing to classify
    const options = /** @type {{ root?: string } | undefined} */ (context.options[0]);
    const root = options?.root ?? context.cwd;
    const rel = path.relative(root, filename).split(path.sep).join('/');
    const from = classify(rel);
    if (from.kind === 'outside') return {};
    const isTest = TEST_FILE.test(filename);

    /** @param {import('estree').Node | undefined | null} node */
    function check(node) {
      if (!node) return;
      const specifier = stringValue(node);
      if (specifier === undefined) return;
      const target = resolveTarget(specifier, filename, root);
      const why = whyForbidden(from, target, isTest);
      if (why === null) return;
      const to = target.type === 'folder' ? target.layer.name : `'${target.specifier}'`;
      context.report({ node, messageId: 'badLayering', data: { from: from.name, to, why } });
    }

    return {
      Program(node) {
        if (from.kind === 'unknown-electron') context.report({ node, loc: { line: 1, column: 0 }, messageId: 'unknownLayer', data: { from: from.name } });
      },
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length >= 1) {
          check(/** @type {import('estree').Node} */ (node.arguments[0]));
        }
      },
      // TypeScript-only syntax (typescript-eslint AST), keyed by string to stay plain JS.
      /** @param {any} node */
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference?.type === 'TSExternalModuleReference') check(node.moduleReference.expression);
      },
      /** @param {any} node `typeof import('electron')` */
      TSImportType(node) {
        const arg = node.source ?? node.argument; // `source` in newer typescript-eslint, `argument` in v8
        check(arg?.type === 'TSLiteralType' ? arg.literal : arg);
      },
    };
  },
};

/**
 * @param {any} node
 * @returns {string | undefined} the constant string of a Literal or a template without `${}`
 */
function stringValue(node) {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** @type {import('eslint').ESLint.Plugin} */
const plugin = {
  meta: { name: 'caducee', version: '1.0.0' },
  rules: { layers: layersRule },
};

export default plugin;
