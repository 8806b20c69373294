"""Retrieval: query strings → ranked sections and cited hits.

``searcher`` (Searcher, the coordinator), ``query`` (what a query string means), ``keyword``
(BM25F and Whoosh's searcher), ``fuse`` (rank fusion), ``snippets``, ``spelling``, ``terms``
(index terms for question answering), ``lookup`` (sections by file, line or title), ``dense``
(similarity to the section vectors). Nothing is imported here, so naming one module loads only
what it needs.
"""
