"""BENCHMARKS.md is shared by every benchmark script: each owns one `## ` section and rewrites only that."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, section: str) -> None:
    """Replace the section whose heading is `section`'s first line (or add it at the end), leaving the
    others alone."""
    heading = section.split("\n", 1)[0]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + ("\n" + text[end + 1 :] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")
