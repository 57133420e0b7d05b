"""Calendar files (.ics) that go with every invitation.

The organiser is the coordinator, so that a reply or a question goes to them;
times are Europe/Tallinn wall-clock times with the zone spelt out (VTIMEZONE),
so a phone abroad still shows the right hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from pipeline.model.case import Coordinator, Meeting

TZ = ZoneInfo("Europe/Tallinn")
ICS_MEDIA = "text/calendar"


def _address(email: str, name: str) -> vCalAddress:
    addr = vCalAddress(f"mailto:{email}")
    addr.params["CN"] = vText(name)
    return addr


def meeting_ics(
    meeting: Meeting,
    *,
    uid_seed: str,
    summary: str,
    description: str,
    coordinator: Coordinator | None,
    attendee: tuple[str, str] | None = None,
    now: dt.datetime | None = None,
    sequence: int = 0,
    cancel: bool = False,
) -> bytes:
    """One VEVENT. `uid_seed` (the meeting's series + recipient id) makes the UID stable,
    so a moved meeting's invitation (higher `sequence`) updates the calendar entry instead
    of adding one, and a cancellation (`cancel`: METHOD:CANCEL, STATUS:CANCELLED) removes it."""
    cal = Calendar()
    cal.add("prodid", "-//Pere lahendusring//plr//ET")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    ev = Event()
    ev.add("uid", hashlib.sha256(uid_seed.encode()).hexdigest()[:32] + "@pere-lahendusring")
    ev.add("dtstamp", now or dt.datetime.now(dt.UTC))
    ev.add("sequence", sequence)
    if cancel:
        ev.add("status", "CANCELLED")
    ev.add("dtstart", meeting.start.replace(tzinfo=TZ))
    ev.add("dtend", meeting.end.replace(tzinfo=TZ))
    ev.add("summary", summary)
    ev.add("location", meeting.place)
    ev.add("description", description)
    if coordinator is not None:
        ev.add("organizer", _address(coordinator.email, coordinator.name))
    if attendee is not None:
        ev.add("attendee", _address(attendee[0], attendee[1]))
    cal.add_component(ev)
    start = meeting.start.date()
    cal.add_missing_timezones(first_date=start - dt.timedelta(days=366),
                              last_date=start + dt.timedelta(days=366))
    return bytes(cal.to_ical())
