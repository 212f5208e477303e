"""The installer workspace's insights: orders per week by status, days per installation phase
and the rating trend, drawn with Chart.js (static/js/charts.js) from numbers the selectors
compute with aggregate queries. The network funnel comes from the Beckn message log, which only
beckn.selectors reads (web/workspace/network.py); this page loads it with htmx."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from catalog.taxonomy import InstallationPhase, InstallationStatus
from orders.selectors import orders_per_week, phase_durations
from ratings.selectors import rating_trend
from web.frame import page
from web.workspace.tenancy import installer_view

# The insights speak of the whole business: they are the owners'.
INSIGHTS_PERMISSION = "catalog.change_provider"
PERIOD_WEEKS = (4, 12, 26, 52)
DEFAULT_WEEKS = 12


def period_weeks(request: HttpRequest) -> int:
    """The period a `?weeks=` asks for (one of PERIOD_WEEKS)."""
    value = request.GET.get("weeks", "")
    return int(value) if value.isdigit() and int(value) in PERIOD_WEEKS else DEFAULT_WEEKS


def insight_period(weeks: int, today: date | None = None) -> tuple[datetime, datetime]:
    """The last `weeks` whole weeks, this one included: Monday 00:00 to next Monday 00:00."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday - timedelta(weeks=weeks - 1), time.min, tzinfo=zone)
    return start, datetime.combine(monday + timedelta(weeks=1), time.min, tzinfo=zone)


def _local_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def orders_chart(rows: list[dict], start: datetime, weeks: int) -> dict[str, Any]:
    """Orders per week, one stacked series per status (the statuses that occur)."""
    mondays = [_local_date(start) + timedelta(weeks=n) for n in range(weeks)]
    counts = {(_local_date(row["week"]), row["status"]): row["count"] for row in rows}
    present = {status for _, status in counts}
    datasets = [
        {
            "label": status.label,
            "key": status.value,
            "data": [counts.get((monday, status.value), 0) for monday in mondays],
        }
        for status in InstallationStatus
        if status.value in present
    ]
    return {
        "type": "bar",
        "stacked": True,
        "labels": [f"{monday:%d %b}" for monday in mondays],
        "datasets": datasets,
        "y_title": "Orders",
        "totals": [sum(d["data"][n] for d in datasets) for n in range(weeks)],
        "total": sum(counts.values()),
    }


def phases_chart(rows: list[dict]) -> dict[str, Any]:
    """Average days per installation phase."""
    return {
        "type": "bar",
        "horizontal": True,
        "labels": [InstallationPhase(row["phase"]).label for row in rows],
        "datasets": [
            {
                "label": "Average days",
                "data": [round(row["average"].total_seconds() / 86400, 1) for row in rows],
            }
        ],
        "counts": [row["count"] for row in rows],
        "y_title": "Days",
    }


def ratings_chart(rows: list[dict], start: datetime, end: datetime) -> dict[str, Any]:
    """The average rating of each month of the period (none for a month without a review)."""
    month, months = _local_date(start).replace(day=1), []
    while month < _local_date(end):
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    by_month = {_local_date(row["month"]).replace(day=1): row for row in rows}
    return {
        "type": "line",
        "labels": [f"{m:%b %Y}" for m in months],
        "datasets": [
            {
                "label": "Average rating",
                "data": [
                    round(float(by_month[m]["average"]), 2) if m in by_month else None
                    for m in months
                ],
            }
        ],
        "counts": [by_month[m]["count"] if m in by_month else 0 for m in months],
        "y_min": 0,
        "y_max": 5,
        "y_title": "Stars",
    }


@installer_view(INSIGHTS_PERMISSION)
def insights(request: HttpRequest) -> HttpResponse:
    provider = request.member.provider
    weeks = period_weeks(request)
    start, end = insight_period(weeks)
    orders = orders_chart(orders_per_week(provider=provider, start=start, end=end), start, weeks)
    phases = phases_chart(phase_durations(provider=provider, start=start, end=end))
    ratings = ratings_chart(rating_trend(provider=provider, start=start, end=end), start, end)
    context = {
        "weeks": weeks,
        "periods": PERIOD_WEEKS,
        "start": start,
        "end": end - timedelta(days=1),
        "orders_chart": orders,
        "orders_rows": [
            (label, [d["data"][n] for d in orders["datasets"]], orders["totals"][n])
            for n, label in enumerate(orders["labels"])
        ],
        "phases_chart": phases,
        "phases_rows": list(
            zip(phases["labels"], phases["datasets"][0]["data"], phases["counts"], strict=True)
        ),
        "ratings_chart": ratings,
        "ratings_rows": [
            row
            for row in zip(
                ratings["labels"], ratings["datasets"][0]["data"], ratings["counts"], strict=True
            )
            if row[2]
        ],
    }
    return page(request, "workspace/insights/insights.html", context, nav="insights")
