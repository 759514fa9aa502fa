"""An SMTP server for the notify tests: saves every accepted message as a JSON file.

Usage: smtp_sink.py OUT_DIR [--starttls CERT KEY | --tls CERT KEY]

Prints "ready PORT" once listening and runs until its stdin closes. Recipients starting
with "reject" get "550" at DATA, those starting with "later" get "451".
"""

import email
import email.policy
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller


class Saver:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        rcpts = [r.lower() for r in envelope.rcpt_tos]
        if any(r.startswith("reject") for r in rcpts):
            return "550 5.7.1 Message refused by policy"
        if any(r.startswith("later") for r in rcpts):
            return "451 4.3.0 Try again later"
        self.count += 1
        # Parsed here, with Python's own MIME reader, so the test sees decoded parts.
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = [
            {"content_type": part.get_content_type(), "content": part.get_content()}
            for part in message.walk()
            if not part.is_multipart()
        ]
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            # STARTTLS sets session.ssl; implicit TLS shows only on the transport.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "headers": {name.lower(): str(value) for name, value in message.items()},
            "content_type": message.get_content_type(),
            "parts": parts,
            "raw": envelope.content.decode("utf-8", "replace"),
        }
        path = os.path.join(self.out_dir, f"{self.count:04}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    out_dir = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else None
    kwargs = {}
    if mode in ("--starttls", "--tls"):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        if mode == "--starttls":
            kwargs = {"tls_context": context, "require_starttls": True}
        else:
            kwargs = {"ssl_context": context}
    port = free_port()
    controller = Controller(Saver(out_dir), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print(f"ready {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
