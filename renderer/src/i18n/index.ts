import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { enTranslation, frTranslation } from './resources.js';

/** French first; English is complete too. A missing key shows up in tests, not as a blank. */
export const resources = { fr: { translation: frTranslation }, en: { translation: enTranslation } } as const;

void i18next.use(initReactI18next).init({
  resources,
  lng: 'fr',
  fallbackLng: 'fr',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18next;
