import 'i18next';
import type fr from './fr.json';

// Typed keys: a `t('…')` with a key missing from fr.json fails `tsc`, not the user's screen.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof fr };
  }
}
