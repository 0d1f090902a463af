// Servers whose passwords expire (the Cancer Registry: 14 days) ask for a new one through
// keyboard-interactive prompts once it has expired. We recognise that request instead of
// answering it with the old password, and tell the user to renew it on the operator's portal.
const EXPIRED = /expired|new password|change your password|verlopen|nieuw wachtwoord|expiré|nouveau mot de passe/i;

export function asksForNewPassword(instruction: string, prompts: readonly { prompt: string }[]): boolean {
  return EXPIRED.test(instruction) || prompts.some((p) => EXPIRED.test(p.prompt));
}
