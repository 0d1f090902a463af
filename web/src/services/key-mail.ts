// "Mail the public key" helper: who gets the .asc, per registry profile, as a mailto: link.
// Profile data lives here until server profiles exist (source: the VIKZ user manual, servers.md).

export interface KeyMailSector {
  id: string;
  /** Catalogue key of the sector's name. */
  labelKey: 'keys.mail.sector.az' | 'keys.mail.sector.ggz';
  cc: string;
  /** User names of this sector start with this letter. */
  prefix: string;
}

export interface KeyMailProfile {
  id: string;
  label: string;
  to: string;
  sectors: KeyMailSector[];
  subject(username: string): string;
}

export const KEY_MAIL_PROFILES: readonly KeyMailProfile[] = [
  {
    id: 'vikz',
    label: 'VIKZ — Smals (TTP)',
    to: 'UserGa-stat@smals.be',
    sectors: [
      { id: 'az', labelKey: 'keys.mail.sector.az', cc: 'kwaliteit.az@vikz.be', prefix: 'Z' },
      { id: 'ggz', labelKey: 'keys.mail.sector.ggz', cc: 'kwaliteit.ggz@vikz.be', prefix: 'P' },
    ],
    subject: (username) => `VIKZ ${username}`.trim(),
  },
];

/** The sector a user name belongs to (Z-number: hospitals, P-number: mental health), if clear. */
export function sectorFor(profile: KeyMailProfile, username: string): KeyMailSector | undefined {
  const first = username.trim().charAt(0).toUpperCase();
  return profile.sectors.find((s) => s.prefix === first);
}

/** RFC 6068 mailto: with to, cc, subject and a body whose line breaks are CRLF. */
export function mailtoLink(mail: { to: string; cc: string[]; subject: string; body: string }): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%0D%0A|%0A/g, '%0D%0A');
  const params = [`subject=${enc(mail.subject)}`, `body=${enc(mail.body.replace(/\r\n/g, '\n'))}`];
  const cc = mail.cc.map((c) => c.trim()).filter(Boolean);
  if (cc.length) params.unshift(`cc=${cc.map(encodeURIComponent).join(',')}`);
  return `mailto:${encodeURIComponent(mail.to).replace(/%40/g, '@')}?${params.join('&')}`;
}
