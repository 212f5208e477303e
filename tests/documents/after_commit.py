"""Running the documents tasks that a change queues after it commits, in a test that rolls back:
the block's on_commit callbacks run at its end (as django_capture_on_commit_callbacks(execute=True)
does), their task.delay() is recorded instead of published, and the tasks then run here, as the
worker would run them (calling a task runs it in this process; no eager mode)."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

from django.test import TestCase

from documents import tasks

TASKS = (tasks.order_documents_issue, tasks.invoice_refresh)


class Queued(list[tuple[Any, tuple[Any, ...]]]):
    """The (task, args) queued, in order."""

    def names(self) -> list[tuple[str, tuple[Any, ...]]]:
        return [(task.name, args) for task, args in self]


@contextmanager
def queued_after_commit() -> Iterator[Queued]:
    """The documents tasks the block's on_commit callbacks queue, recorded, not run."""
    queued = Queued()
    with ExitStack() as stack:
        for task in TASKS:
            stack.enter_context(
                mock.patch.object(
                    task, "delay", lambda *args, task=task: queued.append((task, args))
                )
            )
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield queued


@contextmanager
def run_after_commit() -> Iterator[Queued]:
    """The block as if it committed, then the documents tasks it queued, run."""
    with queued_after_commit() as queued:
        yield queued
    for task, args in queued:
        task(*args)
