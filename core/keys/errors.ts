// Typed failures of reading a key file: each tells the user one specific thing to do.

export type KeyErrorCode =
  | 'wrong-passphrase' | 'tampered' | 'unsupported' | 'malformed' | 'passphrase-required'
  /** A key kept in the browser: locked, and no passphrase given / the passphrase does not unlock it. */
  | 'stored-key-locked' | 'stored-key-wrong-passphrase';

export class KeyError extends Error {
  constructor(readonly code: KeyErrorCode, message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

/** The passphrase did not decrypt the key (check bytes or padding wrong after decryption). */
export class WrongPassphraseError extends KeyError {
  constructor(message = 'wrong passphrase') {
    super('wrong-passphrase', message);
    this.name = 'WrongPassphraseError';
  }
}

/** The file decrypts but its integrity check (PPK MAC) fails: it was changed after saving. */
export class TamperedKeyError extends KeyError {
  constructor(message = 'the key file was modified or damaged (MAC check failed)') {
    super('tampered', message);
    this.name = 'TamperedKeyError';
  }
}

/** A well-formed file holding a key type, cipher or KDF we do not handle. */
export class UnsupportedKeyError extends KeyError {
  constructor(message: string) {
    super('unsupported', message);
    this.name = 'UnsupportedKeyError';
  }
}

/** Not a key file we recognise, or one that is cut short or garbled. */
export class MalformedKeyError extends KeyError {
  constructor(message: string) {
    super('malformed', message);
    this.name = 'MalformedKeyError';
  }
}

/** The key is encrypted and no passphrase was given. */
export class PassphraseRequiredError extends KeyError {
  constructor(message = 'this key is protected by a passphrase') {
    super('passphrase-required', message);
    this.name = 'PassphraseRequiredError';
  }
}

/** A key kept in the browser is locked and no passphrase was given to unlock it. */
export class StoredKeyLockedError extends KeyError {
  constructor(message = 'this kept key is locked with a passphrase') {
    super('stored-key-locked', message);
    this.name = 'StoredKeyLockedError';
  }
}

/** The passphrase does not unlock the kept key (its AES-GCM tag does not verify); nothing changed. */
export class StoredKeyWrongPassphraseError extends KeyError {
  constructor(message = 'wrong passphrase for the kept key') {
    super('stored-key-wrong-passphrase', message);
    this.name = 'StoredKeyWrongPassphraseError';
  }
}
