"""aftale schemas --vscode / --write: VS Code settings mapping dossier files and schema $ids to local files."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.conftest import SCHEMAS


def _path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def test_vscode_setting_maps_each_dossier_file_and_each_schema_id_to_an_existing_file(run):
    code, out, _ = run("schemas", "--vscode")
    assert code == 0
    entries = json.loads(out)["json.schemas"]
    by_pattern = {e["fileMatch"][0]: _path(e["url"]).name for e in entries if "fileMatch" in e}
    assert by_pattern == {
        "**/samarbejdsaftale.json": "samarbejdsaftale.schema.json",
        "**/delaftaler/*.json": "delaftale.schema.json",
        "**/kommissorier/*.json": "kommissorium.schema.json",
        "**/milepaelsplan.json": "milepaelsplan.schema.json",
        "**/beredskabsplan.json": "beredskabsplan.schema.json",
        "**/opfoelgning.json": "opfoelgning.schema.json",
    }
    ids = {e["url"]: _path(e["schema"]["$ref"]) for e in entries if "schema" in e}
    for schema in SCHEMAS.glob("*.schema.json"):
        schema_id = json.loads(schema.read_text(encoding="utf-8"))["$id"]
        assert ids[schema_id].read_bytes() == schema.read_bytes()


def test_write_keeps_other_settings_and_replaces_only_its_own_entries(run, tmp_path):
    settings = tmp_path / ".vscode" / "settings.json"
    settings.parent.mkdir()
    other = {"fileMatch": ["*.foo.json"], "url": "./foo.schema.json"}
    settings.write_text(json.dumps({"editor.tabSize": 2, "json.schemas": [other]}), encoding="utf-8")
    assert run("schemas", "--write", tmp_path)[0] == 0
    assert run("schemas", "--write", tmp_path)[0] == 0  # twice: no duplicates
    written = json.loads(settings.read_text(encoding="utf-8"))
    assert written["editor.tabSize"] == 2
    assert written["json.schemas"][0] == other
    assert len(written["json.schemas"]) == 1 + 6 + 8  # theirs, our file patterns, our 8 schema ids


def test_write_refuses_settings_with_comments_and_leaves_them_alone(run, tmp_path):
    settings = tmp_path / ".vscode" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{\n  // my comment\n  "editor.tabSize": 2\n}\n', encoding="utf-8")
    code, _, err = run("schemas", "--write", tmp_path)
    assert code == 2 and "kan ikke læses som ren JSON" in err
    assert "// my comment" in settings.read_text(encoding="utf-8")


def test_write_refuses_a_workspace_that_does_not_exist(run, tmp_path):
    code, _, err = run("schemas", "--write", tmp_path / "findes-ikke")
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "findes-ikke").exists()
