"""The built-in checks: one module per family of rules, each registered through the same
pluggy hook an external plugin uses (``tierlint_rules``)."""
