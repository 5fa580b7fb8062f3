import 'i18next';
import type { frTranslation } from './resources.js';

// Typed keys: a `t('…')` with a key missing from the French tree fails `tsc`, not the user's screen.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof frTranslation };
  }
}
