// Types for the npm package `bcrypt-pbkdf` (a pure-JS port of OpenBSD's bcrypt_pbkdf), which ships none.
declare module 'bcrypt-pbkdf' {
  const bcryptPbkdf: {
    /** Returns 0 on success, -1 on bad arguments (e.g. empty passphrase or salt). */
    pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number;
  };
  export default bcryptPbkdf;
}
