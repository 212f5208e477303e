"""Catalog writes that touch an installer's rating figures: the catalog import and the admin write
rating_value/rating_count as the installer's baseline (ratings earned elsewhere). These receivers
keep that meaning without the catalog knowing of ratings: the written figures become the baseline,
and the published figures are recomputed with the ratings received here.

Saves of our own (QuerySet.update in ratings.services) send no signals; neither do bulk_create
and loaddata's raw saves, whose figures are taken as the baseline at the first rating.
"""

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from catalog.models import Provider
from ratings import services

FIGURES = set(services.RATING_FIGURES)


def _touches_figures(update_fields: Any) -> bool:
    return update_fields is None or bool(FIGURES & set(update_fields))


@receiver(pre_save, sender=Provider, dispatch_uid="ratings.provider_baseline_capture")
def provider_baseline_capture(
    sender: type[Provider], instance: Provider, raw: bool, update_fields: Any, **kwargs: Any
) -> None:
    if raw or not _touches_figures(update_fields):
        return
    instance._ratings_baseline = services.provider_baseline_capture(provider=instance)


@receiver(post_save, sender=Provider, dispatch_uid="ratings.provider_reputation_sync")
def provider_reputation_sync(
    sender: type[Provider], instance: Provider, raw: bool, **kwargs: Any
) -> None:
    baseline = instance.__dict__.pop("_ratings_baseline", None)
    if raw or baseline is None:
        return
    services.provider_reputation_sync(provider=instance, baseline=baseline)
