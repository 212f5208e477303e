"""The one mapping between Beckn messages and the domain, split by what it maps:

- `context`: the envelope (our answer's context, where it goes) and how a BAP appears in an
  order's timeline;
- `catalog`: a search intent to a catalog query, providers and items to on_search's catalog,
  and a provider's support contact;
- `xinput`: an item's document form (BECKN-007) and the submissions a confirm quotes;
- `order`: select/init/confirm orders to quotes and placements, and an order to its messages;
- `values`: the small values the others share (timestamps, durations, GPS points, decimals as
  text, tag groups), which the inbound serializers parse with too.

Shapes follow the DEG installation guide (shared/seed) field by field.
"""
