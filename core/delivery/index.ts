export * from './profile.ts';
export * from './builtin-profiles.ts';
export * from './receipt.ts';
export * from './session-log.ts';
export * from './deliver-pair.ts';
export * from './delivery-run.ts';
