"""Name a place in a dossier file in the users' words, from schema titles and the data itself.

"/indsatsomraader/omraader/0/succeskriterier/0/baseline" becomes
"5. Indsatsområder › 5.1 Tryghed og trivsel › Klagesager › Baseline".
"""

from __future__ import annotations

from typing import Any

SEPARATOR = " › "


def item_label(item: Any, index: int) -> str | None:
    """The name a list element goes by: "5.1 Tryghed og trivsel", "Klagesager", "Boligselskabet Viborg"."""
    if isinstance(item, dict):
        nummer, navn = item.get("nummer"), item.get("navn")
        if isinstance(nummer, str) and isinstance(navn, str):
            return f"{nummer} {navn}"
        for key in ("titel", "navn", "betegnelse", "part", "rolle", "id"):
            value = item.get(key)
            if isinstance(value, str) and value:
                return value
    if isinstance(item, str) and 0 < len(item) <= 60:
        return item  # a file name or an area name in a list names itself
    return None


class Labeller:
    def __init__(self, schema: dict, resolver: Any):
        self.schema = schema
        self.resolver = resolver

    def _deref(self, node: Any, resolver: Any) -> tuple[Any, Any]:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
            seen += 1
        return node, resolver

    def _child(self, node: Any, resolver: Any, token: str | int) -> tuple[Any, Any]:
        """The schema node for one step down, still unresolved (so its own title wins over the $ref's)."""
        deref, resolver = self._deref(node, resolver)
        if not isinstance(deref, dict):
            return None, resolver
        if isinstance(token, int):
            return deref.get("items"), resolver
        props = deref.get("properties", {})
        if token in props:
            return props[token], resolver
        for branch in deref.get("allOf", []):
            then = branch.get("then", {}) if isinstance(branch, dict) else {}
            if token in then.get("properties", {}) and isinstance(then["properties"][token], dict):
                return then["properties"][token], resolver
        extra = deref.get("additionalProperties")
        return (extra if isinstance(extra, dict) else None), resolver

    def _title(self, node: Any, resolver: Any) -> str | None:
        if isinstance(node, dict) and "title" in node:
            return node["title"]
        deref, _ = self._deref(node, resolver)
        return deref.get("title") if isinstance(deref, dict) else None

    def label(self, parts: list[str | int], data: Any) -> str:
        node, resolver = self.schema, self.resolver
        names: list[str] = []
        for token in parts:
            child, resolver = self._child(node, resolver, token)
            here = data[token] if _has(data, token) else None
            if isinstance(token, int):
                names.append(item_label(here, token) or f"nr. {token + 1}")
            elif child is not None and isinstance(data, dict) and _is_map_entry(node, resolver, self):
                names.append(str(token))  # a free key such as an area name in per_omraade
            else:
                title = self._title(child, resolver) if child is not None else None
                names.append(title or str(token))
            # a list's own title adds nothing once its element is named
            if isinstance(token, int) and len(names) >= 2 and item_label(here, token):
                names.pop(-2)
            node, data = child, here
        return SEPARATOR.join(names)


def _has(data: Any, token: str | int) -> bool:
    if isinstance(token, int):
        return isinstance(data, list) and 0 <= token < len(data)
    return isinstance(data, dict) and token in data


def _is_map_entry(node: Any, resolver: Any, labeller: Labeller) -> bool:
    deref, _ = labeller._deref(node, resolver)
    return (
        isinstance(deref, dict)
        and "properties" not in deref
        and isinstance(deref.get("additionalProperties"), dict)
    )
