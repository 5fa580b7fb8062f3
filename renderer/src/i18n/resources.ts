import enDirectory from './en/directory.json';
import enMail from './en/mail.json';
import enPsc from './en/psc.json';
import en from './en.json';
import frDirectory from './fr/directory.json';
import frMail from './fr/mail.json';
import frPsc from './fr/psc.json';
import fr from './fr.json';

/**
 * One translation tree per language, assembled from a base file and one file per feature
 * (`mail`, `directory`, `psc` are top-level keys): features are written in parallel without
 * touching the same file.
 */
export const frTranslation = { ...fr, mail: frMail, directory: frDirectory, psc: frPsc };
export const enTranslation = { ...en, mail: enMail, directory: enDirectory, psc: enPsc };
