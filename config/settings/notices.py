"""E-mails to homeowners (notices/)."""

from config.env import env
from config.settings.celery import CELERY_BEAT_SCHEDULE

# Orders placed by a buyer app: the app owns that relationship, so no e-mail unless turned on.
NOTIFY_NETWORK_ORDERS = env.bool("NOTIFY_NETWORK_ORDERS", default=False)
# How often the reminders of tomorrow's appointments are looked for (each is sent once).
NOTICES_REMINDER_SWEEP_SECONDS = env.int("NOTICES_REMINDER_SWEEP_SECONDS", default=900)

CELERY_BEAT_SCHEDULE["notices-reminders"] = {
    "task": "notices.tasks.appointment_reminders_queue",
    "schedule": NOTICES_REMINDER_SWEEP_SECONDS,
}
