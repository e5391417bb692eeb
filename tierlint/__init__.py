"""tierlint: a linter for the epistemic tiers of concept pages."""

__version__ = "0.1.0"
