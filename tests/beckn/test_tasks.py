"""A message in the broker names its task: the tasks keep their names wherever they are defined."""

from beckn import tasks
from beckn.delivery import engine
from config.celery import app


def test_the_worker_finds_every_task_under_the_name_its_messages_carry() -> None:
    app.loader.import_default_modules()  # what the worker imports at start
    named = {
        "beckn.tasks.deliver_callback": engine.deliver_callback,
        "beckn.tasks.outbox_sweep": tasks.outbox_sweep,
        "beckn.tasks.subscribe_key": tasks.subscribe_key,
        "beckn.tasks.prune_message_log": tasks.prune_message_log,
    }
    for name, task in named.items():
        assert task.name == name
        assert app.tasks[name].run is task.run
