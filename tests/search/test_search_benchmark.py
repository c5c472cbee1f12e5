"""The search benchmark's corpus, query mix and BENCHMARKS.md section (the timings are not tested)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.search_engines import SECTION, generate_documents, query_mix, write_section


def test_corpus_spreads_over_studies_and_waves_and_reuses_texts() -> None:
    documents = list(generate_documents(4000))
    assert len(documents) == 4000
    assert len({d.study for d in documents}) == 40 and len({w for d in documents for w in d.waves}) == 400
    texts = Counter(d.labels.get("fr") or d.question_texts.get("fr") for d in documents)
    assert sum(count for count in texts.values() if count > 1) > 0.6 * len(documents)
    assert list(generate_documents(50)) == list(generate_documents(50))


def test_query_mix_has_every_kind_and_at_least_200_queries() -> None:
    kinds = Counter(kind.split()[-1] for kind, _ in query_mix())
    assert set(kinds) == {"word", "and", "phrase", "inflection", "prefix", "typo"}
    assert sum(kinds.values()) >= 200


def test_the_section_is_replaced_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Importers\nfigures\n", encoding="utf-8")
    write_section(path, f"{SECTION}\n\nfirst\n")
    write_section(path, f"{SECTION}\n\nsecond\n")
    text = path.read_text(encoding="utf-8")
    assert text.count(SECTION) == 1 and "second" in text and "first" not in text
    assert "## Importers\nfigures\n" in text
    path.write_text(text + "\n## Later section\nkept\n", encoding="utf-8")
    write_section(path, f"{SECTION}\n\nthird\n")
    assert "## Later section\nkept" in path.read_text(encoding="utf-8")
