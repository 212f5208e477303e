"""`POST /payments/webhooks/<gateway>/`: the events of every gateway (Stripe's, the test
gateway's) come in here.

400 for a missing or bad signature or a body that is not an event (nothing changes); 404 for a
gateway not configured here; otherwise 200, also for a replay (no second effect) and for an
event we do not act on, so that the gateway stops sending it.
"""

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import services
from payments.errors import GatewayNotConfigured, WebhookRefused
from payments.gateways import gateway_get


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, gateway: str) -> JsonResponse:
    try:
        adapter = gateway_get(gateway)
    except GatewayNotConfigured as exc:
        raise Http404(str(exc)) from None
    try:
        event = adapter.event_parse(body=request.body, headers=request.headers)
    except WebhookRefused as exc:
        return JsonResponse({"received": False, "error": str(exc)}, status=400)
    kept = services.payment_event_take(gateway=adapter.name, event=event)
    return JsonResponse({"received": True, "acted_on": kept is not None})
