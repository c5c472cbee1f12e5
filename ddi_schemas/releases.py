"""Which DDI Alliance release each supported DDI-L version comes from, and the SHA-256 of its every file.

The digests live in `pins/<version>.sha256.txt` (the `sha256sum` format, paths relative to the version's
folder), so that `sha256sum -c` run inside a copy checks it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

VERSIONS: tuple[str, ...] = ("3.1", "3.2", "3.3")
REPOSITORY = "ddialliance/ddi-l_3"
TARBALL_URL = "https://codeload.github.com/{repository}/tar.gz/{commit}"


@dataclass(frozen=True, slots=True)
class Release:
    """One DDI-L schema release: the tag and commit of the DDI Alliance repository it is taken from."""

    version: str
    tag: str
    commit: str
    date: str
    licence: str
    repository: str = REPOSITORY

    @property
    def tarball_url(self) -> str:
        return TARBALL_URL.format(repository=self.repository, commit=self.commit)


RELEASES: dict[str, Release] = {
    release.version: release
    for release in (
        Release("3.3", "DDI_3.3", "bbeef2c0b9521b0e6d0497c26db3c466666a3ddf", "2020-04-15", "CC-BY-4.0"),
        Release(
            "3.2", "DDI_3.2", "b43926439b25e50f4baadcfd8b42020927713bd4", "2014-03-14", "LGPL-3.0-or-later"
        ),
        Release(
            "3.1", "DDI_3.1", "ee0033b8410287a8032dfdcd75d0e43ad84ce200", "2009-10-18", "LGPL-3.0-or-later"
        ),
    )
}


def release(version: str) -> Release:
    """The release pinned for `version`; a ValueError names the versions ddicat knows."""
    try:
        return RELEASES[version]
    except KeyError:
        raise ValueError(f"unknown DDI-L version {version!r}: ddicat pins {', '.join(VERSIONS)}") from None


@cache
def pinned_files(version: str) -> dict[str, str]:
    """Relative path (POSIX) → SHA-256 hex digest of every file of the release's schema folder."""
    release(version)
    text = resources.files("ddi_schemas.pins").joinpath(f"{version}.sha256.txt").read_text(encoding="ascii")
    pins: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip():
            digest, path = line.split(maxsplit=1)
            pins[path.strip()] = digest.lower()
    return pins
