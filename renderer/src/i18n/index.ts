import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import fr from './fr.json';

/** French first; English is complete too. A missing key shows up in tests, not as a blank. */
export const resources = { fr: { translation: fr }, en: { translation: en } } as const;

void i18next.use(initReactI18next).init({
  resources,
  lng: 'fr',
  fallbackLng: 'fr',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18next;
