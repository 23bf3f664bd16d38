"""Section 2, Organisering: the bodies, their members (by party where the text names one), meeting
frequencies, kommissorium references and relations; the secretariat's part."""

from __future__ import annotations

import re

from checker.findings import Text
from checker.importer.recognise.fields import Notes
from checker.importer.recognise.layout import _heading_title, _Para, _Segment
from checker.importer.recognise.wording import (
    _BODY_TYPES,
    _FREQUENCY,
    _MEMBERS,
    _NUMBER_WORDS,
    _RELATIONS,
    _body_type,
    _fold,
    _sentences,
    _unique,
)
from checker.scaffold import U


class Organisation(Notes):
    """Reads section 2."""

    def _organisation(self, segment: _Segment | None, parties: list[dict], secretariat: dict) -> dict:
        out: dict = {
            "nummer": "2",
            "overskrift": _heading_title(segment, 2) if segment else "Organisering",
            "tekst": [],
        }
        bodies: list[dict] = []
        current: dict | None = None
        secretariat_text: list[str] = []
        closing: list[str] = []
        mode = "intro"
        secretariat_name = secretariat["navn"] if not secretariat["navn"].startswith(U) else None
        for para in self._topic_split(segment.paras if segment else [], secretariat_name):
            text = para.text
            if para.cells or text == "Organisationsdiagram":
                continue
            kind = _body_type(text)
            heading_body = para.heading and kind and len(text) <= 90 and not text.endswith(".")
            started = re.match(r"^Der\s+(?:nedsættes|etableres|oprettes|er nedsat)\s+(?:en|et|én|ét)\s", text)
            composed = kind and _MEMBERS.search(_sentences(text)[0]) and text.casefold().startswith(kind[:6])
            if para.heading and re.match(r"^sekretariat", text, re.IGNORECASE):
                mode = "secretariat"
                current = None
                continue
            if heading_body:
                current = self._new_body(text, kind, para, bodies)
                mode = "body"
                continue
            if started and kind:
                if current is None or current["_composed"] or current["type"] != kind:
                    current = self._new_body(None, kind, para, bodies)
                mode = "body"
            elif composed and (current is None or current["type"] != kind):
                current = self._new_body(None, kind, para, bodies)
                mode = "body"
            elif mode == "body" and self._about_secretariat(text, secretariat_name):
                mode = "secretariat"
                current = None
            if mode == "intro":
                out["tekst"].append(text)
            elif mode == "secretariat":
                if (
                    secretariat_text
                    and not self._about_secretariat(text, secretariat_name)
                    and not re.search(r"sekretariat", text, re.IGNORECASE)
                ):
                    closing.append(text)
                else:
                    secretariat_text.append(text)
            elif current is not None:
                self._body_text(current, para)
        taken: set[str] = {"sekretariat"}
        finished = [self._finish_body(b, parties, secretariat_name, taken) for b in bodies]
        if not finished:
            self.missing(
                "organisering/organer",
                Text(
                    "Afsnit 2 beskriver ingen organer, som importen kunne genkende (»Der nedsættes en bestyrelse …«).",
                    "Section 2 describes no body the import could recognise ('Der nedsættes en bestyrelse …').",
                ),
                segment.heading.block.where() if segment and segment.heading else None,
            )
            finished = [
                {
                    "id": "bestyrelse",
                    "navn": "Bestyrelsen",
                    "type": "bestyrelse",
                    "sammensaetning": f"{U}: bestyrelsens sammensætning.",
                    "medlemmer": [
                        {"rolle": f"{U}: rolle", "part": p["id"], "ledelsesniveau": True}
                        for p in parties
                        if p["type"] in ("kommune", "boligorganisation")
                    ]
                    or [{"rolle": f"{U}: rolle", "part": parties[0]["id"]}],
                    "moedefrekvens": {"min_pr_aar": 0, "max_pr_aar": 0, "tekst": f"{U}: mødefrekvens"},
                    "kommissorium": {"fil": "kommissorier/bestyrelse.json"},
                }
            ]
        elif not any(b["type"] == "bestyrelse" for b in finished):
            self.missing(
                "organisering/organer/bestyrelse",
                Text("Afsnit 2 nævner ingen bestyrelse.", "Section 2 names no board."),
            )
        ids = {b["id"] for b in finished} | {"sekretariat"}
        for body in finished:
            body["relationer"] = [
                r for r in body.get("relationer", []) if r["organ"] in ids and r["organ"] != body["id"]
            ]
            if not body["relationer"]:
                del body["relationer"]
        if not out["tekst"]:
            out["tekst"] = [f"{U}: projektorganisationen."]
        out["organer"] = finished
        if secretariat_text:
            out["sekretariatsbetjening"] = secretariat_text
        if closing:
            out["afsluttende_tekst"] = closing
        return out

    def _topic_split(self, paras: list[_Para], secretariat_name: str | None) -> list[_Para]:
        """Paragraphs split where a sentence starts a new body or the secretariat's part: a PDF keeps no
        empty line between paragraphs, so »… på det 1. møde. Boligselskabernes Fællessekretariat har …« may
        arrive as one."""
        out: list[_Para] = []
        for para in paras:
            sentences = _sentences(para.text) if not para.cells else []
            cuts = [
                k
                for k, sentence in enumerate(sentences)
                if k
                and (
                    re.match(r"^Der\s+(?:nedsættes|etableres|oprettes)\s", sentence)
                    or self._about_secretariat(sentence, secretariat_name)
                )
            ]
            if not cuts:
                out.append(para)
                continue
            for start, end in zip([0, *cuts], [*cuts, len(sentences)], strict=True):
                out.append(_Para(" ".join(sentences[start:end]), para.block, lines=sentences[start:end]))
        return out

    def _about_secretariat(self, text: str, name: str | None) -> bool:
        first = _sentences(text)[0] if text else ""
        if name and _fold(first).startswith(_fold(name)):
            return True
        return bool(re.match(r"^(?:Sekretariatet|Fællessekretariatet|Det boligsociale sekretariat)\b", first))

    def _new_body(self, name: str | None, kind: str, para: _Para, bodies: list[dict]) -> dict:
        body = {
            "_kind": kind,
            "type": kind,
            "_name": name,
            "_where": para.where,
            "_paras": [],
            "_composed": False,
        }
        bodies.append(body)
        return body

    def _body_text(self, body: dict, para: _Para) -> None:
        text = para.text
        label = re.match(r"^(Mødefrekvens|Relationer|Hører til)\s*:\s*(.+)$", text)
        if label:
            body["_paras"].append((label[1].lower(), label[2], para))
            return
        if not body["_composed"] and any(_MEMBERS.search(s) for s in _sentences(text)):
            body["_composed"] = True
        body["_paras"].append(("text", text, para))

    def _finish_body(
        self, body: dict, parties: list[dict], secretariat_name: str | None, taken: set[str]
    ) -> dict:
        kind = body["type"]
        name = body["_name"] or next(n for k, _, n in _BODY_TYPES if k == kind)
        composition: list[str] = []
        tasks: list[str] = []
        frequency: dict | None = None
        commission: str | None = None
        relations: list[dict] = []
        tie: dict = {}
        member_sentence = None
        member_where = body["_where"]
        for what, text, para in body["_paras"]:
            if what == "mødefrekvens":
                frequency = frequency or _frequency(text)
                if frequency:
                    self.found(f"organisering/{name}/moedefrekvens", frequency["tekst"], para.where)
                continue
            if what == "relationer":
                relations += self._relations(text)
                continue
            if what == "hører til":
                m = re.search(r"indsatsområde\s+(5\.\d+)", text)
                if m:
                    tie["indsatsomraade"] = m[1]
                else:
                    m = re.search(r"område\s+(.+)$", text)
                    if m:
                        tie["omraade"] = m[1].strip()
                continue
            rest: list[str] = []
            for sentence in _sentences(text):
                if member_sentence is None and _MEMBERS.search(sentence):
                    member_sentence = sentence
                    member_where = para.where
                    composition.extend(rest)
                    composition.append(sentence)
                    rest = []
                    continue
                taken_out = False
                if frequency is None and _FREQUENCY.search(sentence):
                    frequency = _frequency(sentence)
                    self.found(f"organisering/{name}/moedefrekvens", sentence, para.where)
                    taken_out = True
                elif commission is None and re.search(r"kommissori", sentence, re.IGNORECASE):
                    commission = sentence
                    taken_out = True
                if taken_out:  # the text on either side stays two runs of the source's words
                    if rest:
                        tasks.append(" ".join(rest))
                        rest = []
                    continue
                rest.append(sentence)
            if rest:
                if member_sentence is None and not composition and re.match(r"^Der\s", rest[0]):
                    composition.extend(rest)
                else:
                    tasks.append(" ".join(rest))
        tied = kind == "styregruppe" and "indsatsomraade" in tie
        pid = _unique(f"styregruppe-{tie['indsatsomraade'].replace('.', '-')}" if tied else kind, taken)
        out: dict = {"id": pid, "navn": name, "type": kind}
        if tie:
            out.update(tie)
        out["sammensaetning"] = (
            " ".join(composition) if composition else f"{U}: {name.lower()}s sammensætning."
        )
        members = (
            self._members(member_sentence, parties, secretariat_name, name, member_where)
            if member_sentence
            else []
        )
        if not members:
            members = [{"rolle": f"{U}: rolle", "organisation": f"{U}: organisation"}]
            self.missing(
                f"organisering/{name}/medlemmer",
                Text(
                    f"{name}s medlemmer er ikke fundet (»består af …«).",
                    f"The members of {name} were not found ('består af …').",
                ),
                body["_where"],
            )
        if kind == "bestyrelse":
            for m in members:
                party = next((p for p in parties if p["id"] == m.get("part")), None)
                if party and re.search(r"direktør|chef|forretningsfører|leder", m["rolle"], re.IGNORECASE):
                    m["ledelsesniveau"] = True
        out["medlemmer"] = members
        if tasks:
            out["opgaver"] = tasks
        if frequency is None:
            frequency = {"min_pr_aar": 0, "max_pr_aar": 0, "tekst": f"{U}: hvor ofte {name.lower()} mødes"}
            self.missing(
                f"organisering/{name}/moedefrekvens",
                Text(
                    f"Hvor ofte {name.lower()} mødes, er ikke fundet.",
                    f"How often {name} meets was not found.",
                ),
                body["_where"],
            )
        placement = frequency.pop("_placering", None)
        out["moedefrekvens"] = frequency
        if placement:
            out["moedeplacering"] = placement
        if kind == "bestyrelse":
            out["kommissorium"] = {"fil": "kommissorier/bestyrelse.json"}
            if commission:
                out["kommissorium"]["kildetekst"] = commission
        elif commission:
            out["kommissorium"] = {"fil": f"kommissorier/{pid}.json", "kildetekst": commission}
            self.review(
                f"organisering/{name}/kommissorium",
                commission,
                body["_where"],
                Text(
                    f"Aftalen henviser til et kommissorium for {name.lower()}; det er ikke en del af kilden og "
                    f"skal lægges i dossieret som kommissorier/{pid}.json.",
                    f"The agreement refers to terms of reference for {name}; they are not part of the source "
                    f"and belong in the dossier as kommissorier/{pid}.json.",
                ),
            )
        else:
            out["kommissorium"] = {
                "begrundelse": f"{U}: kommissorium for {name.lower()} eller hvorfor der ikke er et"
            }
            self.missing(
                f"organisering/{name}/kommissorium",
                Text(
                    f"Aftalen nævner intet kommissorium for {name.lower()}.",
                    f"The agreement names no terms of reference for {name}.",
                ),
                body["_where"],
            )
        if relations:
            out["relationer"] = relations
        return out

    def _relations(self, text: str) -> list[dict]:
        """aftale's own »Relationer: Refererer til Bestyrelsen. Faciliteres af <sekretariatet>.«"""
        out = []
        for part in re.split(r"\.\s*", text):
            for words, kind in _RELATIONS.items():
                if not part.casefold().startswith(words):
                    continue
                target = part[len(words) :].strip().rstrip(".")
                if self._secretariat_name and _fold(target) == _fold(self._secretariat_name):
                    out.append({"type": kind, "organ": "sekretariat"})
                elif body := _body_type(target):
                    out.append({"type": kind, "organ": body})
        return out

    def _members(
        self, sentence: str, parties: list[dict], secretariat_name: str | None, body: str, where: str
    ) -> list[dict]:
        text = _MEMBERS.split(sentence, maxsplit=1)[1].strip().rstrip(".")
        aliases = self._aliases
        protected = text
        kept: list[str] = []
        for alias in sorted((a for a, _ in aliases if "," in a), key=len, reverse=True):

            def keep(m: re.Match) -> str:
                kept.append(m[0])
                return f"\x00{len(kept) - 1}\x00"

            protected = re.sub(re.escape(alias), keep, protected, flags=re.IGNORECASE)
        names = "|".join(re.escape(a) for a, _ in sorted(aliases, key=lambda x: -len(x[0])))
        og = r"(?<!-)\s+og\s+(?=[a-zæøå]" + (rf"|(?i:{names})" if names else "") + ")"
        pieces = re.split(rf",\s*(?:samt\s+|og\s+)?|\s+samt\s+|{og}", protected)

        def restore(s: str) -> str:
            return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m[1])], s)

        pieces = [restore(p).strip() for p in pieces if p and p.strip()]
        found = [self._mention(p, aliases) for p in pieces]
        # »direktøren for A og direktøren for B i Eksempelby Kommune«: the last one's party is both's
        inherited = [False] * len(pieces)
        for k in range(len(pieces) - 2, -1, -1):
            nxt = found[k + 1]
            if found[k] is None and nxt is not None and nxt[2] in ("i", "hos", "på", "ved"):
                found[k] = (nxt[0], "", nxt[2])
                inherited[k] = True
        members: list[dict] = []
        pending: tuple[dict, str] | None = None
        for k, piece in enumerate(pieces):
            mention = found[k]
            if piece.casefold().startswith("udpeget af") and members:
                members[-1]["udpeget_af"] = piece[len("udpeget af") :].strip()
                members[-1]["kildetekst"] += f", {piece}"
                continue
            if mention and not inherited[k] and _fold(piece) == _fold(mention[1]):
                pending = (mention[0], piece)  # »Viborg kommune, direktør for …«
                continue
            member: dict = {}
            count = re.match(r"^(\d+|to|tre|fire|fem|seks|syv|otte|ni|ti)\s+(?=\S)", piece, re.IGNORECASE)
            role_text = piece[count.end() :] if count else piece
            if count:
                member["antal"] = int(count[1]) if count[1].isdigit() else _NUMBER_WORDS[count[1].lower()]
            if mention:
                role = role_text
                if mention[1]:
                    role = re.sub(re.escape(mention[1]), "", role_text, count=1, flags=re.IGNORECASE)
                role = re.sub(r"\s+(?:for|fra|i|hos|ved|på|til|af)\s*$", "", role.strip()).strip(" ,")
                member["rolle"] = role or role_text
                member["part"] = mention[0]["id"]
                if mention[1] and _fold(mention[1]) != _fold(mention[0]["navn"]):
                    member["organisation"] = mention[1]
                kilde = piece
            elif pending is not None:
                member["rolle"] = role_text
                member["part"] = pending[0]["id"]
                if _fold(pending[1]) != _fold(pending[0]["navn"]):
                    member["organisation"] = pending[1]
                kilde = f"{pending[1]}, {piece}"
            else:
                role, org = _role_and_organisation(role_text, secretariat_name)
                member["rolle"] = role
                if org is None:
                    member["organisation"] = f"{U}: organisation"
                    self.review(
                        f"organisering/{body}/medlemmer",
                        piece,
                        where,
                        Text(
                            f"»{piece}« nævner ingen organisation; udfyld den.",
                            f"'{piece}' names no organisation; fill it in.",
                        ),
                    )
                else:
                    member["organisation"] = org
                kilde = piece
            pending = None
            member["kildetekst"] = kilde
            members.append(_ordered_member(member))
        if members:
            self.review(
                f"organisering/{body}/medlemmer",
                f"{len(members)} medlemmer",
                where,
                Text(
                    f"{body}s medlemmer er læst af sætningen »{sentence}«; kontrollér roller og organisationer.",
                    f"The members of {body} are read from the sentence '{sentence}'; check roles and organisations.",
                ),
            )
        return members

    def _mention(self, piece: str, aliases: list[tuple[str, dict]]) -> tuple[dict, str, str] | None:
        """(party, the words naming it, the preposition before them) of the longest party name in a piece."""
        best = None
        for alias, party in aliases:
            m = re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", piece, re.IGNORECASE)
            if m and (best is None or len(m[0]) > len(best[1])):
                before = piece[: m.start()].rstrip().rsplit(" ", 1)[-1].lower() if m.start() else ""
                best = (party, m[0], before)
        return best


