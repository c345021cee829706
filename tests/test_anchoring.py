"""Re-anchoring spans through body edits: examples of each path, and random edits."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from articles.anchoring import Anchor, reanchor
from articles.models import context

OLD = "Peskov said talks were impossible. Kyiv said no. Peskov said talks were impossible."


def anchor(body, start, end):
    prefix, suffix = context(body, start, end)
    return Anchor(start, end, body[start:end], prefix, suffix)


def test_an_edit_elsewhere_shifts_spans_to_the_same_words():
    spans = [anchor(OLD, 12, 33), anchor(OLD, 35, 39), anchor(OLD, 61, 82)]
    new = "UPDATED: " + OLD
    placed = reanchor(OLD, new, spans)
    assert [(p.start, p.end, p.how) for p in placed] == [
        (21, 42, "mapped"),
        (44, 48, "mapped"),
        (70, 91, "mapped"),
    ]


def test_repeated_text_stays_on_its_own_occurrence():
    second = anchor(OLD, 61, 82)
    new = OLD.replace("Peskov said talks were impossible.", "Peskov said nothing.", 1)
    (placed,) = reanchor(OLD, new, [second])
    assert placed.anchored and new[placed.start : placed.end] == "talks were impossible"
    assert placed.start == new.rindex("talks were impossible")


def test_an_edit_inside_a_span_keeps_it_on_the_edited_words():
    first, second = anchor(OLD, 12, 33), anchor(OLD, 61, 82)
    new = OLD.replace("talks were impossible.", "talks were truly impossible.", 1)
    placed = reanchor(OLD, new, [first, second])
    assert (placed[0].exact, placed[0].how) == ("talks were truly impossible", "edited")
    assert new[placed[0].start : placed[0].end] == "talks were truly impossible"
    assert (placed[1].start, placed[1].how) == (new.rindex("talks were impossible"), "mapped")


def test_moved_text_is_found_by_its_context():
    kyiv = anchor(OLD, 35, 39)
    new = "Kyiv said no. " + OLD.replace(" Kyiv said no.", "")
    (placed,) = reanchor(OLD, new, [kyiv])
    assert (placed.start, placed.end, placed.anchored) == (0, 4, True)


def test_text_that_is_gone_becomes_an_orphan_with_its_last_text():
    kyiv = anchor(OLD, 35, 39)
    (placed,) = reanchor(OLD, "Nothing alike at all.", [kyiv])
    assert not placed.anchored
    assert placed.how == "orphan" and placed.exact == "Kyiv"


def test_no_change_is_a_no_op():
    spans = [anchor(OLD, 12, 33)]
    assert [(p.start, p.end, p.anchored) for p in reanchor(OLD, OLD, spans)] == [(12, 33, True)]


WORDS = st.lists(
    st.sampled_from(
        ["Kyiv", "Kiev", "Moscow", "said", "the", "talks", "war", "🇺🇦", "é", "\n\n", "—"]
    ),
    min_size=3,
    max_size=40,
).map(" ".join)
EDIT_TEXT = st.text(alphabet="abc Kyiv.\n😀é", max_size=20)


@settings(max_examples=300, deadline=None)
@given(body=WORDS, data=st.data())
def test_edits_outside_a_span_never_orphan_it(body, data):
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    span = anchor(body, start, end)
    # An edit strictly before or strictly after the span: replace body[a:b] with new text.
    before = data.draw(st.booleans())
    if before:
        a = data.draw(st.integers(0, start))
        b = data.draw(st.integers(a, start))
    else:
        a = data.draw(st.integers(end, len(body)))
        b = data.draw(st.integers(a, len(body)))
    inserted = data.draw(EDIT_TEXT)
    assume(body[a:b] != inserted)
    new = body[:a] + inserted + body[b:]
    (placed,) = reanchor(body, new, [span])
    assert placed.anchored
    assert new[placed.start : placed.end] == span.exact
    assert placed.exact == span.exact


@settings(max_examples=200, deadline=None)
@given(old=WORDS, new=WORDS, data=st.data())
def test_every_anchored_placement_holds_its_text(old, new, data):
    start = data.draw(st.integers(0, len(old) - 1))
    end = data.draw(st.integers(start + 1, len(old)))
    (placed,) = reanchor(old, new, [anchor(old, start, end)])
    if placed.anchored:
        assert 0 <= placed.start < placed.end <= len(new)
        assert new[placed.start : placed.end] == placed.exact
