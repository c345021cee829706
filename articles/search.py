"""One search interface for the reader pages.

On PostgreSQL: full-text search over a stored, GIN-indexed vector (headline, dek, body, and the
names of the speakers and places annotated in the article), ``websearch`` query syntax, ranking
and stemming, snippets around the words whose stems the query asks for (PostgreSQL's own
lexemes); fuzzy speaker and place names through pg_trgm. On SQLite: case-insensitive substring
matching of every word over the same fields, newest first.

Snippets are built from escaped text either way: matches are marked with two private-use
characters, and ``marked_html`` escapes everything and turns only those into ``<mark>``.
"""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import snowballstemmer
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection as default_connection
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import pagecache
from .models import Article, ArticleSpeaker, Place, PlaceMention, Quote, Speaker, shown_sql

CONFIG = "english"
START, STOP = "\ue000", "\ue001"
SNIPPET_CHARS = 240
# Word similarity: a typo in a name scores ~0.7 (Peskow/Peskov); unrelated words sharing a
# prefix score ~0.4 (Milley/military), which made searches match the wrong speakers.
TRIGRAM_THRESHOLD = 0.6
# Newest first, undated last on every database; on PostgreSQL a partial index of published
# articles in exactly this order (migration 0007) serves the list and the search window.
NEWEST_FIRST = (F("published_on").desc(nulls_last=True), "-created_at", "-pk")
# A search ranks the newest matching articles, at most this many. Ranking every match of a common
# word ("said": nearly every article) reads every match's vector; the newest few hundred are found
# by walking the index above and stop there, whatever the size of the archive.
SEARCH_WINDOW = 200
# Where newest_window looks first: among the newest N published articles, N from this ladder.
RECENT_STEPS = (3_000, 4_500, 7_000, 10_000, 15_000, 23_000, 35_000, 50_000, 75_000)
FLOORS_SECONDS = 600


# Control characters (C0, DEL, C1): PostgreSQL refuses NUL in text, and none belongs in a search.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
YEAR = re.compile(r"[1-9][0-9]{3}")  # ASCII digits only: str.isdigit() also takes "²"
MAX_PARAM_CHARS = 200
MAX_QUERY_CHARS = 200
RAW_QUERY_CHARS = 2_000  # read before runs are collapsed: a URL holds no more anyway
MAX_QUERY_TERMS = 32
# websearch_to_tsquery keeps consecutive negations on a stack of 32 and fails past it ("tsquery
# stack too small"); it reads "-" as a negation however many spaces or operator characters
# (!&|()<) lie between. A run of them, with anything but a word between, means one negation.
NEGATIONS = re.compile(r"-(?:\W*-)+")
ORS = re.compile(r"\bor(?:\s+or)+\b", re.IGNORECASE)


def text_param(query, name: str, limit: int = MAX_PARAM_CHARS) -> str:
    """A query-string parameter as text: control characters removed, at most ``limit`` long."""
    return CONTROL.sub("", str(query.get(name, "")))[:limit]


def parse_year(value: str) -> int | None:
    return int(value) if YEAR.fullmatch(value) else None


ISO_DATE = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}")  # ASCII digits only, as YEAR


def parse_date(value: str) -> datetime.date | None:
    """An ISO date (``2022-11-11``, what ``<input type="date">`` sends), or None."""
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:  # 2022-02-30
        return None


