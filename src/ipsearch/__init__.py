"""ipsearch: search policy documents and answer questions with passages a reader can check."""

__version__ = "0.1.0"
