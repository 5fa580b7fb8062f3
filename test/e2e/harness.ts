import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'vitest';
import { _electron, chromium, type Browser, type ElectronApplication, type Page } from 'playwright-core';
import type { HostConfig } from '../../electron/host/config.js';
import { startWebHost, type WebHost } from '../../electron/host/webHost.js';

/**
 * One way to open Caducée for end-to-end tests, whatever carries it: the web host in Debian's
 * Chromium always, and Electron itself when its binary is present on the machine.
 */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');
const rendererDir = path.join(repoRoot, 'dist', 'renderer');
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface LaunchedApp {
  readonly page: Page;
  readonly variant: string;
  close(): Promise<void>;
}

export interface LaunchOptions {
  readonly mode?: 'demo' | 'normal';
  readonly dataDir?: string;
  /**
   * The card configuration of the host (normal mode: PKCS#11 module, trust anchors, CRLs).
   * Web variant only: the host runs in this process, so SOFTHSM2_CONF must be set before.
   */
  readonly card?: HostConfig['card'];
  /** The MSSanté mailbox of the host (normal mode; e.g. the test mail server). Web variant only. */
  readonly mail?: HostConfig['mail'];
  /** Pro Santé Connect (normal mode; e.g. the local provider). The redirect URI is the web host's own. Web variant only. */
  readonly psc?: HostConfig['psc'];
  /** The Annuaire Santé download address and timeout of the host. Web variant only. */
  readonly directory?: HostConfig['directory'];
  /** Runs on the new page before the app loads (e.g. to watch its WebSocket frames). Web variant only. */
  readonly beforeLoad?: (page: Page) => void;
}

export interface Variant {
  readonly name: 'web' | 'electron';
  launch(options?: LaunchOptions): Promise<LaunchedApp>;
}

function requireBuild(): void {
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error('dist/renderer absent : lancez `npm run build` avant les tests de bout en bout.');
  }
}

export function requireChromium(): void {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium absent (${chromiumPath}) : apt-get install chromium`);
  }
}

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let sharedBrowser: Browser | undefined;
async function browser(): Promise<Browser> {
  requireChromium();
  sharedBrowser ??= await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  return sharedBrowser;
}

export async function closeBrowser(): Promise<void> {
  await sharedBrowser?.close();
  sharedBrowser = undefined;
}

export const webVariant: Variant = {
  name: 'web',
  async launch(options = {}) {
    requireBuild();
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-'));
    const web: WebHost = await startWebHost({
      rendererDir,
      port: 0,
      hostConfig: {
        mode: options.mode ?? 'demo',
        dataDir,
        appVersion: '0.0.0-e2e',
        platform: process.platform,
        ...(options.card ? { card: options.card } : {}),
        ...(options.mail ? { mail: options.mail } : {}),
        ...(options.directory ? { directory: options.directory } : {}),
        ...(options.psc ? { psc: options.psc } : {}),
      },
    });
    const context = await (await browser()).newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    const page = await context.newPage();
    options.beforeLoad?.(page);
    await page.goto(web.url);
    return {
      page,
      variant: 'web',
      async close() {
        await context.close();
        await web.close();
      },
    };
  },
};

/** The Electron binary, when `npm install` could fetch it (not on the build machines here). */
export function electronBinary(): string | null {
  const dir = path.join(repoRoot, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}

export const electronVariant: Variant = {
  name: 'electron',
  async launch(options = {}) {
    const executablePath = electronBinary();
    if (!executablePath) throw new Error('Electron binary absent');
    if (options.card) throw new Error('variante Electron : la configuration de carte passe par le web host seulement');
    if (options.mail) throw new Error('variante Electron : la configuration de messagerie passe par le web host seulement');
    if (options.psc) throw new Error('variante Electron : la configuration Pro Santé Connect passe par le web host seulement');
    if (options.directory) throw new Error('variante Electron : la configuration de l’annuaire passe par le web host seulement');
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-'));
    const app: ElectronApplication = await _electron.launch({
      executablePath,
      args: [repoRoot, `--user-data-dir=${dataDir}`],
      env: { ...process.env, CADUCEE_MODE: options.mode ?? 'demo' },
    });
    const page = await app.firstWindow();
    return { page, variant: 'electron', close: () => app.close() };
  },
};

/** The variants this machine can run; says so in one line when Electron's is not one of them. */
export function availableVariants(): Variant[] {
  if (electronBinary()) return [webVariant, electronVariant];
  console.info('e2e : variante Electron non lancée (binaire Electron absent sur cette machine) ; variante hôte web seule.');
  return [webVariant];
}

export async function screenshot(page: Page, variant: string, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${variant}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe-core on the current page; returns the serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // A message body is the sender's HTML in a frame where no script may run: axe cannot enter it
  // (and waits forever trying), and it is not the app's own markup. The frame's title is ours.
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .exclude('iframe[sandbox]')
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The demo card's PIN (the lock screen says it too). */
export const DEMO_PIN = '1234';

/**
 * Types a PIN in the lock screen's PIN dialog and sends it (one submit, as a user would).
 * Resolves once the field was sent; callers wait for the outcome they expect.
 */
export async function submitPin(page: Page, pin: string): Promise<void> {
  const input = page.getByTestId('pin-input');
  await input.waitFor();
  await input.fill(pin);
  await page.getByTestId('pin-submit').click();
}

/**
 * Signs in on the lock screen with `pin`, acknowledges the recovery code when this first
 * sign-in shows one, and waits for the shell to be usable (lock gone, practitioner shown).
 */
export async function signIn(page: Page, pin: string = DEMO_PIN): Promise<{ recoveryCodeShown: boolean }> {
  await submitPin(page, pin);
  // The lock goes in the same render that shows the recovery code, when there is one. A refusal
  // fails at once, with what the lock screen says, instead of waiting for a timeout.
  await expect
    .poll(
      async () => {
        if ((await page.getByTestId('lock-screen').count()) === 0) return 'unlocked';
        const error = page.getByTestId('pin-error');
        const progress = page.getByTestId('pin-progress');
        if ((await error.count()) > 0 && (await progress.count()) > 0 && (await progress.innerText()) === '') {
          return `sign-in refused: ${await error.innerText()}`;
        }
        return 'signing in';
      },
      { timeout: 15_000 },
    )
    .toBe('unlocked');
  const recovery = page.getByTestId('recovery-dialog');
  const recoveryCodeShown = await recovery.isVisible();
  if (recoveryCodeShown) {
    await page.getByTestId('recovery-noted').check();
    await page.getByTestId('recovery-continue').click();
    await recovery.waitFor({ state: 'detached' });
  }
  await page.getByTestId('status-practitioner').waitFor();
  return { recoveryCodeShown };
}
