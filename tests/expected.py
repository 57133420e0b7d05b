"""What `extract` should report for a referral that was filled into a form: the referral
itself, with the codes of each multi field in the form's order (the order of its boxes),
which the form's spec gives, so no test keeps a copy of it."""

from __future__ import annotations

from typing import Any

from pipeline.model.referral import Kind, Referral
from pipeline.model.spec import fields


def as_extracted(referral: Referral) -> dict[str, Any]:
    data = referral.model_dump(mode="json")
    for f in fields():
        if f.kind is Kind.MULTI and f.group is None and isinstance(data.get(f.key), list):
            order = [code for code, _ in f.options]
            data[f.key] = sorted(data[f.key], key=order.index)
    return data
