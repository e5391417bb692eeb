"""The spaCy pipeline: blank English plus tierlint's own components, built once per process.

spaCy costs about 0.6 s to import, so nothing imports it until a page really has to be
read: ``--help``, ``--version``, ``rules``, ``explain`` and fully cached runs never do.
"""

from __future__ import annotations

from typing import Any, Iterator

_NLP: Any = None


def pipeline() -> Any:
    """The shared ``Language``: tokenizer, ``tierlint_cues`` (tier wording cues, with
    negation) and ``tierlint_clinical`` (clinical wording and health promises)."""
    global _NLP
    if _NLP is None:
        import spacy

        from . import clinical, tiers

        nlp = spacy.blank("en")
        tiers.register_component()
        clinical.register_component()
        nlp.add_pipe("tierlint_cues")
        nlp.add_pipe("tierlint_clinical")
        _NLP = nlp
    return _NLP


def make_docs(texts: list[str]) -> Iterator[Any]:
    """Run the pipeline over many texts, a batch at a time (a generator: keep what the
    components found, not the Docs). Each Doc keeps its text in ``user_data`` (see
    :func:`doc_text`): spaCy rebuilds ``doc.text`` from its tokens at every call."""
    nlp = pipeline()

    def made() -> Iterator[Any]:
        for text in texts:
            doc = nlp.make_doc(text)
            doc.user_data[TEXT] = text
            yield doc

    return nlp.pipe(made(), batch_size=256)


TEXT = "tierlint.text"


def doc_text(doc: Any) -> str:
    """The text of a Doc, without rebuilding it from the tokens when it is known."""
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text
    return text
