"""Verifies a captured webhook with the Standard Webhooks reference library.

Usage: verify_webhook.py SECRET REQUEST_JSON, where the JSON file holds
{"headers": {name: value}, "body": "..."}. Prints "verified" and exits 0, or prints the
error and exits 1.
"""

import json
import sys

from standardwebhooks.webhooks import Webhook


def main():
    secret, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        request = json.load(f)
    try:
        Webhook(secret).verify(request["body"], request["headers"])
    except Exception as e:  # the library's errors, and malformed headers
        print(f"{type(e).__name__}: {e}")
        sys.exit(1)
    print("verified")


if __name__ == "__main__":
    main()
