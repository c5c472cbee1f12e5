"""What a draft changes against the published release: items added, removed and changed, per language.

Items are matched by agency:id. A changed item shows its texts side by side per language, its code list
code by code (added, removed, relabelled, missing flag changed), its other fields before and after, and the
waves it moved between. The draft's description of the study and its waves (applied when it is published)
is compared with the published one too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.model import Category, CodeList, Item, Ref, item_content, version_key
from catalogue.store.reads import Snapshot, load_items, load_snapshot
from catalogue.store.tables import Item as ItemRow
from catalogue.store.tables import Release, ReleaseItem, Study, Wave

TEXT_FIELDS = ("name", "label", "description", "text", "instruction")
IGNORED_FIELDS = frozenset({"version_date"})
STUDY_TEXTS = ("title", "abstract", "purpose")
WAVE_TEXTS = ("title", "abstract")
WAVE_FACTS = ("start_date", "end_date", "age_min_months", "age_max_months")

Pair = tuple[str, str]


@dataclass(slots=True)
class MembershipChanges:
    """Which items a release adds, removes or changes against another, by URN (cheap: no content read)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed),
                "unchanged": self.unchanged}

    def urns(self) -> list[str]:
        """The URNs a write touched: what it adds, removes, and the new versions of what it changes."""
        return self.added + self.removed + [after for _before, after in self.changed]


def membership_changes(session: Session, base: Release | None, target: Release) -> MembershipChanges:
    before = _member_versions(session, base) if base is not None else {}
    after = _member_versions(session, target)
    changes = MembershipChanges()
    for pair, (version, urn) in sorted(after.items()):
        if pair not in before:
            changes.added.append(urn)
        elif before[pair][0] != version:
            changes.changed.append((before[pair][1], urn))
        else:
            changes.unchanged += 1
    changes.removed = [urn for pair, (_v, urn) in sorted(before.items()) if pair not in after]
    return changes


def _member_versions(session: Session, release: Release) -> dict[Pair, tuple[str, str]]:
    """(agency, id) → (latest version in the release, its URN)."""
    found: dict[Pair, tuple[str, str]] = {}
    rows = session.execute(
        select(ItemRow.agency_key, ItemRow.ddi_id, ItemRow.version, ItemRow.urn)
        .join(ReleaseItem, ReleaseItem.item_id == ItemRow.id)
        .where(ReleaseItem.release_id == release.id)
    )
    for agency, ddi_id, version, urn in rows:
        current = found.get((agency, ddi_id))
        if current is None or version_key(version) > version_key(current[0]):
            found[(agency, ddi_id)] = (version, urn)
    return found


def release_diff(
    session: Session,
    base: Release | None,
    draft: Release,
    *,
    description: dict[str, Any] | None = None,
    limit: int = 1000,
) -> dict[str, Any]:
    """The whole diff of `draft` against `base`, as plain data (each list cut at `limit`, totals kept)."""
    before = load_snapshot(session, base) if base is not None else None
    after = load_snapshot(session, draft)
    old, new = (_by_pair(before) if before else {}), _by_pair(after)
    resolve_old = _resolver(session, before)
    resolve_new = _resolver(session, after)
    added = [_summary(new[p], after) for p in sorted(new.keys() - old.keys())]
    removed = [_summary(old[p], before) for p in sorted(old.keys() - new.keys())] if before else []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    for pair in sorted(new.keys() & old.keys()):
        was, now = old[pair], new[pair]
        waves_before = _wave_names(before, was) if before else []
        waves_after = _wave_names(after, now)
        if was.version == now.version and waves_before == waves_after:
            unchanged += 1
            continue
        changed.append(_item_change(was, now, waves_before, waves_after, resolve_old, resolve_new))
    by_type: dict[str, dict[str, int]] = {}
    for kind, entries in (("added", added), ("removed", removed), ("changed", changed)):
        for entry in entries:
            counts = by_type.setdefault(entry["type"], {"added": 0, "removed": 0, "changed": 0})
            counts[kind] += 1
    study = after.study
    return {
        "study": study.slug,
        "base": {"number": base.number, "status": base.status} if base is not None else None,
        "draft": {"number": draft.number, "status": draft.status},
        "summary": {"added": len(added), "removed": len(removed), "changed": len(changed),
                    "unchanged": unchanged, "by_type": dict(sorted(by_type.items()))},
        "added": added[:limit],
        "removed": removed[:limit],
        "changed": changed[:limit],
        "description": description_diff(session, study, description),
        "truncated": max(len(added), len(removed), len(changed)) > limit,
        "limit": limit,
    }


def description_diff(session: Session, study: Study, description: dict[str, Any] | None) -> dict[str, Any]:
    """The study's and waves' texts and facts the draft would change when published."""
    result: dict[str, Any] = {"study": [], "waves": []}
    if not description:
        return result
    if description.get("study"):
        result["study"] = text_changes(
            {name: getattr(study, name) or {} for name in STUDY_TEXTS},
            {name: description["study"].get(name) or {} for name in STUDY_TEXTS}, STUDY_TEXTS,
        )
    rows = list(session.scalars(select(Wave).where(Wave.study_id == study.id)))
    for info in description.get("waves", []):
        agency = str(info.get("agency", "")).lower()
        row = next((w for w in rows if w.agency.lower() == agency and w.ddi_id == info.get("id")), None)
        row = row or next((w for w in rows if w.name == info.get("name")), None)
        old = {name: (getattr(row, name) or {}) if row else {} for name in WAVE_TEXTS}
        texts = text_changes(old, {name: info.get(name) or {} for name in WAVE_TEXTS}, WAVE_TEXTS)
        facts = [
            {"field": name, "before": getattr(row, name) if row else None, "after": info.get(name)}
            for name in WAVE_FACTS
            if info.get(name) is not None and (getattr(row, name) if row else None) != info.get(name)
        ]
        if texts or facts:
            name = row.name if row else info.get("name")
            result["waves"].append({"name": name, "texts": texts, "facts": facts})
    return result


