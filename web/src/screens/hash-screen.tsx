import { t } from '../i18n/index.ts';
export function HashScreen() {
  return <section><p>{t('hash.intro')}</p></section>;
}
