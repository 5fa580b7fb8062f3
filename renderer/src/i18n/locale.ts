import type { Locale } from '../../../shared/api/index.js';
import i18next from './index.js';

/** Switches the interface language live and tells assistive technologies (`<html lang>`). */
export async function applyLocale(locale: Locale): Promise<void> {
  document.documentElement.lang = locale;
  if (i18next.language !== locale) await i18next.changeLanguage(locale);
}