def _by_pair(snapshot: Snapshot) -> dict[Pair, Item]:
    found: dict[Pair, Item] = {}
    for key, item in snapshot.items.items():
        current = found.get((key.agency, key.id))
        if current is None or version_key(item.version) > version_key(current.version):
            found[(key.agency, key.id)] = item
    return found


def _wave_names(snapshot: Snapshot, item: Item) -> list[str]:
    names = {w.id: w.name for w in snapshot.waves}
    return sorted(names[w] for w in snapshot.waves_of.get(item.key, []) if w in names)


def _summary(item: Item, snapshot: Snapshot) -> dict[str, Any]:
    return {"urn": item.urn, "type": item.TYPE, "name": item.name, "label": item.label,
            "waves": _wave_names(snapshot, item)}


Resolver = Callable[[Ref | None], Item | None]


def _resolver(session: Session, snapshot: Snapshot | None) -> Resolver:
    def resolve(ref: Ref | None) -> Item | None:
        if ref is None:
            return None
        found = snapshot.resolve(ref) if snapshot is not None else None
        return found or next(iter(load_items(session, [ref.key]).values()), None)

    return resolve


def _item_change(
    was: Item, now: Item, waves_before: list[str], waves_after: list[str], resolve_old: Resolver,
    resolve_new: Resolver,
) -> dict[str, Any]:
    old, new = item_content(was), item_content(now)
    texts = text_changes({name: old.get(name) for name in TEXT_FIELDS},
                          {name: new.get(name) for name in TEXT_FIELDS}, TEXT_FIELDS)
    skipped = set(TEXT_FIELDS) | IGNORED_FIELDS | ({"codes"} if isinstance(now, CodeList) else set())
    # A field whose only change is the version of what it refers to shows under `references` instead.
    fields = [
        {"field": name, "before": old.get(name), "after": new.get(name)}
        for name in sorted((old.keys() | new.keys()) - skipped)
        if _unversioned(old.get(name)) != _unversioned(new.get(name))
    ]
    return {
        "type": now.TYPE, "name": now.name or was.name, "label": now.label or was.label,
        "urn_before": was.urn, "urn_after": now.urn,
        "version_before": was.version, "version_after": now.version,
        "texts": texts,
        "codes": code_list_changes(was, now, resolve_old, resolve_new)
        if isinstance(was, CodeList) and isinstance(now, CodeList) else [],
        "fields": fields,
        "references": _reference_changes(was, now),
        "waves": {"before": waves_before, "after": waves_after} if waves_before != waves_after else None,
    }


def _unversioned(value: Any) -> Any:
    """Content with the versions of its references left out."""
    if isinstance(value, dict):
        is_ref = {"agency", "id", "type"} <= value.keys()
        return {k: _unversioned(v) for k, v in value.items() if not (is_ref and k == "version")}
    if isinstance(value, list):
        return [_unversioned(v) for v in value]
    return value


def _reference_changes(was: Item, now: Item) -> list[dict[str, Any]]:
    """References that moved to another version of their target, or appeared, or went."""
    before = {(role, ref.agency.lower(), ref.id): ref for role, ref in was.references()}
    after = {(role, ref.agency.lower(), ref.id): ref for role, ref in now.references()}
    rows = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None or new is None or old.version != new.version:
            target = new or old
            assert target is not None
            rows.append({"role": key[0], "type": target.type, "id": target.id,
                         "before": old.version if old else None, "after": new.version if new else None})
    return rows


def text_changes(old: dict[str, Any], new: dict[str, Any], names: Iterable[str]) -> list[dict[str, Any]]:
    """Texts side by side: one row per field and language whose wording differs."""
    rows = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if isinstance(before, str) or isinstance(after, str) or (before is None and after is None):
            if (before or None) != (after or None):
                rows.append({"field": name, "lang": None, "before": before, "after": after})
            continue
        before, after = before or {}, after or {}
        for lang in sorted(before.keys() | after.keys()):
            if before.get(lang) != after.get(lang):
                rows.append({"field": name, "lang": lang, "before": before.get(lang),
                             "after": after.get(lang)})
    return rows


def code_list_changes(
    was: CodeList, now: CodeList, resolve_old: Resolver, resolve_new: Resolver
) -> list[dict[str, Any]]:
    """A code list code by code: codes added, removed, relabelled, or whose missing flag changed."""

    def codes(code_list: CodeList, resolve: Resolver) -> dict[str, dict[str, Any]]:
        found = {}
        for code in code_list.codes:
            category = resolve(code.category)
            found[code.value] = {
                "label": dict(category.label) if category is not None else {},
                "missing": bool(isinstance(category, Category) and category.is_missing),
            }
        return found

    before, after = codes(was, resolve_old), codes(now, resolve_new)
    order = [c.value for c in now.codes] + [c.value for c in was.codes if c.value not in after]
    rows = []
    for value in order:
        old, new = before.get(value), after.get(value)
        if old is None:
            rows.append({"value": value, "changes": ["added"], "before": None, "after": new})
        elif new is None:
            rows.append({"value": value, "changes": ["removed"], "before": old, "after": None})
        else:
            changes = [name for name, key in (("relabelled", "label"), ("missing", "missing"))
                       if old[key] != new[key]]
            if changes:
                rows.append({"value": value, "changes": changes, "before": old, "after": new})
    return rows
