"""Settings that let VS Code validate and autocomplete dossier files from the bundled schemas.

VS Code matches dossier files to schemas with "json.schemas" fileMatch patterns. Newer versions resolve
a schema's "$ref" against its "$id" (https://lbf-aftale.dk/...), an identifier that is not served
anywhere, so each "$id" is also mapped to the local schema file.
"""

from __future__ import annotations

import json
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.resources import schema_dir

#: dossier file patterns (relative to any dossier folder) -> schema file
FILE_PATTERNS = {
    "samarbejdsaftale.json": "samarbejdsaftale.schema.json",
    "delaftaler/*.json": "delaftale.schema.json",
    "kommissorier/*.json": "kommissorium.schema.json",
    "milepaelsplan.json": "milepaelsplan.schema.json",
    "beredskabsplan.json": "beredskabsplan.schema.json",
    "opfoelgning.json": "opfoelgning.schema.json",
}


def json_schemas_setting() -> list[dict]:
    folder = schema_dir()
    entries: list[dict] = []
    for pattern, name in FILE_PATTERNS.items():
        entries.append({"fileMatch": [f"**/{pattern}"], "url": (folder / name).as_uri()})
    for path in sorted(folder.glob("*.schema.json")):
        schema_id = json.loads(path.read_text(encoding="utf-8"))["$id"]
        entries.append({"url": schema_id, "schema": {"$ref": path.as_uri()}})
    return entries


def write_workspace_settings(workspace: Path) -> Path:
    """Create or update WORKSPACE/.vscode/settings.json; other settings in the file are kept."""
    target = workspace / ".vscode" / "settings.json"
    settings: dict = {}
    if target.exists():
        try:
            settings = json.loads(target.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            raise CouldNotRun(
                Text(
                    f"{target} kan ikke læses som ren JSON (har den kommentarer?); "
                    "kopiér i stedet udskriften af »aftale schemas --vscode« ind i filen.",
                    f"{target} cannot be read as plain JSON (does it have comments?); "
                    "paste the output of 'aftale schemas --vscode' into it instead.",
                )
            ) from None
        if not isinstance(settings, dict):
            raise CouldNotRun(Text(f"{target} er ikke et JSON-objekt.", f"{target} is not a JSON object."))
    ours = {e["url"] for e in json_schemas_setting()}
    kept = [e for e in settings.get("json.schemas", []) if not (isinstance(e, dict) and e.get("url") in ours)]
    settings["json.schemas"] = kept + json_schemas_setting()
    from checker.files import write_file

    try:
        target.parent.mkdir(exist_ok=True)  # .vscode in the workspace, which must exist
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke oprette {target.parent}: {exc.strerror}.",
                f"Cannot create {target.parent}: {exc.strerror}.",
            )
        ) from None
    return write_file(target, json.dumps(settings, ensure_ascii=False, indent=2) + "\n")
