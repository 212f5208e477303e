"""An installer's technicians as the workspace shows them: certifications, open orders, their
calendar, and who a team member may sign in as."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from catalog import zones
from catalog.models import Provider
from catalog.taxonomy import InstallationStatus
from orders import policies
from orders.models import Order, Technician, TechnicianCertification

# A certification that lapses within this many days is flagged before it expires.
CERTIFICATION_WARNING_DAYS = 30


class CertificationStatus(TextChoices):
    VALID = "VALID", "Valid"
    EXPIRING = "EXPIRING", f"Expires within {CERTIFICATION_WARNING_DAYS} days"
    EXPIRED = "EXPIRED", "Expired"


def _count_of(rows: QuerySet, outer: str) -> Coalesce:
    """How many of `rows` (filtered on an OuterRef to `outer`) there are: a sub-select."""
    counted = rows.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def provider_technicians(*, provider: Provider, today: date) -> QuerySet[Technician]:
    """An installer's technicians, active first, each with `certifications_expired`,
    `certifications_expiring` (within CERTIFICATION_WARNING_DAYS of `today`) and `open_orders`
    (assigned and not closed): one query."""
    certifications = TechnicianCertification.objects.filter(technician=OuterRef("pk"))
    warning = today + timedelta(days=CERTIFICATION_WARNING_DAYS)
    return (
        Technician.objects.filter(provider=provider)
        .select_related("user")
        .annotate(
            certifications_expired=_count_of(
                certifications.filter(valid_until__lt=today), "technician"
            ),
            certifications_expiring=_count_of(
                certifications.filter(valid_until__gte=today, valid_until__lte=warning),
                "technician",
            ),
            open_orders=_count_of(
                Order.objects.filter(technician=OuterRef("pk"), status__in=policies.OPEN_STATUSES),
                "technician",
            ),
        )
        .order_by("-is_active", "name", "pk")
    )


def technician_certifications(
    *, technician: Technician, today: date
) -> QuerySet[TechnicianCertification]:
    """A technician's certifications, the first to lapse first, each with its `status` on
    `today` (a CertificationStatus)."""
    warning = today + timedelta(days=CERTIFICATION_WARNING_DAYS)
    return (
        TechnicianCertification.objects.filter(technician=technician)
        .annotate(
            status=Case(
                When(valid_until__lt=today, then=Value(CertificationStatus.EXPIRED)),
                When(valid_until__lte=warning, then=Value(CertificationStatus.EXPIRING)),
                default=Value(CertificationStatus.VALID),
                output_field=CharField(),
            )
        )
        .order_by("valid_until", "pk")
    )


@dataclass(frozen=True)
class Assignment:
    """A technician's appointment on the calendar: an order's site survey or installation."""

    order_id: int
    installation_request_id: str
    customer_name: str
    site_address: str
    site_time_zone: str
    status: str
    appointment: str
    start: datetime
    end: datetime

    @property
    def appointment_label(self) -> str:
        return policies.Appointment(self.appointment).label

    @property
    def window_in_words(self) -> str:
        """Its window in the site's zone, with the zone's abbreviation."""
        return zones.window_in_words(self.start, self.end, self.site_time_zone)


def technician_assignments(
    *, technician: Technician, start: datetime, end: datetime
) -> list[Assignment]:
    """The technician's site surveys and installations that overlap [start, end), done or to
    come, in time order (not those of cancelled orders): one query."""
    orders = (
        Order.objects.order_by()
        .filter(technician=technician)
        .exclude(status=InstallationStatus.CANCELLED)
    )
    fields = (
        "pk",
        "installation_request_id",
        "customer_name",
        "site_address",
        "site_time_zone",
        "status",
    )
    surveys = orders.filter(survey_start__lt=end, survey_end__gt=start).values(
        *fields,
        appointment=Value(policies.Appointment.SURVEY, output_field=CharField()),
        starts_at=F("survey_start"),
        ends_at=F("survey_end"),
    )
    installations = orders.filter(installation_start__lt=end, installation_end__gt=start).values(
        *fields,
        appointment=Value(policies.Appointment.INSTALLATION, output_field=CharField()),
        starts_at=F("installation_start"),
        ends_at=F("installation_end"),
    )
    return [
        Assignment(
            order_id=row["pk"],
            installation_request_id=row["installation_request_id"],
            customer_name=row["customer_name"],
            site_address=row["site_address"],
            site_time_zone=row["site_time_zone"],
            status=row["status"],
            appointment=row["appointment"],
            start=row["starts_at"],
            end=row["ends_at"],
        )
        for row in surveys.union(installations, all=True).order_by("starts_at", "pk")
    ]


def linkable_technicians(
    *, provider: Provider, user: AbstractBaseUser | None = None
) -> QuerySet[Technician]:
    """The installer's active technicians a team member may sign in as: those without a
    sign-in yet, and the one `user` already signs in as."""
    free = Q(user__isnull=True)
    if user is not None:
        free |= Q(user=user)
    return Technician.objects.filter(free, provider=provider, is_active=True).order_by("name")
