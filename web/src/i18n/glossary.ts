// One word per concept and language, used everywhere in the catalogues (test/unit/i18n-glossary
// checks it). Translators: use the `term`; the `avoid` patterns are the variants that crept in.
// Placeholders ({fingerprint}) and quoted field names (“email”) are not words and are skipped.
import type { Language } from './types.ts';

export interface GlossaryEntry {
  concept: string;
  term: Record<Language, string>;
  avoid: Partial<Record<Language, RegExp>>;
}

/** Not preceded by a letter, a dash or an opening quote: `mail` alone, not `bevestigingsmail` or “email”. */
const alone = (word: string) => new RegExp(`(?<![\\p{L}\\-])(?<![“"„«]\\s?)${word}\\b`, 'iu');

export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    concept: 'the secret that protects a private key file',
    term: { en: 'passphrase', nl: 'wachtwoordzin', fr: 'phrase secrète' },
    avoid: { en: /pass phrase/i, nl: /wachtwoordfrase|passphrase/i, fr: /phrase de passe|passphrase|mot de passe de la clé/i },
  },
  {
    concept: 'electronic mail',
    term: { en: 'e-mail', nl: 'e-mail', fr: 'e-mail' },
    avoid: { en: alone('e?mail'), nl: alone('e?mail'), fr: new RegExp(`courriel|${alone('e?mail').source}`, 'iu') },
  },
  {
    concept: 'the key by which an SSH server proves its identity',
    term: { en: 'host key', nl: 'serversleutel', fr: 'clé du serveur' },
    avoid: { en: /server key/i, nl: /hostsleutel|host-sleutel|host key/i, fr: /clé d[’']hôte|clé hôte|host key/i },
  },
  {
    concept: 'the short value that identifies a key',
    term: { en: 'fingerprint', nl: 'vingerafdruk', fr: 'empreinte' },
    avoid: { nl: /fingerprint/i, fr: /fingerprint/i },
  },
  {
    concept: 'the account name at the registry',
    term: { en: 'user name', nl: 'gebruikersnaam', fr: 'nom d’utilisateur' },
    avoid: { en: /\busername\b/i, nl: /gebruiker-?id\b|username/i, fr: /nom d'utilisateur|identifiant de connexion|username/i },
  },
  {
    concept: 'the half of a key pair that is sent to the registry',
    term: { en: 'public key', nl: 'publieke sleutel', fr: 'clé publique' },
    avoid: { nl: /openbare sleutel/i, fr: /clé ouverte/i },
  },
  {
    concept: 'the half of a key pair that never leaves the user',
    term: { en: 'private key', nl: 'private sleutel', fr: 'clé privée' },
    avoid: { nl: /privésleutel|geheime sleutel/i, fr: /clé secrète/i },
  },
  {
    concept: 'the relay between the browser and the servers',
    term: { en: 'gateway', nl: 'gateway', fr: 'passerelle' },
    avoid: { fr: /\bgateway\b/i },
  },
  {
    concept: 'the people who help users',
    term: { en: 'help desk', nl: 'helpdesk', fr: 'service d’assistance' },
    avoid: { en: /help ?line|helpdesk/i, nl: /hulplijn/i, fr: /help ?desk|assistance téléphonique/i },
  },
  {
    concept: 'the hospital’s IT service',
    term: { en: 'IT department', nl: 'IT-dienst', fr: 'service informatique' },
    avoid: { en: /\bIT\b(?! department)/, nl: /\bIT\b(?!-dienst)/, fr: /\bIT\b/ },
  },
  {
    concept: 'the file transfer protocol, as a name',
    term: { en: 'SFTP', nl: 'SFTP', fr: 'SFTP' },
    avoid: { en: /\bsFTP\b/, nl: /\bsFTP\b/, fr: /\bsFTP\b/ },
  },
];

/** A catalogue text as words only: placeholders and plural/select syntax removed, branches kept. */
export function wordsOf(text: string): string {
  return text.replace(/\{\s*\w+\s*,\s*(?:plural|select)\s*,/g, '{').replace(/(?:=\d+|\b(?:zero|one|two|few|many|other))\s*\{/g, '{').replace(/\{\s*\w+\s*\}/g, ' ').replace(/[{}#]/g, ' ');
}
