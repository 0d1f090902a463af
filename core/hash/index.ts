export * from './digest.ts';
export * from './stream-digest.ts';
export * from './sidecar.ts';
export * from './verify.ts';
export * from './blob-digest.ts';
