import { t } from '../i18n/index.ts';
export function VerifyScreen() {
  return <section><p>{t('verify.intro')}</p></section>;
}
