"""The `ddicat` command line, as an operator uses it: real database, real index, real schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from api.cli import main

COHORT = "ddi/cohort_two_waves_3_3.xml"


@pytest.fixture
def cli(tmp_path: Path, database_url: str, schemas_dir: Path):
    """Run `ddicat ARGS` with the environment a user would set, on a fresh catalogue."""
    env = {
        "DDICAT_DATA_DIR": str(tmp_path / "var"),
        "DDICAT_DATABASE_URL": database_url,
        "DDICAT_DDI_SCHEMAS": str(schemas_dir),
    }

    def run(*args: str, input: str | None = None):  # noqa: ANN202 - a click Result
        return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)

    return run


def test_import_prints_counts_and_warnings_then_search_and_export_work(cli, fixtures_dir, tmp_path, schemas_dir):
    imported = cli("import", str(fixtures_dir / COHORT), "--study", "eveil")
    assert imported.exit_code == 0, imported.output
    assert "into study 'eveil': release 1 (published)" in imported.output
    assert "Variable" in imported.output and "new item versions" in imported.output

    found = cli("search", "allaitement", "--json")
    assert found.exit_code == 0
    body = json.loads(found.output)
    assert body["total"] >= 1 and body["hits"][0]["study"] == "eveil"

    out = tmp_path / "eveil.xml"
    exported = cli("export", "--study", "eveil", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    assert schema.validate(etree.parse(str(out))), schema.error_log.last_error

    fragment = cli("export", "--study", "eveil", "--format", "fragment")
    assert fragment.exit_code == 0 and b"FragmentInstance" in fragment.stdout_bytes

    rebuilt = cli("reindex")
    assert rebuilt.exit_code == 0 and "Indexed" in rebuilt.output
    assert json.loads(cli("search", "allaitement", "--json").output)["total"] == body["total"]


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "entit"),
    (b'<?xml version="1.0"?><DDIInstance xmlns="ddi:instance:3_3"><r:URN', "truncated"),
])
def test_bad_input_gets_one_line_and_exit_code_1(cli, tmp_path, content, reason):
    path = tmp_path / "entree.xml"
    path.write_bytes(content)
    result = cli("import", str(path), "--study", "eveil")
    assert result.exit_code == 1
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith("ddicat: error: ") and "entree.xml" in first_line and reason in first_line.lower()
    assert "Traceback" not in result.output + result.stderr


def test_missing_file_and_unknown_study_are_one_line_errors(cli, tmp_path):
    missing = cli("import", str(tmp_path / "absent.xml"), "--study", "eveil")
    assert missing.exit_code != 0 and "absent.xml" in missing.output + missing.stderr
    unknown = cli("export", "--study", "nope")
    assert unknown.exit_code == 1 and unknown.stderr.strip() == "ddicat: error: no study 'nope' in the catalogue"


def test_without_schemas_the_commands_say_how_to_get_them(tmp_path, fixtures_dir):
    env = {"DDICAT_DATA_DIR": str(tmp_path / "var"), "DDICAT_DDI_SCHEMAS": str(tmp_path / "nowhere")}
    result = CliRunner().invoke(main, ["import", str(fixtures_dir / COHORT), "--study", "eveil"], env=env)
    assert result.exit_code == 1
    assert "ddicat schemas fetch" in result.stderr and "DDICAT_DDI_SCHEMAS" in result.stderr


def test_schemas_path_verify_and_fetch_from_a_local_copy(cli, tmp_path, schemas_dir):
    assert cli("schemas", "path").output.strip() == str(schemas_dir)
    assert cli("schemas", "verify").exit_code == 0
    fetched = cli("schemas", "fetch", "--from", str(schemas_dir))
    assert fetched.exit_code == 0, fetched.output
    assert (tmp_path / "var" / "ddi-schemas" / "3.3" / "instance.xsd").is_file()


def test_demo_loads_the_cohorts_once(cli):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "into study 'elfe'" in first.output and "into study 'epipage2'" in first.output
    assert "Merged with the wave's questionnaire" in first.output
    again = cli("demo")
    assert again.exit_code == 0 and "already loaded" in again.output
