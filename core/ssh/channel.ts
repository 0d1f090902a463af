// The byte stream an SSH channel gives the protocol above it (SFTP). Kept tiny so that
// core/sftp depends on this interface only, never on the SSH engine behind it.
export interface SshChannelStream {
  /** Send bytes; resolves once the channel accepted them (the SSH window applies backpressure). */
  write(data: Uint8Array): Promise<void>;
  /** Next bytes from the peer, in order; `null` once the channel is closed or at EOF. Rejects if the connection broke. */
  read(): Promise<Uint8Array | null>;
  /** Close the channel; pending reads resolve `null`. */
  close(): Promise<void>;
}
