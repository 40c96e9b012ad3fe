"""A cache of values computed from objects that are looked up by identity."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class ByIdentity:
    """Values computed from objects and looked up by identity, least recently used out first.

    The object is kept with its value, so its id cannot be reused while the entry lives.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, obj: object, extra: object, compute: Callable[[], Any]) -> Any:
        """The value for ``obj`` and ``extra``, computed by ``compute()`` on a miss."""
        key = (id(obj), extra)
        hit = self.items.get(key)
        if hit is not None and hit[0] is obj:
            self.items.move_to_end(key)
            return hit[1]
        value = compute()
        self.items[key] = (obj, value)
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value
