"""Root URL conf for benchmarks: the product's URLs, a bare Django view returning a static ACK,
and two views that stop the ACK path part way.

Selected with DJANGO_ROOT_URLCONF=bench.urls. /bench/ack is the baseline: same gunicorn, same
middleware, same settings as /beckn/<action>, but no parsing, signature check, database or broker.
/bench/ack/signed/<action> parses the body and verifies its signature, then ACKs;
/bench/ack/checked/<action> also validates it (DRF serializers, layer 2): all the ACK path but the
database row and the broker message. Between them they show where the ACK path's cost lies.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from beckn.inbound.views import ACK_BODY, BecknActionView
from config.urls import urlpatterns as product_urlpatterns


@csrf_exempt
@require_POST
def bare_ack(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ACK_BODY, content_type="application/json")


class SignedAck(BecknActionView):
    """Parse and verify the signature, then ACK without validating, storing or publishing."""

    def _accept(self, action: str, raw: bytes, body: dict, request: HttpRequest) -> HttpResponse:
        self._authenticate(action, raw, body, request)
        return HttpResponse(ACK_BODY, content_type="application/json")


class CheckedAck(BecknActionView):
    """Parse, verify and validate, then ACK without storing or publishing."""

    def _accept(self, action: str, raw: bytes, body: dict, request: HttpRequest) -> HttpResponse:
        self._validate(action, body, self._authenticate(action, raw, body, request))
        return HttpResponse(ACK_BODY, content_type="application/json")


urlpatterns = [
    *product_urlpatterns,
    path("bench/ack", bare_ack, name="bench-ack"),
    path("bench/ack/signed/<str:action>", SignedAck.as_view(), name="bench-ack-signed"),
    path("bench/ack/checked/<str:action>", CheckedAck.as_view(), name="bench-ack-checked"),
]
