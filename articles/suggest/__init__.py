"""Suggest quotes and claims with their speakers, and place mentions with their places.

Pure: plain values in, plain values out; no database, no Django models. The importer, the admin and
``bench/quality.py`` all call the two entry points::

    suggest_quotes(body, speakers=()) -> list[QuoteSuggestion]
    suggest_places(body, places=(), gazetteer=DEFAULT) -> list[PlaceSuggestion]

Offsets are Python string indices into ``body`` (the importer's normalised body), and every
suggestion's ``text == body[start:end]``.

Span conventions (those of ``fixtures/seed.json``):

* a direct quote covers the words between the quotation marks, without the marks and without the
  comma or full stop that closes it inside the marks; a quote that runs on to the next paragraph
  without a closing mark is cut at the paragraph's end; a paragraph of its own after "said:" with
  no marks at all is a direct quote too;
* reported speech and claims cover what was said, without the speaker, the reporting verb, "that"
  and time phrases set off by a comma ("..., on Friday");
* a one-word quotation inside reported speech stays part of it; a quotation of two words or more
  is suggested as a direct quote, and the reported speech around it is not suggested again;
* place mentions cover the name as written ("Kherson region", "Kiev", "Kakhovka dam"), or the
  noun of a phrase that stands for a place named before ("the city", "the regional capital").

How it works, in short: quotation marks are paired by their context, not their glyph (sources mix
straight and curly marks); the text inside quotes is masked so sentence splitting and cue search
never look inside them; each sentence's reporting cues ("said", "according to", "reportedly", ...)
yield reported speech, and each quote is attributed to the speaker next to its nearest cue, or to
the quote before it. Speakers are resolved within the article: a full name, later its surname, a
role ("the Kremlin spokesman"), a pronoun (the last person named), an organisation and its short
forms ("Russia's Defense Ministry" = "the Russian Defense Ministry" = "the ministry"). Unnamed
sources ("officials said", "a ministry official") give a suggestion without a speaker.

Places, in stages over one context (``places`` lists them): people's names are set aside
("Carla Lima", later "Lima"; "Georgia Smith"); known places (name and aliases, longest first,
whole words); countries under long official names ("the Republic of Türkiye"); capitalised words
looked up in the gazetteer (``articles.gazetteer``), choosing among places of one name by the
country the article is about (its dateline, else the country it names most), the other countries
it names and their neighbours, then population (``disambiguation``); a small or far place needs
more evidence; a word of an organisation's or outlet's name ("Kosovo Police", "Salween Post") is
no place. "X region" / "region of X" become a region, "X dam" a facility, named after the city X
(``shapes``); names the gazetteer lacks become regions, crossings, airports and rivers by the
words around them ("South Kivu province", "the Jarinje border crossing", "the Oskil River"),
placed near the article's cities, and later bare uses of those names follow (``features``).
"The city", "the province", "the airport" point at the place of that kind just named in the
paragraph, else the most mentioned so far (``anaphora``). Every place suggestion carries its
rule and that rule's measured confidence (``place_rules``).

Quotations in single marks at the top level (British style) are quotations too; an apostrophe
("group's", "the fighters' positions") is not a mark. Role nouns, short forms and pronouns mean
only speakers the article has named: a stored speaker's role is never borrowed. Every quote
suggestion names the rule that made it and carries that rule's measured confidence (``rules``).

Not handled: reported speech with no cue at all ("offered his readiness to talk"), pronoun
gender, places the gazetteer does not list and no surrounding word marks. Quality, measured
against hand annotations: ``bench/quality.py`` and ``bench/README.md``.

The stages, a module each: ``sentences`` (quotation marks, masking, sentences), ``entities`` and
``phrases`` (who is who; the noun phrases that name a speaker), ``names`` (people's names),
``claims`` (reported speech, a small function per rule), ``attribution`` (a quote's speaker,
a function per stage), ``rules`` (the quote rules' names and confidences), ``quotes`` (the quote
entry point), each quote stage reading one sentence through a ``sentences._Context``;
``places`` (the place entry point and its stages), ``disambiguation`` (choosing among places of
one name), ``shapes`` (regions and facilities named after a city), ``features`` (places the
gazetteer lacks), ``anaphora`` ("the city"), ``targets`` (mentions and the shared context),
``place_rules`` (the place rules' names and confidences); ``vocabulary`` and ``types`` beside
them.
"""

from .places import suggest_places
from .quotes import suggest_quotes
from .types import DEFAULT, KnownPlace, KnownSpeaker, PlaceSuggestion, QuoteSuggestion

__all__ = [
    "DEFAULT",
    "KnownPlace",
    "KnownSpeaker",
    "PlaceSuggestion",
    "QuoteSuggestion",
    "suggest_places",
    "suggest_quotes",
]
