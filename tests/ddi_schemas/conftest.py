"""Fixtures of the ddi_schemas tests: one compiled SchemaSet per session, and the DDI fixtures folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddi_schemas.compiled import SchemaSet


@pytest.fixture(scope="session")
def schemas(schemas_dir: Path) -> SchemaSet:
    return SchemaSet(schemas_dir)


@pytest.fixture(scope="session")
def ddi_fixtures(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ddi"


@pytest.fixture(scope="session")
def ddi_samples(samples_dir: Path) -> Path:
    return samples_dir / "ddi"
