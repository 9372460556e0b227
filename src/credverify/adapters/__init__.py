"""Registry adapters: one module per primary source, on the contract of :mod:`.base`.

Built-in adapter modules are imported on first use (:data:`.base.BUILTIN_MODULES`);
:func:`.base.available` imports them all and adds plugins.
"""

from __future__ import annotations

from credverify.adapters.base import (
    Adapter,
    AdapterKind,
    Answer,
    Query,
    available,
    register,
)

__all__ = ["Adapter", "AdapterKind", "Answer", "Query", "available", "register"]
