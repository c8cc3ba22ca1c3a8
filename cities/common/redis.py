"""Django's Redis cache, with one Redis client per connection pool instead of one per call,
and a counter that lives a while, counted in one round trip (cities.common.cache.hits).

Django builds a new `redis.Redis` object for every cache operation, which costs more than
the round trip itself on a cached page. A client is only a thin, thread-safe handle on its
connection pool, so one per pool is kept and reused.
"""

from django.core.cache.backends import redis


class _Client(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return self._clients[index]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def incr_living(self, key, seconds: int) -> int:
        """Add one to the counter `key` and make it live `seconds`: one round trip."""
        key = self.make_and_validate_key(key)
        with self._cache.get_client(key, write=True).pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, seconds)
            return pipe.execute()[0]
