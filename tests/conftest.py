"""Fixtures shared by the whole suite: where the official schemas and the public samples are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def schemas_root() -> Path | None:
    """The official DDI-L XSDs: DDICAT_DDI_SCHEMAS, else the verified copy in ../shared."""
    configured = os.environ.get("DDICAT_DDI_SCHEMAS")
    for candidate in (Path(configured) if configured else None, SHARED / "ddi-schemas"):
        if candidate and (candidate / "3.3" / "instance.xsd").is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    root = schemas_root()
    if root is None:
        pytest.skip("the official DDI-L XSDs are absent: set DDICAT_DDI_SCHEMAS or run `ddicat schemas fetch`")
    return root


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    path = SHARED / "samples"
    if not path.is_dir():
        pytest.skip("../shared/samples is absent: the tests on real public files need it")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
