"""Checks JSON documents against a JSON Schema (draft 2020-12) with the independent
`jsonschema` package.

Usage: validate_schema.py SCHEMA DOCUMENTS
DOCUMENTS is a JSON array; prints one line per invalid document ("INDEX: problem") and
exits 1 when there is any.
"""

import json
import sys

import jsonschema


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        documents = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    failed = False
    for index, document in enumerate(documents):
        for error in validator.iter_errors(document):
            failed = True
            path = "/".join(str(p) for p in error.absolute_path)
            print(f"{index}: {path}: {error.message}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
