// Strings shared by every screen. English is the reference: nl and fr must have the same keys
// (the compiler checks it through `Translations`, and test/unit/i18n.test.ts at run time).
import type { Translations } from '../types.ts';

const en = {
  'app.title': 'SFTP Courier',
  'app.tagline': 'Deliver data files with their .hash control files — everything happens on this PC.',
  'nav.hash': 'Make .hash files',
  'nav.verify': 'Check .hash files',
  'nav.keys': 'Keys',
  'nav.deliver': 'Deliver',
  'lang.label': 'Language',
  'offline.ready': 'Ready to work offline.',
  'offline.update': 'A new version is ready. Reload to use it.',
  'offline.reload': 'Reload',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.ok': 'OK',
  'common.size': 'Size',
  'common.name': 'Name',
  'common.status': 'Status',
  'common.bytes': '{n} bytes',
  'common.sha1': 'SHA-1',
  'common.actions': 'Actions',
  'common.privacy': 'Files never leave this PC unencrypted: hashing runs in your browser.',
};

const nl: Translations<typeof en> = {
  'app.title': 'SFTP Courier',
  'app.tagline': 'Lever gegevensbestanden af met hun .hash-controlebestanden — alles gebeurt op deze pc.',
  'nav.hash': '.hash-bestanden maken',
  'nav.verify': '.hash-bestanden controleren',
  'nav.keys': 'Sleutels',
  'nav.deliver': 'Afleveren',
  'lang.label': 'Taal',
  'offline.ready': 'Klaar om offline te werken.',
  'offline.update': 'Er is een nieuwe versie. Herlaad om ze te gebruiken.',
  'offline.reload': 'Herladen',
  'common.cancel': 'Annuleren',
  'common.close': 'Sluiten',
  'common.ok': 'OK',
  'common.size': 'Grootte',
  'common.name': 'Naam',
  'common.status': 'Status',
  'common.bytes': '{n} bytes',
  'common.sha1': 'SHA-1',
  'common.actions': 'Acties',
  'common.privacy': 'Bestanden verlaten deze pc nooit onversleuteld: de hash wordt in uw browser berekend.',
};

const fr: Translations<typeof en> = {
  'app.title': 'SFTP Courier',
  'app.tagline': 'Livrez vos fichiers de données avec leurs fichiers de contrôle .hash — tout se passe sur ce PC.',
  'nav.hash': 'Créer les fichiers .hash',
  'nav.verify': 'Vérifier les fichiers .hash',
  'nav.keys': 'Clés',
  'nav.deliver': 'Livrer',
  'lang.label': 'Langue',
  'offline.ready': 'Prêt à fonctionner hors ligne.',
  'offline.update': 'Une nouvelle version est prête. Rechargez pour l’utiliser.',
  'offline.reload': 'Recharger',
  'common.cancel': 'Annuler',
  'common.close': 'Fermer',
  'common.ok': 'OK',
  'common.size': 'Taille',
  'common.name': 'Nom',
  'common.status': 'État',
  'common.bytes': '{n} octets',
  'common.sha1': 'SHA-1',
  'common.actions': 'Actions',
  'common.privacy': 'Les fichiers ne quittent jamais ce PC en clair : le hachage se fait dans votre navigateur.',
};

export const common = { en, nl, fr };
