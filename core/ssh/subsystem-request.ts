// Requests the library has no (correct) class for: channel `subsystem` (RFC 4254 §6.5) and
// `exec`, and a keyboard-interactive userauth request with its two trailing fields.
import { AuthenticationRequestMessage, ChannelRequestMessage, type SshDataWriter } from '@microsoft/dev-tunnels-ssh';

export class SubsystemRequestMessage extends ChannelRequestMessage {
  constructor(readonly subsystem: string) {
    super('subsystem', true);
  }
  protected override onWrite(writer: SshDataWriter): void {
    super.onWrite(writer);
    writer.writeString(this.subsystem, 'utf8');
  }
}

export class ExecRequestMessage extends ChannelRequestMessage {
  constructor(readonly command: string) {
    super('exec', true);
  }
  protected override onWrite(writer: SshDataWriter): void {
    super.onWrite(writer);
    writer.writeString(this.command, 'utf8');
  }
}

export class KeyboardInteractiveRequestMessage extends AuthenticationRequestMessage {
  static from(m: AuthenticationRequestMessage): KeyboardInteractiveRequestMessage {
    const k = new KeyboardInteractiveRequestMessage();
    k.username = m.username;
    k.serviceName = m.serviceName;
    k.methodName = m.methodName;
    return k;
  }
  protected override onWrite(writer: SshDataWriter): void {
    super.onWrite(writer);
    writer.writeString('', 'ascii'); // language tag (deprecated)
    writer.writeString('', 'ascii'); // submethods: let the server choose
  }
}
