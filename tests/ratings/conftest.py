"""Fixtures of the ratings tests; the Beckn ones check every callback against the specification
like the Beckn tests do."""

from tests.beckn.conftest import callback_server, core_spec_checked

__all__ = ["callback_server", "core_spec_checked"]
