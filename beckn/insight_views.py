"""The network funnel of the installer workspace's insights page: what buyer apps did after a
search listed the installer. The insights page loads it with htmx; without JavaScript it is a page
of its own. Only beckn reads the Beckn message log."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from beckn.selectors import network_funnel
from catalog.tenancy import installer_view
from catalog.workspace import is_htmx, page
from orders.insight_views import INSIGHTS_PERMISSION, insight_period, period_weeks


@installer_view(INSIGHTS_PERMISSION)
def network_funnel_view(request: HttpRequest) -> HttpResponse:
    weeks = period_weeks(request)
    start, end = insight_period(weeks)
    funnel = network_funnel(provider=request.member.provider, start=start, end=end)
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
