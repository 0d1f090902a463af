// Channel requests the library has no class for: `subsystem` (RFC 4254 §6.5) and `exec` with our own type.
import { ChannelRequestMessage, type SshDataWriter } from '@microsoft/dev-tunnels-ssh';

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
