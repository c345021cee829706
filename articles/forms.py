"""Forms of the annotation interface."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse

from . import operations
from .models import (
    Article,
    Place,
    PlaceMention,
    Quote,
    Speaker,
    check_offsets,
    find_by_name,
    stale_message,
    unique_slug,
)


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change someone else made after this form was shown."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def has_changed(self) -> bool:
        """Changed by the person: the version it was shown with is not a change."""
        return any(name != "loaded_version" for name in self.changed_data)

    def _post_clean(self) -> None:
        # An unchanged row of an inline is not saved; validating its offsets against a body
        # edited in the same form would refuse the edit that re-anchoring is there to follow.
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()  # type: ignore[misc]  # Django's private hook: not in django-stubs

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what ModelForm.clean returns
        stale = cleaned.get("loaded_version") != self.instance.version
        if self.instance.pk is not None and self.has_changed() and stale:
            raise ValidationError(stale_message(self.instance), code="stale")
        return cleaned


class AnnotationForm(forms.Form):
    """One quote or place mention on a selection of an article's body.

    ``start`` and ``end`` are code-point offsets (the view converts the browser's UTF-16 ones);
    ``exact`` is the text the annotator selected, checked against the body at those offsets.
    """

    TYPES = [("quote", "Quote or claim"), ("place", "Place mention")]

    span = forms.CharField(required=False, widget=forms.HiddenInput)
    span_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    article_version = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    exact = forms.CharField(strip=False, widget=forms.HiddenInput)
    type = forms.ChoiceField(choices=TYPES, initial="quote", widget=forms.RadioSelect)

    speaker = forms.CharField(
        required=False,
        max_length=200,
        help_text="Type to search. A name that is not found creates a new speaker.",
    )
    unattributed = forms.BooleanField(required=False, label="Unattributed (no speaker)")
    speaker_kind = forms.ChoiceField(
        choices=Speaker.Kind.choices, initial=Speaker.Kind.PERSON, label="New speaker is a"
    )
    speaker_role = forms.CharField(
        required=False,
        max_length=200,
        label="New speaker's role",
        help_text="e.g. Kremlin spokesman",
    )
    speaker_affiliation = forms.CharField(
        required=False,
        max_length=200,
        label="Speaker's affiliation",
        help_text="Whom they speak for, e.g. Government of Russia. Type to search; a name that is "
        "not found creates it. Sets a new speaker's, or fills in an existing speaker's that has "
        "none (change one in the speaker's admin page).",
    )
    speaker_category = forms.ChoiceField(
        choices=[("", "---------"), *Speaker.Category.choices],
        required=False,
        label="Speaker's kind of source",
        help_text="Sets a new speaker's, or fills in an existing speaker's that has none.",
    )
    kind = forms.ChoiceField(choices=Quote.Kind.choices, initial=Quote.Kind.DIRECT)
    places = forms.ModelMultipleChoiceField(
        queryset=Place.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="About these places",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    place = forms.CharField(
        required=False,
        max_length=200,
        help_text="Type to search. A name that is not found creates a new place.",
    )
    place_kind = forms.ChoiceField(
        choices=Place.Kind.choices, initial=Place.Kind.CITY, label="New place is a"
    )
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    country_code = forms.CharField(required=False, max_length=2, label="Country code")

    def __init__(self, *args: Any, article: Article, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.article = article
        names_url = reverse("admin:articles_article_annotate_names", args=[article.pk])
        for field, name in (
            ("speaker", "speaker"),
            ("place", "place"),
            ("speaker_affiliation", "affiliation"),
        ):
            self.fields[field].widget.attrs.update(
                {
                    "list": f"{name}-options",
                    "autocomplete": "off",
                    "hx-get": names_url,
                    "hx-trigger": "input changed delay:200ms",
                    "hx-target": f"#{name}-options",
                }
            )
        places = self.fields["places"]
        assert isinstance(places, forms.ModelMultipleChoiceField)
        places.queryset = Place.objects.filter(
            Q(mentions__article=article) | Q(quotes__article=article)
        ).distinct()
        self.existing: Quote | PlaceMention | None = None

    def clean_span(self) -> str | None:
        """``quote-12`` or ``placemention-3``: the annotation being edited, if any."""
        value = self.cleaned_data["span"]
        if not value:
            return None
        model_name, _, pk = value.partition("-")
        models: dict[str, type[Quote] | type[PlaceMention]] = {
            "quote": Quote,
            "placemention": PlaceMention,
        }
        model = models.get(model_name)
        if model is None or not pk.isdigit():
            raise ValidationError("Unknown annotation.")
        self.existing = model.objects.filter(article=self.article, pk=pk).first()
        if self.existing is None:
            raise ValidationError("This annotation no longer exists: someone deleted it.")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns
        if self.errors:
            return cleaned
        if cleaned["article_version"] != self.article.version:
            raise ValidationError(
                stale_message(self.article)
                + " The article's text is shown as it is now: select the text again.",
                code="stale",
            )
        if self.existing is not None and cleaned.get("span_version") != self.existing.version:
            raise ValidationError(stale_message(self.existing), code="stale")
        if self.existing is not None:
            type_ = "quote" if isinstance(self.existing, Quote) else "place"
            if cleaned["type"] != type_:
                raise ValidationError(
                    "An annotation cannot change between quote and place mention: "
                    "delete it and create the other kind."
                )
        try:
            check_offsets(self.article.body, cleaned["start"], cleaned["end"], cleaned["exact"])
        except ValidationError as error:
            raise ValidationError(
                "The selected text does not match the article at those offsets "
                f"({' '.join(error.messages)}). Select it again."
            ) from None
        if cleaned["type"] == "quote":
            self._clean_quote(cleaned)
        else:
            self._clean_place(cleaned)
        return cleaned

    def _clean_quote(self, cleaned: dict[str, Any]) -> None:
        name = cleaned.get("speaker", "").strip()
        if cleaned.get("unattributed"):
            cleaned["speaker_obj"] = None
        elif not name:
            self.add_error("speaker", "Name the speaker, or mark the quote as unattributed.")
        else:
            cleaned["speaker_obj"] = find_by_name(Speaker, name)

    def _clean_place(self, cleaned: dict[str, Any]) -> None:
        name = cleaned.get("place", "").strip()
        if not name:
            self.add_error("place", "Name the place.")
            return
        cleaned["place_obj"] = find_by_name(Place, name)
        if cleaned["place_obj"] is None:
            for field in ("latitude", "longitude"):
                if cleaned.get(field) is None:
                    self.add_error(
                        field, f"There is no place called {name!r} yet: give its {field} to add it."
                    )

    def save(self) -> Quote | PlaceMention:
        """Create or update the annotation (and a new speaker or place); call in a transaction."""
        data = self.cleaned_data
        span: Quote | PlaceMention
        # clean() made sure that an existing annotation is of the type asked for.
        if data["type"] == "quote":
            speaker = data["speaker_obj"]
            if speaker is None and not data["unattributed"]:
                name = data["speaker"].strip()
                speaker = Speaker.objects.create(
                    name=name,
                    slug=unique_slug(Speaker, name),
                    kind=data["speaker_kind"],
                    role=data["speaker_role"].strip(),
                    category=data["speaker_category"],
                    affiliation=operations.affiliation_named(data["speaker_affiliation"]),
                )
            elif speaker is not None:
                self._fill_in(speaker, data)
            quote = (
                self.existing if isinstance(self.existing, Quote) else Quote(article=self.article)
            )
            quote.speaker = speaker
            quote.kind = data["kind"]
            quote.note = data["note"]
            span = quote
        else:
            place = data["place_obj"]
            if place is None:
                name = data["place"].strip()
                place = Place(
                    name=name,
                    slug=unique_slug(Place, name),
                    kind=data["place_kind"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    country_code=data["country_code"].strip().upper(),
                )
                place.full_clean()
                place.save()
            mention = (
                self.existing
                if isinstance(self.existing, PlaceMention)
                else PlaceMention(article=self.article)
            )
            mention.place = place
            span = mention
        span.article = self.article
        span.start, span.end, span.exact = data["start"], data["end"], data["exact"]
        span.anchored = True
        if span.pk is None:
            span.status = span.Status.CONFIRMED
        span.save()
        if isinstance(span, Quote):
            span.places.set(data["places"])
        return span

    @staticmethod
    def _fill_in(speaker: Speaker, data: dict[str, Any]) -> None:
        """An existing speaker's affiliation and kind of source, where they have none, from
        the form: a change to the speaker, through its operation."""
        changed = False
        if speaker.affiliation_id is None and data["speaker_affiliation"].strip():
            speaker.affiliation = operations.affiliation_named(data["speaker_affiliation"])
            changed = True
        if not speaker.category and data["speaker_category"]:
            speaker.category = data["speaker_category"]
            changed = True
        if changed:
            operations.save_name(speaker)

    @classmethod
    def initial_for(cls, span: Quote | PlaceMention) -> dict[str, Any]:
        """The form's initial data to edit ``span``."""
        initial: dict[str, Any] = {
            "span": span.key,
            "span_version": span.version,
            "start": span.start,
            "end": span.end,
            "exact": span.exact,
        }
        if isinstance(span, Quote):
            initial.update(
                type="quote",
                speaker=span.speaker.name if span.speaker else "",
                unattributed=span.speaker is None,
                kind=span.kind,
                places=list(span.places.all()),
                note=span.note,
            )
        else:
            # A suggestion of a new place has no place yet: the name it proposes.
            proposed = span.proposal.get("place", {})
            name = span.place.name if span.place else proposed.get("name", "")
            initial.update(type="place", place=name)
        return initial
