"""The rules that make quote suggestions, each with its confidence: one table, one place.

Every ``QuoteSuggestion`` names the rule that made it (``rule``) and carries that rule's
``confidence``: how often its suggestions were right, span and speaker both, on the articles the
rules are tuned on (every article of tests/gold not in ``bench/quality.py``'s ``UNTUNED``, 01-101
now, and the seed article; ``bench/quality.py --rules`` prints the counts). A suggestion is
right when it matches a gold quote (the overlap rule of ``bench/quality.py``) and its speaker is
the gold one. The figure is smoothed as
(right + 1) / (made + 2) (Laplace's rule of succession), so a rule seen only a few times is not
taken for certain, and rounded to two places: "indirect.said-that" made 784 suggestions, 740
right, 0.94; "quote.marks.subject" made one, right, 0.67. These are tuned figures, higher than
unseen text will give (bench/README.md). Re-measure after changing a rule and update the table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    description: str
    confidence: float  # (right + 1) / (made + 2) on the tuned articles, see the module docstring


RULES: dict[str, Rule] = {
    # direct quotes: words inside quotation marks, attributed by ...
    "quote.marks.cue-after": Rule("a cue right after the quote: '...,\" X said'", 0.97),
    "quote.marks.cue-before": Rule("a cue before it in its sentence: 'X said: \"...'", 0.95),
    "quote.marks.previous": Rule("the quote before it in its paragraph", 0.98),
    "quote.marks.continued": Rule("the quote it runs on from, in the paragraph before", 0.98),
    "quote.marks.next-paragraph": Rule(
        "the speaker of the paragraph before, for a paragraph that opens with it", 0.94
    ),
    "quote.marks.after-reported": Rule(
        "the speaker of reported speech before it in its paragraph, for a sentence it opens", 0.90
    ),
    "quote.marks.said-colon": Rule("the paragraph before, which ends 'X said:'", 0.75),
    "quote.marks.subject": Rule("the subject of its sentence, someone the article named", 0.67),
    "quote.marks.naming": Rule("a verb that names it: 'called the offensive \"stalled\"'", 0.96),
    "quote.marks.short": Rule("one word quoted by a speaker found by the rules above", 0.98),
    "quote.marks.unattributed": Rule("four words or more in marks, no speaker found", 0.42),
    "quote.block": Rule("a paragraph without marks after one ending 'X said:'", 0.67),
    # reported speech and claims
    "claim.according-to": Rule("'According to X, ...' / '..., according to X'", 0.91),
    "claim.reportedly": Rule("'reportedly', 'allegedly': a claim without a source", 0.75),
    "claim.concerns-that": Rule("'concerns that ...': the concern of the last speaker", 0.67),
    "indirect.said-that": Rule("a reporting verb before what was said: 'X said (that) ...'", 0.94),
    "indirect.postposed": Rule("a reporting verb after it: '..., X said'", 0.93),
    "indirect.participle": Rule("', adding ...', 'with X saying ...'", 0.78),
    "indirect.request": Rule("'X called for ...', 'appealed for', 'demanded'", 0.60),
    "indirect.urge": Rule("'X urged Y to ...'", 0.84),
    "indirect.seen-by": Rule("'is seen by X as ...'", 0.67),
    "indirect.concerned": Rule("'X was concerned (that) ...'", 0.75),
    "indirect.decree": Rule("'signed a decree ruling out ...'", 0.67),
}


def confidence(rule: str) -> float:
    """The confidence of ``rule``; a rule missing from the table is a programming error."""
    return RULES[rule].confidence
