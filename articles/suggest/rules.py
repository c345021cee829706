"""The rules that make quote suggestions, each with its confidence: one table, one place.

Every ``QuoteSuggestion`` names the rule that made it (``rule``) and carries that rule's
``confidence``: how often its suggestions were right, span and speaker both, on the articles the
rules are tuned on (tests/gold 01-21 and the seed; ``bench/quality.py --rules`` prints the
counts). A suggestion is right when it matches a gold quote and its speaker is the gold one. The
figure is smoothed as (right + 1) / (made + 2), so a rule seen a few times is not taken for
certain, and rounded to two places. Re-measure after changing a rule and update the table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    description: str
    confidence: float  # (right + 1) / (made + 2) on the tuned articles, see the module docstring


RULES: dict[str, Rule] = {
    # direct quotes: words inside quotation marks, attributed by ...
    "quote.marks.cue-after": Rule("a cue right after the quote: '...,\" X said'", 0.99),
    "quote.marks.cue-before": Rule("a cue before it in its sentence: 'X said: \"...'", 0.97),
    "quote.marks.previous": Rule("the quote before it in its paragraph", 0.97),
    "quote.marks.continued": Rule("the quote it runs on from, in the paragraph before", 0.9),
    "quote.marks.said-colon": Rule("the paragraph before, which ends 'X said:'", 0.9),
    "quote.marks.subject": Rule("the subject of its sentence, someone the article named", 0.9),
    "quote.marks.naming": Rule("a verb that names it: 'called the offensive \"stalled\"'", 0.9),
    "quote.marks.short": Rule("one word quoted by a speaker found by the rules above", 0.9),
    "quote.marks.unattributed": Rule("four words or more in marks, no speaker found", 0.8),
    "quote.block": Rule("a paragraph without marks after one ending 'X said:'", 0.75),
    # reported speech and claims
    "claim.according-to": Rule("'According to X, ...' / '..., according to X'", 0.95),
    "claim.reportedly": Rule("'reportedly', 'allegedly': a claim without a source", 0.9),
    "claim.concerns-that": Rule("'concerns that ...': the concern of the last speaker", 0.75),
    "indirect.said-that": Rule("a reporting verb before what was said: 'X said (that) ...'", 0.95),
    "indirect.postposed": Rule("a reporting verb after it: '..., X said'", 0.95),
    "indirect.participle": Rule("', adding ...', 'with X saying ...'", 0.9),
    "indirect.request": Rule("'X called for ...', 'appealed for', 'demanded'", 0.9),
    "indirect.urge": Rule("'X urged Y to ...'", 0.9),
    "indirect.seen-by": Rule("'is seen by X as ...'", 0.75),
    "indirect.concerned": Rule("'X was concerned (that) ...'", 0.75),
    "indirect.decree": Rule("'signed a decree ruling out ...'", 0.75),
}


def confidence(rule: str) -> float:
    """The confidence of ``rule``; a rule missing from the table is a programming error."""
    return RULES[rule].confidence
