"""Output: human (ripgrep-like, colour only when asked or on a terminal), JSON, Markdown.

The library returns dataclasses; everything about how they look lives here: ``style`` (colours),
``places`` (how a file, page and line range print), ``human``, ``json`` and ``markdown``.
Import the module you need (``from ipsearch.render.json import search_json``) so that a command
loads only its own renderer.
"""
