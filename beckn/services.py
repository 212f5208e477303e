"""Kept only for beckn/workspace.py, which imports `callback_retry` from here and is being moved
to the web/ package by another change: the writes that were here now live in beckn/inbound/
(the message log), beckn/delivery/engine.py (callback delivery) and beckn/links.py. Delete this
module once nothing imports it."""

from beckn.delivery.engine import callback_retry

__all__ = ["callback_retry"]
