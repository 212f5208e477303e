"""The limits of the Beckn endpoints (/beckn/*): body size, rates, freshness, and how long the
message log is kept (README "Security", "The Beckn endpoints")."""

from config.env import env

# The largest request body read, in bytes; a larger one is refused (413) before it is read.
BECKN_MAX_BODY_BYTES = env.int("BECKN_MAX_BODY_BYTES", default=1024 * 1024)
# The deepest nesting of objects and arrays a request may have.
BECKN_MAX_JSON_DEPTH = env.int("BECKN_MAX_JSON_DEPTH", default=32)

# Requests per window, per client IP address (every request) and per verified caller (bap_id,
# counted once its signature is verified); 0 turns a limit off. Over the limit: 429. The defaults
# (2000 a second) leave the benchmarks alone: set limits that fit your network in production.
BECKN_RATE_LIMIT_WINDOW_SECONDS = env.int("BECKN_RATE_LIMIT_WINDOW_SECONDS", default=60)
BECKN_RATE_LIMIT_PER_IP = env.int("BECKN_RATE_LIMIT_PER_IP", default=120_000)
BECKN_RATE_LIMIT_PER_CALLER = env.int("BECKN_RATE_LIMIT_PER_CALLER", default=120_000)
# Refused requests whose sender is not verified are logged as a short summary, at most this many
# per client IP address and window (the rest are refused without a trace).
BECKN_REJECTION_LOG_PER_IP = env.int("BECKN_REJECTION_LOG_PER_IP", default=60)
# The request header holding the client's address when a proxy you trust sets it (for example
# X-Real-IP); empty: the address of the connection (REMOTE_ADDR).
BECKN_CLIENT_IP_HEADER = env.str("BECKN_CLIENT_IP_HEADER", default="")

# Freshness: the longest context.ttl accepted, and the longest a signature may be valid
# (expires - created; ONDC's SDK signs for an hour), in seconds.
BECKN_MAX_TTL_SECONDS = env.int("BECKN_MAX_TTL_SECONDS", default=24 * 3600)
BECKN_MAX_SIGNATURE_SECONDS = env.int("BECKN_MAX_SIGNATURE_SECONDS", default=2 * 3600)

# How long the message log (requests and their callbacks) and the search listings are kept,
# in days; a callback not delivered yet, and the request it answers, are always kept.
BECKN_MESSAGE_LOG_RETENTION_DAYS = env.int("BECKN_MESSAGE_LOG_RETENTION_DAYS", default=30)
BECKN_SEARCH_LISTING_RETENTION_DAYS = env.int("BECKN_SEARCH_LISTING_RETENTION_DAYS", default=180)
BECKN_PRUNE_SECONDS = env.float("BECKN_PRUNE_SECONDS", default=3600.0)
