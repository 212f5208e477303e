"""Money and moments as people read them: `{{ order.total|money:order.currency }}` ($28,500.00
for USD, in the current language's way), `{{ moment|in_zone:order.site_time_zone }}` (Mon 7 Dec
2026, 10:00 PST: in the zone of the place, with its abbreviation)."""

from datetime import datetime

from django import template

from catalog import formatting, zones

register = template.Library()
register.filter("money", formatting.money)


@register.filter
def in_zone(moment: datetime | None, zone_name: str) -> str:
    return zones.moment_in_words(moment, zone_name) if moment else ""
