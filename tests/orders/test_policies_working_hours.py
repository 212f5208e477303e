"""Appointment windows follow the installer's working hours, in the installer's zone: the site's
day and windows (in the site's zone) are checked against the installer's days and hours there.
Pure policies, no database."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from catalog.hours import days_in_words, work_days_parse
from catalog.models import Provider
from orders import policies
from orders.policies import Slot, WorkingHours

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
PHOENIX = ZoneInfo("America/Phoenix")  # no daylight saving time
MONDAY = date(2027, 1, 11)
SATURDAY = date(2027, 1, 9)


def hours(
    zone: ZoneInfo = NEW_YORK, days: str = "12345", start: int = 8, end: int = 17
) -> WorkingHours:
    provider = Provider(
        name="Sunpower",
        work_days=days,
        work_start=time(start),
        work_end=time(end),
        time_zone=zone.key,
    )
    return WorkingHours.of(provider)


def window(day: date, at: int, zone: ZoneInfo = LOS_ANGELES, length: int = 2) -> Slot:
    start = datetime.combine(day, time(at), tzinfo=zone)
    return Slot(start=start, end=start + timedelta(hours=length))


def starts(slots: list[Slot], zone: ZoneInfo = LOS_ANGELES) -> list[str]:
    return [f"{slot.start.astimezone(zone):%H:%M}" for slot in slots]


def test_a_window_is_checked_in_the_installers_zone_not_the_sites() -> None:
    new_york = hours(NEW_YORK)

    # 06:00 in Los Angeles is 09:00 in New York: inside; 15:00 there is 18:00: outside.
    assert new_york.covers(window(MONDAY, 6))
    assert policies.working_hours_problem(window(MONDAY, 6), new_york) == ""
    assert not new_york.covers(window(MONDAY, 15))
    assert policies.working_hours_problem(window(MONDAY, 15), new_york) == (
        "Sunpower works Monday\u2013Friday, 08:00\u201317:00 EST (America/New_York): "
        "Mon 11 Jan 2027, 18:00\u201320:00 EST is outside those hours. Choose another time."
    )
    # 04:00 in Los Angeles is 07:00 in New York: before the working day starts.
    assert not new_york.covers(window(MONDAY, 4))


def test_the_sites_windows_are_offered_only_inside_the_installers_hours() -> None:
    assert starts(policies.day_slots(MONDAY, zone=LOS_ANGELES)) == [
        "08:00",
        "10:00",
        "13:00",
        "15:00",
    ]
    # From New York, three hours ahead, the site's 13:00 and 15:00 windows would end at 18:00
    # and 20:00 there.
    offered = policies.day_slots(MONDAY, zone=LOS_ANGELES, working_hours=hours(NEW_YORK))
    assert starts(offered) == ["08:00", "10:00"]
    assert starts(offered, NEW_YORK) == ["11:00", "13:00"]
    # In the same zone, the whole day.
    same_zone = hours(LOS_ANGELES)
    assert len(policies.day_slots(MONDAY, zone=LOS_ANGELES, working_hours=same_zone)) == 4
    # Longer windows must end inside the day too (4 hours from 15:00 ends at 19:00).
    long = policies.day_slots(MONDAY, 4, LOS_ANGELES, working_hours=same_zone)
    assert starts(long) == ["08:00", "10:00", "13:00"]


def test_no_window_on_a_day_the_installer_does_not_work() -> None:
    weekdays = hours(LOS_ANGELES)
    assert policies.day_slots(SATURDAY, zone=LOS_ANGELES, working_hours=weekdays) == []
    assert (
        policies.day_slots(SATURDAY + timedelta(days=1), zone=LOS_ANGELES, working_hours=weekdays)
        == []
    )
    problem = policies.working_hours_problem(window(SATURDAY, 10), weekdays)
    assert problem.startswith("Sunpower works Monday\u2013Friday, 08:00\u201317:00 PST")
    assert "Sat 9 Jan 2027, 10:00\u201312:00 PST is outside those hours" in problem

    saturdays = hours(LOS_ANGELES, days="6")
    assert len(policies.day_slots(SATURDAY, zone=LOS_ANGELES, working_hours=saturdays)) == 4
    assert policies.day_slots(MONDAY, zone=LOS_ANGELES, working_hours=saturdays) == []


def test_the_installers_day_is_its_own_across_midnight() -> None:
    """A site far ahead of the installer: its Monday morning is the installer's Sunday."""
    tokyo = ZoneInfo("Asia/Tokyo")
    from_los_angeles = hours(LOS_ANGELES)
    # Monday 08:00 in Tokyo is Sunday 15:00 in Los Angeles: a day off there.
    assert not from_los_angeles.covers(window(MONDAY, 8, tokyo))
    # Tuesday 08:00 in Tokyo is Monday 15:00 in Los Angeles; 10:00 ends after 17:00 there.
    tuesday = MONDAY + timedelta(days=1)
    offered = policies.day_slots(tuesday, zone=tokyo, working_hours=from_los_angeles)
    assert starts(offered, tokyo) == ["08:00"]


