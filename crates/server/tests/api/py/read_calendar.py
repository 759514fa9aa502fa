"""Reads an iCalendar feed with the independent `icalendar` package (PyPI) and prints
what a calendar app would take from it, as JSON, for the calendar feed tests.

Usage: read_calendar.py FILE
Exits non-zero, with the parser's complaint, on a feed it cannot read.
"""

import json
import sys

import icalendar


def utc_iso(value):
    moment = value.dt
    offset = moment.utcoffset()
    if offset is None or offset.total_seconds() != 0:
        raise SystemExit(f"{moment!r} is not in UTC")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    with open(sys.argv[1], "rb") as f:
        calendar = icalendar.Calendar.from_ical(f.read())
    events = []
    for event in calendar.walk("VEVENT"):
        events.append(
            {
                "uid": str(event["UID"]),
                "sequence": int(event["SEQUENCE"]),
                "summary": str(event["SUMMARY"]),
                "description": str(event.get("DESCRIPTION", "")),
                "status": str(event.get("STATUS", "")),
                "start": utc_iso(event["DTSTART"]),
                "end": utc_iso(event["DTEND"]),
                "stamp": utc_iso(event["DTSTAMP"]),
            }
        )
    print(
        json.dumps(
            {
                "version": str(calendar["VERSION"]),
                "prodid": str(calendar["PRODID"]),
                "name": str(calendar.get("X-WR-CALNAME", "")),
                "events": events,
            }
        )
    )


if __name__ == "__main__":
    main()
