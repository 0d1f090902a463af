// SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4): the legal notice many servers show before sign-in.
// The library has no class for it (it would fail with "Unhandled message type").
import { SshMessage, type SshDataReader, type SshDataWriter } from '@microsoft/dev-tunnels-ssh';

export const USERAUTH_BANNER = 53;

export class UserAuthBannerMessage extends SshMessage {
  text = '';

  override get messageType(): number {
    return USERAUTH_BANNER;
  }

  protected override onRead(reader: SshDataReader): void {
    // Shown to users: drop control characters (terminal escapes) except line breaks and tabs.
    // eslint-disable-next-line no-control-regex
    this.text = reader.readString('utf8').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  }

  protected override onWrite(writer: SshDataWriter): void {
    writer.writeString(this.text, 'utf8');
    writer.writeString('', 'ascii');
  }
}
