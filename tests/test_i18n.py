"""Both languages ship complete: every UI string has a bokmål translation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po"
SOURCES = [
    "cil",
    "activities",
    "portfolio",
    "certificates",
    "retention",
    "demo",
    "templates",
    "manage.py",
]


def po_entries(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for every entry but the header, from a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = ""
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current] += line[1:-1]
                continue
            key, _, value = line.partition(" ")
            current = key
            fields[key] = value[1:-1]
        if fields.get("msgid"):
            strs = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append((fields["msgid"], strs, fuzzy))
    return entries


def test_every_string_in_the_catalogue_is_translated() -> None:
    entries = po_entries(PO)
    assert len(entries) > 50
    untranslated = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert untranslated == []


def test_catalogue_is_up_to_date_with_the_source(tmp_path: Path) -> None:
    """makemessages on the current source finds no string the catalogue lacks."""
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, tmp_path / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nb", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "true",
            "PYTHONPATH": str(tmp_path),
        },
    )
    fresh = {msgid for msgid, _, _ in po_entries(tmp_path / "locale/nb/LC_MESSAGES/django.po")}
    shipped = {msgid for msgid, _, _ in po_entries(PO)}
    assert sorted(fresh - shipped) == [], "run: make messages-update, then translate"


@pytest.mark.django_db
def test_pages_render_in_bokmal(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="nb")
    page = response.content.decode()
    assert '<html lang="nb"' in page
    assert "Slik fungerer det" in page or "Studieprogram" in page
    with translation.override("nb"):
        assert translation.gettext("My portfolio") == "Min portefølje"
