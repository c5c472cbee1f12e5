"""The README documents every setting and every command a user can type."""

from __future__ import annotations

from pathlib import Path

import click

from api.cli import main
from catalogue.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_with_its_description() -> None:
    for name, field in Settings.model_fields.items():
        variable = f"DDICAT_{name.upper()}"
        assert f"`{variable}`" in README, f"{variable} is not in the README's configuration table"
        assert field.description, f"{name} has no description in catalogue/settings.py"


def test_every_command_appears_in_the_readme() -> None:
    def walk(group: click.Group, prefix: str) -> list[str]:
        found = []
        for name, command in group.commands.items():
            path = f"{prefix} {name}"
            found.append(path)
            if isinstance(command, click.Group):
                found += walk(command, path)
        return found

    for command in walk(main, "ddicat"):
        words = command.split()
        leaf = words[-1]
        assert command in README or (len(words) > 2 and f"{' '.join(words[:-1])} " in README and leaf in README), (
            f"`{command}` is not in the README"
        )
