"""Output formats: small plugins registered through the ``tierlint_formats`` hook.

A format is a callable ``(report, stream) -> None`` that writes a
:class:`tierlint.engine.Report`. One whose output is a single document that must stay
parseable (JSON, XML) sets the attribute ``document = True``; ``check --statistics`` then
writes its counts to stderr instead of after the document.
"""
