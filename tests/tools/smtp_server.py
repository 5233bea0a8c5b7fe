"""A real SMTP server for the mail tests (aiosmtpd).

Prints one JSON object per line for each message it accepts: the envelope,
the Message-ID, the List-Unsubscribe headers, and the plain-text and HTML
parts. With --refuse-first N it answers the first N DATA commands with
"451 4.3.0 try again later", as a server in trouble would.
"""

import argparse
import email
import email.policy
import json
import sys
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, refuse_first):
        self.refuse_left = refuse_first
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_left > 0:
                self.refuse_left -= 1
                print(json.dumps({"refused": True}), flush=True)
                return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": str(message.get("Message-ID", "")),
            "subject": str(message.get("Subject", "")),
            "list_unsubscribe": str(message.get("List-Unsubscribe", "")),
            "list_unsubscribe_post": str(message.get("List-Unsubscribe-Post", "")),
            "content_type": message.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        print(json.dumps(record), flush=True)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--refuse-first", type=int, default=0)
    args = parser.parse_args()
    controller = Controller(
        Recorder(args.refuse_first), hostname="127.0.0.1", port=args.port
    )
    controller.start()
    print(f"listening on {args.port}", file=sys.stderr, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
