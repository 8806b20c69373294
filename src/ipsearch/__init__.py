"""ipsearch: search policy documents and answer questions with passages a reader can check."""

# Import shims for Whoosh must be in place before any module imports Whoosh; the package's own
# __init__ runs first, whichever submodule is imported.
from ipsearch import _whoosh  # noqa: F401

__version__ = "0.1.0"
