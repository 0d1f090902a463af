// core/sftp: an SFTP v3 client over an SshChannelStream, with pipelined streaming transfers and an
// upload fit for delivery (temporary name, resume, hash hook, fsync, rename).
export * from './attributes.ts';
export * from './byte-source.ts';
export { EXT, FX, FXP, OPEN } from './constants.ts';
export * from './download.ts';
export * from './errors.ts';
export * from './read-pipeline.ts';
export * from './remote-path.ts';
export * from './session.ts';
export * from './upload.ts';
export * from './write-pipeline.ts';