def test_daylight_saving_time_moves_the_windows_that_fit() -> None:
    """Phoenix keeps MST all year, New York changes: the site's 13:00 is New York's 15:00 in
    winter and 16:00 in summer, so a window to 15:00 in Phoenix ends at 17:00 or 18:00 there."""
    new_york = hours(NEW_YORK)
    winter, summer = MONDAY, date(2027, 7, 12)

    assert starts(policies.day_slots(winter, zone=PHOENIX, working_hours=new_york), PHOENIX) == [
        "08:00",
        "10:00",
        "13:00",
    ]
    assert starts(policies.day_slots(summer, zone=PHOENIX, working_hours=new_york), PHOENIX) == [
        "08:00",
        "10:00",
    ]
    problem = policies.working_hours_problem(window(summer, 13, PHOENIX), new_york)
    assert "08:00\u201317:00 EDT (America/New_York)" in problem
    assert "Mon 12 Jul 2027, 16:00\u201318:00 EDT" in problem


def test_the_day_the_clocks_change_keeps_its_local_windows() -> None:
    """On the Sunday clocks go forward (a 23-hour day) the windows stay at their local times."""
    every_day = hours(LOS_ANGELES, days="1234567")
    change = date(2027, 3, 14)

    offered = policies.day_slots(change, zone=LOS_ANGELES, working_hours=every_day)

    assert starts(offered) == ["08:00", "10:00", "13:00", "15:00"]
    assert {slot.start.tzname() for slot in offered} == {"PDT"}
    assert all(slot.end - slot.start == timedelta(hours=2) for slot in offered)


def test_the_default_survey_is_the_first_window_the_hours_allow() -> None:
    thursday_noon = datetime(2027, 1, 7, 12, tzinfo=LOS_ANGELES)

    # Two days on is Saturday: the survey is on Monday, at 10:00.
    slot = policies.default_survey_slot(thursday_noon, LOS_ANGELES)
    assert slot.start == datetime(2027, 1, 11, 10, tzinfo=LOS_ANGELES)
    # An installer working on Wednesdays only, from 12:00: the next Wednesday's 13:00.
    wednesdays = hours(LOS_ANGELES, days="3", start=12, end=17)
    slot = policies.default_survey_slot(thursday_noon, LOS_ANGELES, working_hours=wednesdays)
    assert slot.start == datetime(2027, 1, 13, 13, tzinfo=LOS_ANGELES)
    # From New York, the site's 10:00 is 13:00 there: still the one.
    slot = policies.default_survey_slot(thursday_noon, LOS_ANGELES, working_hours=hours())
    assert slot.start == datetime(2027, 1, 11, 10, tzinfo=LOS_ANGELES)
    # Hours no window fits: the first day's 10:00, which slot_problem refuses in words.
    too_short = hours(LOS_ANGELES, start=9, end=10)
    slot = policies.default_survey_slot(thursday_noon, LOS_ANGELES, working_hours=too_short)
    assert slot.start == datetime(2027, 1, 9, 10, tzinfo=LOS_ANGELES)
    problem = policies.slot_problem(slot, thursday_noon, working_hours=too_short)
    assert "works Monday\u2013Friday, 09:00\u201310:00 PST" in problem


def test_slot_problem_checks_the_working_hours_when_given_them() -> None:
    now = datetime(2027, 1, 7, 12, tzinfo=LOS_ANGELES)
    saturday = window(SATURDAY, 10)

    assert policies.slot_problem(saturday, now) == ""
    assert "outside those hours" in policies.slot_problem(
        saturday, now, working_hours=hours(LOS_ANGELES)
    )
    # The other rules come first.
    past = window(date(2027, 1, 6), 10)
    assert "at least" in policies.slot_problem(past, now, working_hours=hours(LOS_ANGELES))


def test_the_default_hours_and_a_provider_without_a_zone() -> None:
    default = WorkingHours.default(LOS_ANGELES)
    assert (default.days, default.start, default.end) == (
        frozenset({1, 2, 3, 4, 5}),
        time(8),
        time(17),
    )
    # A provider that sets no zone works in the one it is given (its first place's).
    provider = Provider(name="Sunpower")
    assert WorkingHours.of(provider, "America/Chicago").zone.key == "America/Chicago"
    assert WorkingHours.of(provider, "America/Chicago") == WorkingHours(
        days=frozenset({1, 2, 3, 4, 5}),
        start=time(8),
        end=time(17),
        zone=ZoneInfo("America/Chicago"),
        installer="Sunpower",
    )


@pytest.mark.parametrize(
    ("days", "words"),
    [
        ("12345", "Monday\u2013Friday"),
        ("135", "Monday, Wednesday and Friday"),
        ("12346", "Monday\u2013Thursday and Saturday"),
        ("67", "Saturday and Sunday"),
        ("3", "Wednesday"),
        ("1234567", "every day"),
    ],
)
def test_work_days_in_words(days: str, words: str) -> None:
    assert days_in_words(work_days_parse(days)) == words
