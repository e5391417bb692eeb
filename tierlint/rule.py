"""What a rule is, what it reports, and what it is given to look at.

A rule is a small plugin: its code, name, default severity, documentation (what it checks,
why, an example that fires and one that must not) and its ``check`` function live together,
so ``tierlint explain``, ``tierlint rules`` and the README's rule table all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from .claims import Claim
    from .config import Config
    from .page import Page
    from .project import Project


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check reports: a span of the file and a message."""

    code: str
    start: int
    end: int
    message: str
    severity: str | None = None  # None: the rule's (or the config's) severity
    tier: str | None = None


@dataclass(slots=True)
class Context:
    """One page, read and tiered, with what the rules may consult."""

    page: "Page"
    claims: list["Claim"]
    config: "Config"
    project: "Project"
    cache: dict[str, Any] = field(default_factory=dict)  # shared by the page's checks


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str  # one line: what it checks
    why: str  # why it matters, and how to fix what it reports
    fires: str  # an example page fragment where it fires
    passes: str  # a similar fragment where it must not fire
    check: Check
    default_enabled: bool = True  # False: runs only when selected by its exact code or name
    plugin: str = "tierlint"
    # False: the check reads the page and the repository, never ``ctx.claims``, so it may
    # run before the claims have their tiers (while spaCy still works on them elsewhere)
    needs_tiers: bool = True
