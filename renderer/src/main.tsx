// The api client is imported before anything else: it takes the web host's `#token=…` out
// of the address bar before the hash router ever reads the fragment.
import { StrictMode } from 'react';
import { createRoot, type RootOptions } from 'react-dom/client';
import { invoke } from './api/client.js';
import { App } from './App.js';
import { crashReportOf } from './diagnostics/crashReport.js';
import './i18n/index.js';
import { applyLocale } from './i18n/locale.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/forms.css';

/** Applies the saved language before the first paint, so an English user never sees French flash. */
async function applyInitialLocale(): Promise<void> {
  const settings = await invoke('settings.get', {}).catch(() => null);
  if (settings) await applyLocale(settings.locale);
}

const container = document.getElementById('root');
if (!container) throw new Error('root element missing');
// Never hold the interface hostage to a slow bridge: after a short wait, start in French.
await Promise.race([applyInitialLocale(), new Promise((resolve) => setTimeout(resolve, 1500))]);

/**
 * React prints every error to the console by default, message included, and a message may
 * quote patient data. Errors caught by ErrorBoundary are reported there; an error that escapes
 * every boundary is reported here. Development builds keep React's console output.
 */
const reportUncaught = (error: unknown): void => {
  invoke('diagnostics.reportRendererError', crashReportOf(error)).catch(() => undefined);
};
const rootOptions: RootOptions = import.meta.env.DEV
  ? {}
  : { onCaughtError: () => undefined, onUncaughtError: reportUncaught };

createRoot(container, rootOptions).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
