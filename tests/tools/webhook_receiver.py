"""A webhook receiver for the tests: verifies each request with the
independent Standard Webhooks implementation (the `standardwebhooks`
package) and prints one JSON object per request it received.

    webhook_receiver.py --port P --secret whsec_... [--fail-first N] [--redirect-to URL]

Answers 204 to a verified request, 401 to one that fails verification,
503 to the first N requests, and 302 to URL for every request when
--redirect-to is given.
"""

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--redirect-to")
    args = parser.parse_args()
    verifier = Webhook(args.secret)
    lock = threading.Lock()
    seen = {"count": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                verifier.verify(body, headers)
                verified = True
            except Exception as error:  # any failure to verify
                verified = False
                print(f"not verified: {error}", file=sys.stderr, flush=True)
            with lock:
                seen["count"] += 1
                number = seen["count"]
            location = None
            if args.redirect_to:
                status, location = 302, args.redirect_to
            elif number <= args.fail_first:
                status = 503
            elif verified:
                status = 204
            else:
                status = 401
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            record = {
                "webhook_id": headers.get("webhook-id"),
                "verified": verified,
                "status": status,
                "content_type": headers.get("content-type"),
                "body": parsed,
            }
            with lock:
                print(json.dumps(record), flush=True)
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
