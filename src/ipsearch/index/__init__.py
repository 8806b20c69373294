"""The index: Whoosh (stored fields, postings, generations) with the BM25F matrix beside it.

Modules: ``store`` (IndexStore: reading, the lock, updates), ``generations`` (writing one and
swapping it in), ``indexdir`` (the folder on disk), ``freshness`` (is it in line with the
corpus), ``schema`` and ``analysis`` (Whoosh fields and analyzers), ``matrix`` and ``ranker``
(the BM25F matrix: built after commit, read at query time), ``parsepool`` (files → sections).
"""

# SnowballStemFilter must stay importable here: Whoosh pickled it into existing indexes as
# ``ipsearch.index.SnowballStemFilter``.
from ipsearch.index.analysis import STOPWORDS, SnowballStemFilter, text_analyzer
from ipsearch.index.freshness import RACY_NS, ensure_fresh, stderr_notify
from ipsearch.index.generations import SCHEMA_VERSION
from ipsearch.index.indexdir import DAMAGE_ERRORS, damaged
from ipsearch.index.schema import section_from_fields
from ipsearch.index.store import IndexStore

__all__ = [
    "DAMAGE_ERRORS",
    "RACY_NS",
    "SCHEMA_VERSION",
    "STOPWORDS",
    "IndexStore",
    "SnowballStemFilter",
    "damaged",
    "ensure_fresh",
    "section_from_fields",
    "stderr_notify",
    "text_analyzer",
]
