// What is wrong with a profile file, one line per problem, in the user's language: the profile by
// its number and name, the field in words and what it should hold.
import { ProfileFileError, type ProfileProblem } from '../../../core/delivery/profile.ts';
import { t, type MessageKey } from './index.ts';

function where(p: { profile?: number; label?: string }): string {
  const n = (p.profile ?? 0) + 1;
  return p.label ? t('profile.whereNamed', { n, label: p.label }) : t('profile.where', { n });
}

export function profileProblemText(problem: ProfileProblem): string {
  switch (problem.kind) {
    case 'not-json':
    case 'not-profile-file':
    case 'profiles-not-list':
      return t(`profile.problem.${problem.kind}`);
    case 'version':
      return t('profile.problem.version', { version: problem.version });
    case 'not-object':
      return t('profile.problem.not-object', { where: where(problem) });
    case 'duplicate-id':
      return t('profile.problem.duplicate-id', { id: problem.id });
    case 'username-pattern':
      return t('profile.problem.username-pattern', { where: where(problem), position: problem.position + 1 });
    case 'field': {
      const field = t(`profile.field.${problem.field}` as MessageKey);
      if (problem.rule === 'required') return t('profile.problem.required', { where: where(problem), field });
      return t('profile.problem.invalid', { where: where(problem), field, rule: t(`profile.rule.${problem.field}` as MessageKey) });
    }
  }
}

/** Every problem of a refused profile file; anything else that went wrong reading it as one unknown failure. */
export function profileFileProblems(err: unknown): string[] {
  if (err instanceof ProfileFileError && err.issues.length > 0) return err.issues.map(profileProblemText);
  return [t('error.error')];
}
