"""Output formats: small plugins registered through the ``tierlint_formats`` hook."""