def _role_and_organisation(text: str, secretariat: str | None) -> tuple[str, str | None]:
    """A member that names no party: »Biskop for Viborg Stift« -> (Biskop, Viborg Stift); »sekretariatsleder
    Fællessekretariatet« -> (sekretariatsleder, the secretariat); »den boligsociale leder« -> the secretariat."""
    if secretariat:
        stem = secretariat.split()[-1][:12].casefold()
        m = re.search(rf"\b\w*{re.escape(stem)}\w*\b", text, re.IGNORECASE) if len(stem) >= 8 else None
        if m:
            role = (text[: m.start()] + text[m.end() :]).strip()
            role = re.sub(r"\s+(?:for|fra|i|hos|ved|på)$", "", role).strip()
            return role or text, secretariat
        if re.search(r"boligsocial\w* leder|sekretariatsleder", text, re.IGNORECASE):
            return text, secretariat
    m = re.match(r"^(.+?)\s+(?:for|fra|i|hos|ved|på)\s+(.+)$", text)
    if m:
        return m[1], m[2]
    return text, None


def _ordered_member(member: dict) -> dict:
    order = ("rolle", "part", "organisation", "navn", "udpeget_af", "ledelsesniveau", "antal", "kildetekst")
    return {k: member[k] for k in order if k in member}


def _frequency(text: str) -> dict | None:
    m = _FREQUENCY.search(text)
    if not m:
        return None

    def value(s: str) -> int:
        return int(s) if s.isdigit() else _NUMBER_WORDS[s.lower()]

    low = value(m["min"])
    high = value(m["max"]) if m["max"] else low
    out: dict = {"min_pr_aar": min(low, high), "max_pr_aar": max(low, high)}
    if m["ca"]:
        out["cirka"] = True
    out["tekst"] = text.strip()
    after = re.match(r"^,\s*(.+?)\.?$", text[m.end() :].strip())
    if after:
        out["_placering"] = after[1]
    return out
