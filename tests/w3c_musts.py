"""Our own checks of the MUST assertions of the W3C's Web Annotation test suite (the
web-platform-tests ``annotation-model`` tests: annotationMusts, bodyMusts, targetMusts,
specificResourceMusts, collectionMusts, pageMusts), one function per assertion, named after it.
Each returns nothing or raises ``Must`` naming the assertion and what broke it; ``failures``
runs a document's whole set and lists the broken ones.

Written from the W3C Web Annotation Data Model and the suite's assertion definitions, not copied.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

ANNO = "http://www.w3.org/ns/anno.jsonld"
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
MOTIVATIONS = {
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
}
AGENT_TYPES = {"Person", "Organization", "Software"}
CLASSES = {"TextualBody", "SpecificResource", "Choice", "Composite", "List", "Independents"}


class Must(AssertionError):
    pass


def _check(condition: bool, assertion: str, detail: str) -> None:
    if not condition:
        raise Must(f"{assertion}: {detail}")


def _many(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _types(obj: dict) -> set:
    return set(_many(obj.get("type", [])))


def _single(value: Any) -> Any:
    """A property allowed one value: the value itself or an array of exactly one."""
    if isinstance(value, list):
        return value[0] if len(value) == 1 else None
    return value


def _uri(value: Any) -> bool:
    return isinstance(value, str) and bool(URI.match(value))


# --- 3.1 / 3.3 Annotations (annotationMusts) --------------------------------------------------


def annotation_context_validated(doc: dict) -> None:
    context = doc.get("@context")
    ok = context == ANNO or (isinstance(context, list) and ANNO in context)
    _check(ok, "3.1-annotationContextValidated", f"@context is {context!r}")


def annotation_id_validated(a: dict) -> None:
    _check(_uri(_single(a.get("id"))), "3.1-annotationIdValidated", f"id {a.get('id')!r}")


def annotation_type_validated(a: dict) -> None:
    _check("Annotation" in _types(a), "3.1-annotationTypeValidated", f"type {a.get('type')!r}")


def target_key_found(a: dict) -> None:
    _check(bool(_many(a.get("target", []))), "3.1-targetKeyFound", "no target")


def target_objects_recognized(a: dict) -> None:
    for target in _many(a.get("target")):
        ok = _uri(target) or (
            isinstance(target, dict) and (_uri(target.get("id")) or "source" in target)
        )
        _check(ok, "3.2-targetObjectsRecognized", f"target {target!r}")


def not_body_body_value(a: dict) -> None:
    _check(not ("body" in a and "bodyValue" in a), "3.2.5-notBodyBodyValue", "both")


def body_objects_recognized(a: dict) -> None:
    for body in _many(a.get("body", [])):
        ok = _uri(body) or (
            isinstance(body, dict)
            and (_uri(body.get("id")) or bool(_types(body) & CLASSES) or "value" in body)
        )
        _check(ok, "3.2-bodyObjectsRecognized", f"body {body!r}")


def body_value_validated(a: dict) -> None:
    if "bodyValue" in a:
        ok = isinstance(_single(a["bodyValue"]), str)
        _check(ok, "3.2.5-bodyValueValidated", "bodyValue not one string")


def _date_time(obj: dict, key: str, assertion: str) -> None:
    if key in obj:
        value = _single(obj[key])
        ok = isinstance(value, str) and bool(DATE_TIME.match(value))
        _check(ok, assertion, f"{key} {obj[key]!r}")


def annotation_created_validated(a: dict) -> None:
    _date_time(a, "created", "3.3.1-annotationCreatedValidated")


def annotation_modified_validated(a: dict) -> None:
    _date_time(a, "modified", "3.3.1-annotationModifiedValidated")


def annotation_generated_validated(a: dict) -> None:
    _date_time(a, "generated", "3.3.1-annotationGeneratedValidated")


def _uris(obj: dict, key: str, assertion: str) -> None:
    if key in obj:
        ok = all(_uri(v) for v in _many(obj[key]))
        _check(ok, assertion, f"{key} {obj[key]!r}")


def annotation_rights_validated(a: dict) -> None:
    _uris(a, "rights", "3.3.6-annotationRightsValidated")


def annotation_canonical_validated(a: dict) -> None:
    if "canonical" in a:
        _check(_uri(_single(a["canonical"])), "3.3.7-annotationCanonicalValidated", "canonical")


def annotation_via_validated(a: dict) -> None:
    _uris(a, "via", "3.3.7-annotationViaValidated")


def motivation_recognized_if_present(a: dict) -> None:
    if "motivation" in a:
        ok = all(m in MOTIVATIONS for m in _many(a["motivation"]))
        _check(ok, "3.3.5-motivationRecognizedIfPresent", f"motivation {a['motivation']!r}")


def creator_agent_validated(a: dict) -> None:
    for agent in _many(a.get("creator", [])):
        if _uri(agent):
            continue
        ok = isinstance(agent, dict) and (not _types(agent) or _types(agent) & AGENT_TYPES)
        for key in ("name", "nickname"):
            if isinstance(agent, dict) and key in agent:
                ok = ok and isinstance(_single(agent[key]), str)
        if isinstance(agent, dict) and "id" in agent:
            ok = ok and _uri(agent["id"])
        _check(bool(ok), "3.3.2-annotationAgentValidated", f"creator {agent!r}")


# --- 3.2 / 4 Bodies and targets (bodyMusts, targetMusts, specificResourceMusts) ---------------


def _resource_musts(r: Any, side: str, assertions: dict[str, str]) -> None:
    if not isinstance(r, dict):
        return
    types = _types(r)
    if "SpecificResource" in types or "source" in r:
        _check("items" not in r, assertions["sr_items"], f"{side} SpecificResource has items")
        _check("value" not in r, assertions["sr_value"], f"{side} SpecificResource has value")
        source = r.get("source")
        ok = _uri(source) or (isinstance(source, dict) and _uri(source.get("id")))
        _check(ok, "4-specificResourceSourceValidated", f"{side} source {source!r}")
        _check(
            "purpose" not in source if isinstance(source, dict) else True,
            assertions["ewr_purpose"],
            "source has purpose",
        )
        for selector in _many(r.get("selector", [])):
            selector_valid(selector)
    elif "TextualBody" in types:
        _check(side == "body", "3.2.4-targNoTypeTextualBody", "a TextualBody target")
        _check("items" not in r, "3.2.7-bodyEmbeddedTextualNoItems", "TextualBody has items")
        _check("source" not in r, "4-bodyEmbeddedTextualNoSource", "TextualBody has source")
    elif types & {"Choice", "Composite", "List", "Independents"}:
        _check("value" not in r, assertions["set_value"], "Choice/Set has value")
        _check("source" not in r, assertions["set_source"], "Choice/Set has source")
        _check("purpose" not in r, assertions["set_purpose"], "Choice/Set has purpose")
    else:  # an External Web Resource
        _check("items" not in r, assertions["ewr_items"], f"{side} resource has items")
        _check("purpose" not in r, assertions["ewr_purpose"], f"{side} resource has purpose")
    if "purpose" in r:
        ok = all(p in MOTIVATIONS for p in _many(r["purpose"]))
        _check(ok, "3.3.5-purposeRecognizedIfPresent", f"purpose {r['purpose']!r}")
    _date_time(r, "created", f"3.3.1-{side}CreatedValidated")
    _date_time(r, "modified", f"3.3.1-{side}ModifiedValidated")
    _uris(r, "rights", f"3.3.6-{side}RightsValidated")
    if "textDirection" in r:
        ok = _single(r["textDirection"]) in ("ltr", "rtl", "auto")
        _check(ok, f"3.2.1-{side}TextDirectionValidated", "textDirection")


BODY = {
    "sr_items": "3.2.7-bodySpecificResourceNoItems",
    "sr_value": "4-bodySpecificResourceNoValue",
    "ewr_items": "3.2.7-bodyEWRNoItems",
    "ewr_purpose": "3.3.5-bodyEWRNoPurpose",
    "set_value": "3.2.4-bodyChoiceSetNoValue",
    "set_source": "4-bodyChoiceSetNoSource",
    "set_purpose": "3.3.5-bodyChoiceSetNoPurpose",
}
TARGET = {key: value.replace("body", "targ") for key, value in BODY.items()}


def bodies_musts(a: dict) -> None:
    for body in _many(a.get("body", [])):
        _resource_musts(body, "body", BODY)


def targets_musts(a: dict) -> None:
    for target in _many(a.get("target", [])):
        _resource_musts(target, "targ", TARGET)


def text_quote_selector_valid(s: dict) -> None:
    ok = isinstance(_single(s.get("exact")), str)
    for key in ("prefix", "suffix"):
        if key in s:
            ok = ok and isinstance(_single(s[key]), str)
    _check(ok, "4.2.4-textQuoteSelectorValid", f"{s!r}")


def text_position_selector_valid(s: dict) -> None:
    start, end = _single(s.get("start")), _single(s.get("end"))
    ok = all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (start, end))
    _check(ok, "4.2-TextDataPositionSelectorValid", f"{s!r}")


def selector_valid(selector: Any) -> None:
    if _uri(selector):
        return
    _check(isinstance(selector, dict), "4.2-selectorValidIfPresent", f"{selector!r}")
    types = _types(selector)
    if "TextQuoteSelector" in types:
        text_quote_selector_valid(selector)
    if "TextPositionSelector" in types or "DataPositionSelector" in types:
        text_position_selector_valid(selector)
    for refined in _many(selector.get("refinedBy", [])):
        selector_valid(refined)


ANNOTATION_MUSTS: list[Callable[[dict], None]] = [
    annotation_id_validated,
    annotation_type_validated,
    target_key_found,
    target_objects_recognized,
    not_body_body_value,
    body_objects_recognized,
    body_value_validated,
    annotation_created_validated,
    annotation_modified_validated,
    annotation_generated_validated,
    annotation_rights_validated,
    annotation_canonical_validated,
    annotation_via_validated,
    motivation_recognized_if_present,
    creator_agent_validated,
    bodies_musts,
    targets_musts,
]


# --- 5 Collections and pages (collectionMusts, pageMusts) -------------------------------------


def _count(obj: dict, key: str, assertion: str) -> None:
    if key in obj:
        value = _single(obj[key])
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        _check(ok, assertion, f"{key} {obj[key]!r}")


def collection_musts(c: dict) -> None:
    annotation_context_validated(c)
    _check(_uri(c.get("id")), "5.1-collectionIdValidated", f"id {c.get('id')!r}")
    ok = "AnnotationCollection" in _types(c)
    _check(ok, "5.1-collectionTypeValidated", f"type {c.get('type')!r}")
    if "label" in c:
        ok = all(isinstance(v, str) for v in _many(c["label"]))
        _check(ok, "5.1-collectionLabelValidated", "label")
    _count(c, "total", "5.1-collectionTotalValidated")
    if _single(c.get("total", 0)):
        _check("first" in c, "5.1-collectionFirstValidated", "total > 0 and no first")
    if "first" in c:
        first = _single(c["first"])
        ok = _uri(first) or (isinstance(first, dict) and "AnnotationPage" in _types(first))
        _check(ok, "5.1-collectionFirstValidated", f"first {c['first']!r}")
        if isinstance(first, dict):
            page_musts(first, standalone=False)
    if "last" in c:
        _check(_uri(_single(c["last"])), "5.1-collectionLastValidated", f"last {c['last']!r}")
    _date_time(c, "created", "3.3.1-collectionCreatedValidated")
    _date_time(c, "modified", "3.3.1-collectionModifiedValidated")
    _uris(c, "rights", "3.3.6-collectionRightsValidated")


def page_musts(p: dict, standalone: bool = True) -> None:
    if standalone:
        ok = p.get("@context") == ANNO or ANNO in _many(p.get("@context"))
        _check(ok, "5.2-pageContextValidated", f"@context {p.get('@context')!r}")
    _check(_uri(p.get("id")), "5.2-pageIdValidated", f"id {p.get('id')!r}")
    _check("AnnotationPage" in _types(p), "5.2-pageTypeValidated", f"type {p.get('type')!r}")
    items = p.get("items")
    ok = isinstance(items, list) and all(
        _uri(i) or (isinstance(i, dict) and "Annotation" in _types(i)) for i in items
    )
    _check(ok, "5.2-pageItemsValidated", "items")
    _count(p, "startIndex", "5.2-pageStartIndexValidated")
    _count(p, "total", "5.2-pageTotalValidated")
    for key, assertion in (
        ("partOf", "5.2-pagePartOfValidated"),
        ("next", "5.2-pageNextValidated"),
        ("prev", "5.2-pagePrevValidated"),
        ("first", "5.2-pageFirstValidated"),
        ("last", "5.2-pageLastValidated"),
    ):
        if key in p:
            _check(_uri(_single(p[key])), assertion, f"{key} {p[key]!r}")
    for item in items or []:
        if isinstance(item, dict):
            for must in ANNOTATION_MUSTS:
                must(item)


def failures(checks: list[Callable[[dict], None]], doc: dict) -> list[str]:
    """The broken assertions of ``doc`` under ``checks``, as messages."""
    broken = []
    for check in checks:
        try:
            check(doc)
        except Must as error:
            broken.append(str(error))
    return broken


def standalone_annotation_failures(doc: dict) -> list[str]:
    return failures([annotation_context_validated, *ANNOTATION_MUSTS], doc)


def collection_failures(doc: dict) -> list[str]:
    return failures([collection_musts], doc)


def page_failures(doc: dict) -> list[str]:
    return failures([page_musts], doc)
