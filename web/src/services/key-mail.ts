// "Mail the public key" helper: a mailto: link built from a server profile's mail template.
import type { MailTemplate } from '../../../core/delivery/profile.ts';

/**
 * Which of the template's cc addresses to preselect when the user picks one: VIKZ's manual sends
 * P-numbers (mental health) to its "ggz" address and Z-numbers to the hospitals' one.
 */
export function defaultCc(mail: MailTemplate, username: string): string {
  if (mail.ccChoice !== 'one') return '';
  const mentalHealth = /^p/i.test(username.trim()) ? mail.cc.find((c) => /ggz/i.test(c)) : undefined;
  return mentalHealth ?? mail.cc.find((c) => !/ggz/i.test(c)) ?? mail.cc[0] ?? '';
}

/** RFC 6068 mailto: with to, cc, subject and a body whose line breaks are CRLF. */
export function mailtoLink(mail: { to: string[]; cc: string[]; subject: string; body: string }): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%0D%0A|%0A/g, '%0D%0A');
  const addr = (list: string[]) => list.map((c) => c.trim()).filter(Boolean).map((a) => encodeURIComponent(a).replace(/%40/g, '@')).join(',');
  const params = [`subject=${enc(mail.subject)}`, `body=${enc(mail.body.replace(/\r\n/g, '\n'))}`];
  const cc = addr(mail.cc);
  if (cc) params.unshift(`cc=${cc}`);
  return `mailto:${addr(mail.to)}?${params.join('&')}`;
}
