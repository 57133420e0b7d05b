"""A digital signature on a referral as read and checked (issue 12).

The model only: the checking is `pipeline.read.signatures`. Kept here so that the
register, the views and the documents can carry signatures without loading any
cryptography library.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class SignatureInfo(BaseModel):
    """One signature as `plr extract --json` reports it under `source.signatures`."""

    signer: str | None = None  # "MARI MAASIKAS", as the certificate spells it
    id_code: str | None = None  # the isikukood from the certificate's serial number
    signed_at: dt.datetime | None = None  # timezone-aware
    valid: bool = False  # the signature matches exactly these bytes
    trusted: bool = False  # the certificate chains to a trusted authority
    reason: str | None = None  # plain Estonian why not valid or trusted; None when both hold
    kind: str = "xades"  # "xades" (ASiC-E container) | "pades" (PDF)

    @property
    def ok(self) -> bool:
        return self.valid and self.trusted
