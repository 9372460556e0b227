"""Registry adapters: one module per primary source, on the contract of :mod:`.base`.

Importing this package registers the built-in adapters; :func:`.base.available` adds plugins.
"""

from __future__ import annotations

# Importing each built-in adapter module registers its adapter.
from credverify.adapters import (  # noqa: F401
    cn_gacc_credit,
    demo,
    eu_eos_aeo,
    eu_eos_eori,
    gb_bacp,
    gb_hcpc,
    gb_hmrc,
    jp_customs_aeo,
    us_cbp_ctpat,
    us_nppes,
    us_oig_leie,
    us_psypact,
)
from credverify.adapters.base import (
    Adapter,
    AdapterKind,
    Answer,
    Query,
    available,
    register,
)

__all__ = ["Adapter", "AdapterKind", "Answer", "Query", "available", "register"]
