"""What buyer apps did, in the installer workspace, read from the Beckn message log through
beckn.selectors (only beckn reads that log):

- the callback log of an order: every message owed to the buyer app that placed it, its
  delivery attempts and last error, and a retry for one given up on. Scoped like every
  workspace page: the order must be one of the member's (404 otherwise), and only those who
  run the orders (owner, dispatcher) see it;
- the network funnel of the insights page: what buyer apps did after a search listed the
  installer. The insights page loads it with htmx; without JavaScript it is a page of its own.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from beckn import selectors
from beckn.delivery.engine import callback_retry
from catalog.models import ProviderMember
from orders.models import Order
from orders.selectors import member_order
from web.frame import is_htmx, page
from web.workspace.insights import INSIGHTS_PERMISSION, insight_period, period_weeks
from web.workspace.tenancy import installer_view


def _render_log(
    request: HttpRequest, order: Order, notice: str = "", error: str = ""
) -> HttpResponse:
    callbacks = list(selectors.order_callbacks(order)[: selectors.ORDER_CALLBACKS_SHOWN])
    context = {
        "order": order,
        "link": selectors.order_link(order),
        "callbacks": callbacks,
        "notice": notice,
        "error": error,
    }
    if is_htmx(request):
        return render(request, "workspace/orders/_callbacks.html", context)
    return page(request, "workspace/order_callbacks.html", context, nav="board")


def _check_role(request: HttpRequest) -> None:
    if request.member.role == ProviderMember.Role.TECHNICIAN:  # type: ignore[attr-defined]
        raise PermissionDenied


@installer_view("orders.view_order")
def order_callbacks(request: HttpRequest, pk: int) -> HttpResponse:
    """The log, as a partial the order's page loads (and reloads after each change)."""
    order = member_order(member=request.member, order_id=pk)  # type: ignore[attr-defined]
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    _check_role(request)
    return _render_log(request, order)


@installer_view("orders.change_order")
def order_callback_retry(request: HttpRequest, pk: int, message_id: int) -> HttpResponse:
    """Give a dead callback a new round of attempts."""
    order = member_order(member=request.member, order_id=pk)  # type: ignore[attr-defined]
    callback = get_object_or_404(selectors.order_callbacks(order), pk=message_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _check_role(request)
    if callback_retry(outbound_id=callback.pk):
        notice, error = f"The {callback.action} callback is queued again.", ""
    else:
        notice = ""
        error = f"The {callback.action} callback is {callback.get_status_display().lower()}: "
        error += "only one given up on can be retried."
    if is_htmx(request):
        return _render_log(request, order, notice=notice, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("workspace:order", pk=pk)


# --- The network funnel (the insights page) ------------------------------------------------------


@installer_view(INSIGHTS_PERMISSION)
def network_funnel_view(request: HttpRequest) -> HttpResponse:
    weeks = period_weeks(request)
    start, end = insight_period(weeks)
    funnel = selectors.network_funnel(provider=request.member.provider, start=start, end=end)
    chart = {
        "type": "bar",
        "labels": ["Listed in a search", "Selected", "Confirmed"],
        "datasets": [
            {"label": "Transactions", "data": [funnel.searched, funnel.selected, funnel.confirmed]}
        ],
        "y_title": "Buyer-app transactions",
    }
    context = {"funnel": funnel, "funnel_chart": chart, "weeks": weeks}
    if is_htmx(request):
        return render(request, "workspace/insights/_network_funnel.html", context)
    return page(request, "workspace/insights/network_funnel.html", context, nav="insights")
