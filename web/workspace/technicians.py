"""The installer workspace's technician pages: the team in the field, their certifications and
their calendar of appointments (namespace "workspace").

Every technician is looked up among the member's own provider's, so another installer's ids
answer 404; writes go through orders.services.
"""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from orders.models import Technician
from orders.selectors import (
    CERTIFICATION_WARNING_DAYS,
    Assignment,
    CertificationStatus,
    provider_technicians,
    technician_assignments,
    technician_certifications,
)
from orders.services import certification_add, certification_remove, technician_save
from web.frame import form_page, is_htmx, page, posted
from web.workspace.technician_forms import CertificationForm, TechnicianForm
from web.workspace.tenancy import installer_view


def _technician(request: HttpRequest, technician_id: int) -> Technician:
    technicians = provider_technicians(provider=request.member.provider, today=timezone.localdate())
    return get_object_or_404(technicians, pk=technician_id)


@installer_view("orders.view_technician")
def technicians(request: HttpRequest) -> HttpResponse:
    """The installer's technicians, with their certifications' warnings and open orders."""
    rows = provider_technicians(provider=request.member.provider, today=timezone.localdate())
    context = {
        "technicians": rows,
        "warning_days": CERTIFICATION_WARNING_DAYS,
        "can_add": request.user.has_perm("orders.add_technician"),
    }
    return page(request, "workspace/technicians/technicians.html", context, nav="technicians")


def _technician_page(request: HttpRequest, technician: Technician | None) -> HttpResponse:
    provider = request.member.provider
    form = TechnicianForm(posted(request), instance=technician or Technician(provider=provider))

    def save() -> tuple[str, str]:
        saved = technician_save(provider=provider, technician=technician, values=form.values())
        url = reverse("workspace:technician", kwargs={"technician_id": saved.pk})
        return f"{saved.name} is saved.", url

    template, context = "workspace/technicians/technician_form.html", {"technician": technician}
    return form_page(request, form, save, template, context, nav="technicians")


@installer_view("orders.add_technician")
def technician_new(request: HttpRequest) -> HttpResponse:
    return _technician_page(request, None)


@installer_view("orders.change_technician")
def technician_edit(request: HttpRequest, technician_id: int) -> HttpResponse:
    return _technician_page(request, _technician(request, technician_id))


# --- The calendar ------------------------------------------------------------------------------


def week_start(value: str | None, today: date) -> date:
    """The Monday of the week a `?week=YYYY-MM-DD` names (this week's when absent or invalid)."""
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


def _calendar(technician: Technician, monday: date) -> dict:
    """The technician's week from `monday`: each day with its appointments."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone)
    assignments = technician_assignments(technician=technician, start=start, end=end)
    days: list[tuple[date, list[Assignment]]] = [
        (monday + timedelta(days=offset), []) for offset in range(7)
    ]
    for assignment in assignments:
        # An appointment that began the week before shows on Monday.
        offset = max((timezone.localtime(assignment.start, zone).date() - monday).days, 0)
        days[offset][1].append(assignment)
    url = reverse("workspace:technician", kwargs={"technician_id": technician.pk})
    return {
        "technician": technician,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "days": days,
        "today": timezone.localdate(),
        "assignment_count": len(assignments),
        "previous_url": f"{url}?week={monday - timedelta(days=7):%Y-%m-%d}",
        "next_url": f"{url}?week={monday + timedelta(days=7):%Y-%m-%d}",
        "this_week_url": url,
    }


def _certifications(
    technician: Technician, form: CertificationForm | None = None, *, can_edit: bool = True
) -> dict:
    return {
        "technician": technician,
        "certifications": technician_certifications(
            technician=technician, today=timezone.localdate()
        ),
        "statuses": CertificationStatus,
        "warning_days": CERTIFICATION_WARNING_DAYS,
        "certification_form": form or CertificationForm(),
        "can_edit": can_edit,
    }


@installer_view("orders.view_technician")
def technician(request: HttpRequest, technician_id: int) -> HttpResponse:
    """A technician: their details, certifications and the calendar of one week (htmx asks
    for the calendar alone when moving between weeks)."""
    found = _technician(request, technician_id)
    calendar = _calendar(found, week_start(request.GET.get("week"), timezone.localdate()))
    if is_htmx(request) and request.headers.get("HX-Target") == "calendar":
        return render(request, "workspace/technicians/_calendar.html", calendar)
    can_edit = request.user.has_perm("orders.change_technician")
    context = {**calendar, **_certifications(found, can_edit=can_edit)}
    return page(request, "workspace/technicians/technician.html", context, nav="technicians")


@installer_view("orders.change_technician")
def certification_new(request: HttpRequest, technician_id: int) -> HttpResponse:
    """Add a certification; htmx gets the technician's certifications again."""
    found = _technician(request, technician_id)
    form = CertificationForm(posted(request))
    if form.is_bound and form.is_valid():
        certification = certification_add(technician=found, **form.cleaned_data)
        if not is_htmx(request):
            messages.success(request, f"{certification.name} is recorded.")
            return redirect("workspace:technician", technician_id=found.pk)
        form = None
    context = _certifications(found, form)
    if is_htmx(request):
        # 200 even with errors: htmx swaps only successful answers, and the form shows them.
        return render(request, "workspace/technicians/_certifications.html", context)
    return page(
        request,
        "workspace/technicians/certification_form.html",
        context,
        nav="technicians",
        status=400 if form is not None and form.errors else 200,
    )


@installer_view("orders.change_technician")
def certification_remove_view(
    request: HttpRequest, technician_id: int, certification_id: int
) -> HttpResponse:
    """POST: remove a certification; htmx gets the technician's certifications again."""
    found = _technician(request, technician_id)
    certification = get_object_or_404(
        technician_certifications(technician=found, today=timezone.localdate()),
        pk=certification_id,
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    certification_remove(certification=certification)
    if is_htmx(request):
        return render(request, "workspace/technicians/_certifications.html", _certifications(found))
    messages.success(request, f"{certification.name} is removed.")
    return redirect("workspace:technician", technician_id=found.pk)