def bounded_query(raw: str) -> str:
    """The search query as websearch_to_tsquery can always parse it: control characters and
    white space one space, a run of negations or of ``or``s one, at most MAX_QUERY_TERMS terms
    and MAX_QUERY_CHARS."""
    q = ORS.sub("or", NEGATIONS.sub("-", CONTROL.sub(" ", raw)))
    return " ".join(q.split()[:MAX_QUERY_TERMS])[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class Filters:
    """What the reader asked for: the query and the filters that combine with it."""

    q: str = ""
    speaker: str = ""  # slug
    place: str = ""  # slug
    kind: str = ""  # Quote.Kind
    author: str = ""  # slug
    year: int | None = None
    outlet: str = ""  # slug or domain
    date_from: datetime.date | None = None  # published on or after (``from``)
    date_to: datetime.date | None = None  # published on or before (``to``)

    @classmethod
    def from_query(cls, query) -> "Filters":
        """The filters a query string asks for; whatever it holds, never an error."""
        kind = text_param(query, "kind")
        return cls(
            q=bounded_query(str(query.get("q", ""))[:RAW_QUERY_CHARS]),
            speaker=text_param(query, "speaker"),
            place=text_param(query, "place"),
            kind=kind if kind in Quote.Kind.values else "",
            author=text_param(query, "author"),
            year=parse_year(text_param(query, "year")),
            outlet=text_param(query, "outlet").strip().lower().removeprefix("www."),
            date_from=parse_date(text_param(query, "from")),
            date_to=parse_date(text_param(query, "to")),
        )

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.speaker
            or self.place
            or self.kind
            or self.author
            or self.year
            or self.outlet
            or self.date_from
            or self.date_to
        )


@dataclass
class Results:
    articles: Any  # published articles: a queryset, or Ranked when q is given
    speakers: list = field(default_factory=list)  # speakers whose names match q
    places: list = field(default_factory=list)  # places whose names match q
    more: bool = False  # more articles match than SEARCH_WINDOW: the newest of them are ranked
    lexemes: set[str] | None = None  # what the snippets mark, on PostgreSQL


def is_postgres(connection=None) -> bool:
    return (connection or default_connection).vendor == "postgresql"


def names(name: str) -> set[str]:
    return set(name.casefold().split())


def words(q: str) -> list[str]:
    """The words of a query, for the SQLite fallback: quotes and operators dropped."""
    return [w for w in re.findall(r"[\w’'-]+", q) if w.lower() not in {"or", "and"}][:10]


def marked_html(raw: str) -> SafeString:
    """Escape ``raw``; only START…STOP pairs become ``<mark>``, so the HTML is always balanced."""
    pieces = raw.split(START)
    out: list[str] = [escape(pieces[0].replace(STOP, ""))]
    for piece in pieces[1:]:
        matched, stop, rest = piece.partition(STOP)
        if stop:
            out.append(f"<mark>{escape(matched)}</mark>{escape(rest.replace(STOP, ''))}")
        else:
            out.append(escape(matched))
    return mark_safe("".join(out))


def python_snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the first match of any term (as a substring, any case), the
    matches between START and STOP. The SQLite fallback's snippet."""
    text = text.replace(START, "").replace(STOP, "")
    if not terms:
        return text[:width]
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return _window(text, [m.span() for m in pattern.finditer(text)], width)


@functools.cache
def _english():
    return snowballstemmer.stemmer("english")  # PostgreSQL's english_stem: Snowball's Porter2


def stemmed_snippet(text: str, lexemes: set[str], width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the first word whose English stem is one of ``lexemes`` (as
    PostgreSQL's ``english`` configuration stems them), every such word between START and STOP.

    What ``ts_headline`` does, at a tenth of its cost: it parses the whole body in the database
    for every result. Only words that begin like a lexeme are stemmed (a Porter2 stem keeps all
    but at most its last letter of the word: cities -> citi, dying -> die)."""
    text = text.replace(START, "").replace(STOP, "")
    if not lexemes:
        return text[:width]
    candidates = _candidates(frozenset(lexemes))
    spans = [m.span() for m in candidates.finditer(text) if stem(m[0].lower()) in lexemes]
    return _window(text, spans, width)


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Porter2 stem of a lower-case word, as PostgreSQL's english_stem makes it."""
    return _english().stemWord(word)


@functools.lru_cache(maxsize=256)
def _candidates(lexemes: frozenset[str]) -> re.Pattern:
    """Whole words that begin like one of ``lexemes``: the only ones worth stemming."""
    prefixes = sorted({lexeme[:-1] or lexeme for lexeme in lexemes}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, prefixes)) + r")\w*", re.IGNORECASE)


