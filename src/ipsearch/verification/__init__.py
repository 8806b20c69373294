"""Checking claimed quotes against the corpus (``ipsearch verify``, the MCP ``verify_quote``)."""

from ipsearch.verification.align import Difference
from ipsearch.verification.checker import STATUSES, QuoteCheck, QuoteChecker
from ipsearch.verification.draft import Quotation, extract, read_draft

__all__ = [
    "STATUSES",
    "Difference",
    "QuoteCheck",
    "QuoteChecker",
    "Quotation",
    "extract",
    "read_draft",
]
