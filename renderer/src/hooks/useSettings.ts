import { useCallback, useEffect, useState } from 'react';
import type { Locale, Settings } from '../../../shared/api/index.js';
import { invoke, on } from '../api/client.js';
import { applyLocale } from '../i18n/locale.js';

export interface SettingsState {
  /** `null` while loading or if the bridge is unavailable. */
  readonly settings: Settings | null;
  /** Saves the language and applies it; rejects with `ApiCallError` on failure. */
  readonly setLocale: (locale: Locale) => Promise<void>;
  /** Saves the idle-lock delay; rejects with `ApiCallError` (e.g. POLICY_LOCKED). */
  readonly setIdleLockMinutes: (minutes: number) => Promise<void>;
}

/**
 * The user's settings, applied as they arrive: at start, after our own update, and when main
 * pushes `settings.changed` (another window, or a policy change).
 */
export function useSettings(): SettingsState {
  const [settings, setSettings] = useState<Settings | null>(null);

  useEffect(() => {
    let live = true;
    const accept = (value: Settings): void => {
      if (!live) return;
      setSettings(value);
      void applyLocale(value.locale);
    };
    const off = on('settings.changed', accept);
    invoke('settings.get', {}).then(accept, () => undefined);
    return () => {
      live = false;
      off();
    };
  }, []);

  const setLocale = useCallback(async (locale: Locale) => {
    const next = await invoke('settings.update', { locale });
    setSettings(next);
    await applyLocale(next.locale);
  }, []);

  const setIdleLockMinutes = useCallback(async (idleLockMinutes: number) => {
    setSettings(await invoke('settings.update', { idleLockMinutes }));
  }, []);

  return { settings, setLocale, setIdleLockMinutes };
}