def _window(text: str, spans: list[tuple[int, int]], width: int) -> str:
    begin = max(0, (spans[0][0] if spans else 0) - width // 3)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 20 else begin
    end = begin + width
    out, at = [], begin
    for start, stop in spans:
        if start < at or stop > end:
            continue
        out += [text[at:start], START, text[start:stop], STOP]
        at = stop
    out.append(text[at:end])
    return ("…" if begin else "") + "".join(out) + ("…" if end < len(text) else "")


NEGATED = re.compile(r"!\s*(\([^()]*\)|'(?:[^']|'')*')")
LEXEME = re.compile(r"'((?:[^']|'')*)'")


def positive_lexemes(tsquery: str) -> set[str]:
    """The lexemes a tsquery's text asks for, not those it excludes (``!'gaza'``)."""
    return {lexeme.replace("''", "'") for lexeme in LEXEME.findall(NEGATED.sub("", tsquery))}


def query_lexemes(q: str, names) -> set[str]:
    """The lexemes of the query and of the names joined to it, from PostgreSQL's own parser."""
    with default_connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery(%s::regconfig, %s)::text || ' ' || "
            "coalesce(string_agg(phraseto_tsquery(%s::regconfig, n)::text, ' '), '') "
            "FROM unnest(%s::text[]) AS n",
            [CONFIG, q, CONFIG, list(names)],
        )
        return positive_lexemes(cursor.fetchone()[0])


def public_speakers():
    """Speakers readers may see: those of a reader-visible quote (the count the operations
    keep from ``Quote.objects.visible()``)."""
    return Speaker.objects.filter(n_quotes__gt=0)


def public_places():
    """Places readers may see: those of a reader-visible mention, or of a visible quote."""
    return Place.objects.filter(Q(n_mentions__gt=0) | Q(n_quotes__gt=0))


def filter_articles(articles, filters: Filters, *, drafts: bool = False):
    """Apply the filters (not the query); a speaker and a kind together mean the same quote.

    A speaker alone is looked up in the kept ``ArticleSpeaker`` rows (an index probe an article,
    where its quotes would each be read), which hold the reader-visible quotes of published
    articles: callers whose ``articles`` may include unpublished ones say so with ``drafts``,
    and their quotes are read instead."""
    if filters.speaker and not filters.kind and not drafts:
        speaker = Speaker.objects.filter(slug=filters.speaker).values("pk")
        kept = ArticleSpeaker.objects.filter(article=OuterRef("pk"), speaker=Subquery(speaker))
        articles = articles.filter(Exists(kept))
    elif filters.speaker or filters.kind:
        quotes = Quote.objects.shown().filter(article=OuterRef("pk"))
        if filters.speaker:
            quotes = quotes.filter(speaker__slug=filters.speaker)
        if filters.kind:
            quotes = quotes.filter(kind=filters.kind)
        articles = articles.filter(Exists(quotes))
    if filters.place:
        mentions = PlaceMention.objects.shown().filter(
            article=OuterRef("pk"), place__slug=filters.place
        )
        about = Quote.objects.shown().filter(article=OuterRef("pk"), places__slug=filters.place)
        articles = articles.filter(Exists(mentions) | Exists(about))
    if filters.author:
        articles = articles.filter(author__slug=filters.author)
    if filters.year:
        articles = articles.filter(published_on__year=filters.year)
    if filters.date_from:
        articles = articles.filter(published_on__gte=filters.date_from)
    if filters.date_to:
        articles = articles.filter(published_on__lte=filters.date_to)
    if filters.outlet:
        outlet = filters.outlet
        articles = articles.filter(Q(outlet__slug=outlet) | Q(outlet__domain=outlet))
    return articles


