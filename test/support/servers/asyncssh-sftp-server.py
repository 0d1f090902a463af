#!/usr/bin/python3
# TEST-ONLY: an SFTP server made with python3-asyncssh (Debian's, so run it with /usr/bin/python3),
# for the interop tests: SFTP only, rooted (chroot-like) in --root, key and optional password
# login, bound to 127.0.0.1 on a port the OS picks; prints "listening on PORT" once ready and
# exits when its stdin closes (the test process died) or on SIGTERM.
import argparse
import asyncio
import hmac
import signal
import sys
import warnings

warnings.simplefilter('ignore')  # Debian's cryptography warns about ciphers asyncssh imports
import asyncssh  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('--root', required=True)
parser.add_argument('--user', required=True)
parser.add_argument('--authorized-keys', required=True)
parser.add_argument('--password-file')
parser.add_argument('--host-key', action='append', required=True)
parser.add_argument('--ciphers', help='comma-separated, e.g. aes128-ctr,aes256-ctr')
args = parser.parse_args()

password = None
if args.password_file:
    with open(args.password_file, encoding='utf-8') as f:
        password = f.read().strip()


authorized = asyncssh.read_authorized_keys(args.authorized_keys)


class Server(asyncssh.SSHServer):
    def begin_auth(self, username):
        return True  # every user must authenticate

    def public_key_auth_supported(self):
        return True

    def validate_public_key(self, username, key):
        return username == args.user and authorized.validate(key, '127.0.0.1', '127.0.0.1') is not None

    def password_auth_supported(self):
        return password is not None

    def validate_password(self, username, given):
        return password is not None and username == args.user and hmac.compare_digest(given, password)


async def main():
    options = {}
    if args.ciphers:
        options['encryption_algs'] = args.ciphers.split(',')
    server = await asyncssh.listen(
        '127.0.0.1', 0,
        server_factory=Server,
        server_host_keys=args.host_key,
        sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=args.root.encode()),
        allow_scp=False,
        **options,
    )
    port = server.sockets[0].getsockname()[1]
    print(f'listening on {port}', flush=True)
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: done.done() or done.set_result(None))
    try:
        loop.add_reader(sys.stdin.fileno(), lambda: sys.stdin.buffer.read1(4096) or done.done() or done.set_result(None))
    except OSError:
        pass  # stdin is not a pipe (run by hand): SIGTERM only
    await done
    server.close()
    await server.wait_closed()


asyncio.run(main())
