"""Root URL conf for benchmarks: the product's URLs plus a bare Django view returning a static ACK.

Selected with DJANGO_ROOT_URLCONF=bench.urls. /bench/ack is the baseline: same gunicorn, same
middleware, same settings as /beckn/<action>, but no parsing, signature check, database or broker.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as product_urlpatterns

ACK = {"message": {"ack": {"status": "ACK"}}}


@csrf_exempt
@require_POST
def bare_ack(request: HttpRequest) -> JsonResponse:
    return JsonResponse(ACK)


urlpatterns = [*product_urlpatterns, path("bench/ack", bare_ack, name="bench-ack")]