def search(articles, filters: Filters) -> Results:
    """Published ``articles`` matching ``filters``, best first, with snippets and matching names.

    What a search found (the keys of its window of articles, the names that match, the words
    to mark) is kept in the cache under the lists' generation, which any change readers can see
    retires (``Change.apply``): asking again, or for the next page, costs no search."""
    articles = filter_articles(articles.published(), filters)
    if not filters.q:
        return Results(articles.order_by(*NEWEST_FIRST))
    generation = pagecache.generation(pagecache.LISTS)
    key = (
        "search:" + hashlib.blake2b(repr((generation, SEARCH_WINDOW, filters)).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        find = _search_postgres if is_postgres() else _search_sqlite
        found = find(articles, filters.q)
        cache.set(key, found, settings.SEARCH_RESULTS_SECONDS)
    window, speakers, places, more, lexemes = found
    return Results(Ranked(articles, window), speakers, places, more, lexemes)


def _search_postgres(articles, q):
    query, speakers, places, joined = _postgres_query(q)
    window, more = newest_window(
        articles.filter(search_vector=query), rank=SearchRank(F("search_vector"), query)
    )
    lexemes = query_lexemes(q, joined) if window else set()
    return window, speakers, places, more, lexemes


def _postgres_query(q):
    """The full-text query for ``q`` (with the names it closely spells joined), the speakers and
    places whose names match it, and the names joined."""
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    speakers = list(
        public_speakers()
        .annotate(similarity=TrigramWordSimilarity(q, "name"))
        .filter(similarity__gte=TRIGRAM_THRESHOLD)
        .order_by("-similarity", "name")[:5]
    )
    places = list(
        public_places()
        .annotate(similarity=TrigramWordSimilarity(q, "name"))
        .filter(similarity__gte=TRIGRAM_THRESHOLD)
        .order_by("-similarity", "name")[:5]
    )
    # A misspelt name ("Peskow") still finds the articles that quote the speaker: the vector
    # holds the names of the speakers and places annotated in each article, so the names the
    # trigram match found join the query, and the GIN index answers all of it.
    # Only the closest names join (all of them when several are as close: "Kovalenco" may be any
    # Kovalenko), so a name typed right does not bring in its namesakes; and not a name the query
    # already spells out (every word of a plain query in it), which would find nothing more and
    # cost a phrase recheck of every candidate's vector.
    plain = set(q.casefold().split()) if re.fullmatch(r"[\w\s’'-]+", q) else None
    closest = max((e.similarity for e in speakers + places), default=0) - 1e-6
    joined = {
        e.name
        for e in speakers + places
        if e.similarity >= closest and not (plain and plain <= names(e.name))
    }
    for name in joined:
        query |= SearchQuery(name, search_type="phrase", config=CONFIG)
    return query, speakers, places, joined


def matching(articles, q: str):
    """Every one of ``articles`` that the search ``q`` finds, not only the newest window of
    them: what an export of a search holds."""
    if not q:
        return articles
    if is_postgres():
        return articles.filter(search_vector=_postgres_query(q)[0])
    return _sqlite_matches(articles, words(q))


class Ranked:
    """Articles in an order already known (their keys), fetched a page at a time: what a
    Paginator needs, a length and slices, without a COUNT or a sort in the database."""

    def __init__(self, articles, ids: list[int]):
        self.articles, self.ids = articles, ids

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, page: slice):
        ids = self.ids[page]
        found = self.articles.in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]


def newest_window(matching, rank=None) -> tuple[list[int], bool]:
    """The keys of the newest SEARCH_WINDOW ``matching`` articles, best ``rank`` first (newest
    first among equals, and without a rank), and whether more articles match.

    Looked for among the newest few thousand published articles first, then as far back as the
    matches found there say a window needs, then among all. Either way of finding the newest
    matches in one query reads too much for a word in a few percent of the articles: walking
    the articles newest first tests thousands of vectors, and taking every match from the GIN
    index fetches thousands of rows to sort them. Restricted to recent dates, the index match is
    intersected with the date index before any row is read. Any floor gives the right answer:
    every article on or after it is newer than every article before it, so once the recent ones
    hold more than a window of matches, they hold the window.
    """

    def newest(articles):
        rows = articles.order_by(*NEWEST_FIRST)
        rows = rows.values_list("pk", rank) if rank is not None else rows.values_list("pk")
        return list(rows[: SEARCH_WINDOW + 1])

    floors, rows = recent_floors(), None
    while floors:
        step, floor = floors[0]
        found = newest(matching.filter(published_on__gte=floor))
        if len(found) > SEARCH_WINDOW:
            rows = found
            break
        # At the rate seen among the newest `step` articles, a window lies this far back.
        reach = step * (SEARCH_WINDOW + 1) * 1.25 / len(found) if found else float("inf")
        floors = [(s, f) for s, f in floors[1:] if s >= reach]
    if rows is None:
        rows = newest(matching)
    window = rows[:SEARCH_WINDOW]
    if rank is not None:
        window.sort(key=lambda row: -row[1])  # stable: newest first among equal ranks
    return [row[0] for row in window], len(rows) > SEARCH_WINDOW


