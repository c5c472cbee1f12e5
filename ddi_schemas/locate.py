"""Finding the official DDI-L XSDs on disk and checking every file against the pinned release.

A schema folder holds `3.1/`, `3.2/` and `3.3/`, each an unmodified copy of a DDI Alliance release. Files
that are not pinned (a README, checksum lists) are ignored; a missing or altered file makes the whole
version unavailable, with a message that says how to get a good copy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ddi_schemas.problems import SchemasUnavailable
from ddi_schemas.releases import VERSIONS, pinned_files, release

HOW_TO_GET_THEM = (
    "run `ddicat schemas fetch` (it downloads the DDI Alliance release and verifies it into the data "
    "directory), "
    "or set DDICAT_DDI_SCHEMAS to a folder holding a verified copy (with 3.1/, 3.2/ and 3.3/)"
)


def unavailable(detail: str) -> SchemasUnavailable:
    """The error every missing or altered schema file turns into: what is wrong, then how to fix it."""
    return SchemasUnavailable(f"The official DDI-L schemas are unavailable: {detail}; {HOW_TO_GET_THEM}.")


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mismatches(folder: Path, version: str) -> list[str]:
    """Every pinned file of `version` that is missing from `folder` or differs from the release."""
    found: list[str] = []
    for relative, expected in pinned_files(version).items():
        path = folder / relative
        if not path.is_file():
            found.append(f"{path} is missing")
        elif file_sha256(path) != expected:
            found.append(f"{path} does not match the DDI-L {version} release ({release(version).tag})")
    return found


def verify_version(root: Path, version: str) -> Path:
    """`<root>/<version>` once every pinned file is there and intact; SchemasUnavailable otherwise."""
    release(version)
    folder = root / version
    if not folder.is_dir():
        raise unavailable(f"{folder} does not exist")
    problems = mismatches(folder, version)
    if problems:
        more = (
            f" (and {len(problems) - 1} more file{'s' if len(problems) > 2 else ''})"
            if len(problems) > 1
            else ""
        )
        raise unavailable(problems[0] + more)
    return folder


def verify_root(root: Path, versions: tuple[str, ...] = VERSIONS) -> dict[str, Path]:
    """Every version's verified folder under `root`, for a start-up or `ddicat schemas check`."""
    return {version: verify_version(root, version) for version in versions}
