"""Guards of the delivery engine that no other test held (issue 24: each survived a one-line
mutation with the whole suite green)."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from beckn.delivery import engine
from beckn.models import OutboundMessage
from beckn.peers import CallbackServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def redirecting_to() -> Iterator[tuple[str, CallbackServer]]:
    """A BAP url answering every POST with a 302 to another host's callback server."""
    with CallbackServer() as elsewhere:

        class Redirect(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(302)
                self.send_header("Location", elsewhere.bap_uri + "/on_search")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/bap/on_search", elsewhere
        finally:
            server.shutdown()
            server.server_close()


def test_a_callback_never_follows_a_redirect(
    redirecting_to: tuple[str, CallbackServer],
) -> None:
    target_url, elsewhere = redirecting_to
    outbound = OutboundMessage.objects.create(
        action="on_search",
        bap_id="bap.test",
        target_url=target_url,
        transaction_id="t",
        message_id="m",
        payload={"context": {"action": "on_search"}, "message": {}},
    )

    engine.callback_deliver(outbound_id=outbound.pk)

    outbound.refresh_from_db()
    assert elsewhere.all == []
    assert (outbound.status, outbound.http_status) == (OutboundMessage.Status.DEAD, 302)