def recent_floors() -> list[tuple[int, object]]:
    """(n, publication date of the n-th newest published article) for each n of RECENT_STEPS
    that there are; cached, since any floor is correct and only its speed depends on it."""
    floors = cache.get("search-floors")
    if floors is None:
        dates = (
            Article.objects.published()
            .order_by(*NEWEST_FIRST)
            .values_list("published_on", flat=True)
        )
        floors = []
        for step in RECENT_STEPS:
            found = list(dates[step : step + 1])
            if found and found[0] is not None and found[0] not in [f for _, f in floors]:
                floors.append((step, found[0]))
        cache.set("search-floors", floors, FLOORS_SECONDS)
    return floors


def _search_sqlite(articles, q):
    terms = words(q)
    articles = _sqlite_matches(articles, terms)
    name_match = Q()
    for term in terms:
        name_match &= Q(name__icontains=term) | Q(aliases__icontains=term)
    speakers = list(public_speakers().filter(name_match)[:5]) if terms else []
    places = list(public_places().filter(name_match)[:5]) if terms else []
    window, more = newest_window(articles)
    return window, speakers, places, more, None


def _sqlite_matches(articles, terms: list[str]):
    """The articles holding every term: in the text, or as a speaker's or place's name there."""
    for term in terms:
        in_quotes = (
            Quote.objects.shown()
            .filter(article=OuterRef("pk"))
            .filter(Q(speaker__name__icontains=term) | Q(speaker__aliases__icontains=term))
        )
        in_places = (
            PlaceMention.objects.shown()
            .filter(article=OuterRef("pk"))
            .filter(Q(place__name__icontains=term) | Q(place__aliases__icontains=term))
        )
        articles = articles.filter(
            Q(headline__icontains=term)
            | Q(dek__icontains=term)
            | Q(body__icontains=term)
            | Exists(in_quotes)
            | Exists(in_places)
        )
    return articles


def snippet_for(article, results: Results, q: str) -> SafeString:
    """The article's snippet: around the query's lexemes on PostgreSQL, its words on SQLite."""
    if results.lexemes is not None:
        return marked_html(stemmed_snippet(article.body, results.lexemes))
    return marked_html(python_snippet(article.body, words(q)))


REFRESH_SQL = f"""
UPDATE articles_article AS a SET search_vector =
    setweight(to_tsvector('{CONFIG}', a.headline), 'A')
    || setweight(to_tsvector('{CONFIG}', a.dek), 'B')
    || setweight(to_tsvector('{CONFIG}', a.body), 'C')
    || setweight(to_tsvector('{CONFIG}', coalesce((
        SELECT string_agg(DISTINCT s.name, ' ')
        FROM articles_quote q JOIN articles_speaker s ON s.id = q.speaker_id
        WHERE q.article_id = a.id AND {shown_sql("q")}
    ), '') || ' ' || coalesce((
        SELECT string_agg(DISTINCT p.name, ' ')
        FROM articles_placemention m JOIN articles_place p ON p.id = m.place_id
        WHERE m.article_id = a.id AND {shown_sql("m")}
    ), '')), 'B')
"""


def refresh_vectors(article_ids=None, connection=None) -> None:
    """Recompute the search vectors of these articles (all when None). PostgreSQL only."""
    connection = connection or default_connection
    if not is_postgres(connection):
        return
    with connection.cursor() as cursor:
        if article_ids is None:
            cursor.execute(REFRESH_SQL)
        elif article_ids:
            cursor.execute(REFRESH_SQL + " WHERE a.id = ANY(%s)", [list(article_ids)])
