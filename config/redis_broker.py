"""The Redis broker: kombu's Redis transport, with one client object per connection pool.

kombu builds a new `redis.Redis` object (and its table of some 170 response callbacks) for every
command it sends outside its event loop, that is for every task published: about a fifth of the
CPU time of a publish, paid on the ACK path of every Beckn request. A `redis.Redis` object holds
no connection of its own (its pool lends one per command), so each channel keeps one.
"""

from kombu.transport import redis


class Channel(redis.Channel):
    _sync_client: tuple[object, object] | None = None  # (pool, client)

    def _create_client(self, asynchronous: bool = False) -> object:
        if asynchronous:
            return super()._create_client(asynchronous=True)
        pool = self.pool
        cached = self._sync_client
        if cached is None or cached[0] is not pool:  # kombu replaces the pool on reconnection
            cached = self._sync_client = (pool, super()._create_client())
        return cached[1]


class Transport(redis.Transport):
    Channel = Channel
