"""Registry adapters: one module per primary source, on the contract of :mod:`.base`.

Importing this package registers the built-in adapters; :func:`.base.available` adds plugins.
"""

from __future__ import annotations

from credverify.adapters import eu_eos_aeo, eu_eos_eori, gb_hmrc, us_nppes
from credverify.adapters.base import (
    Adapter,
    AdapterKind,
    Answer,
    Query,
    available,
    register,
)

__all__ = ["Adapter", "AdapterKind", "Answer", "Query", "available", "register"]

BUILTIN_MODULES = (eu_eos_aeo, eu_eos_eori, gb_hmrc, us_nppes)
