"""Report every signature in a PDF – made by aftale or by a signing service – and what is missing.

Who must sign is read from the signing requirement the build wrote into the document (signed content;
checker.sign.requirement), never from anything else in the file. For each embedded signature: who (name,
organisation, CVR/RID from the certificate), the field and the party it belongs to, whether the
certificate identifies that party, when (the signer's own clock, and an RFC 3161 time stamp where
present), whether the signed bytes are unchanged (intact), whether the signature is cryptographically
correct (valid), whether the certificate chains to one of the given trust certificates (trusted), what
part of the file it covers, and every change made after it that is more than a later signature, form
filling or archival data (modified_after, changes_after). Signature files attached to the PDF (.p7s and
the like) are listed, not verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.sign import FIELD_PREFIX, quiet_libraries, read_pdf_bytes

SIGNATURE_FILE_SUFFIXES = (".p7s", ".p7m", ".sig", ".asice", ".asics")
KIND_SIGNATURE = "signature"
KIND_TIMESTAMP = "document-timestamp"
COVERAGE_FILE = "entire-file"
COVERAGE_REVISION = "entire-revision"
COVERAGE_PARTIAL = "partial"
MAX_REVISIONS = 100  # a signed agreement has a revision per signature; thousands only make analysis slow


@dataclass
class SignatureInfo:
    field: str
    signer: str | None
    organisation: str | None
    time: datetime | None  # the time stamp's time where one is valid, else the signer's own clock
    intact: bool
    valid: bool
    trusted: bool
    modified_after: bool
    seal: bool
    problems: list[Text] = field(default_factory=list)
    kind: str = KIND_SIGNATURE  # or "document-timestamp" (an archive time stamp, not a party's signature)
    party: str | None = None  # the party the field belongs to, from the signing requirement
    party_ok: bool | None = None  # does the certificate identify that party? None: no party to compare
    identifiers: list[str] = field(default_factory=list)  # "CVR 12345678", "RID 1234"
    signer_time: datetime | None = None  # as the signer's machine reported it
    timestamp: datetime | None = None  # from a valid RFC 3161 signature time stamp (PAdES B-T)
    timestamp_authority: str | None = None
    coverage: str = COVERAGE_PARTIAL
    revision: int | None = None  # 1-based revision the signature ends
    changes_after: list[Text] = field(default_factory=list)
    identity: object = field(default=None, repr=False)  # checker.sign.requirement.Identity

    @property
    def holds(self) -> bool:
        return self.intact and self.valid and not self.modified_after and self.party_ok is not False


@dataclass
class PdfVerification:
    path: Path
    signatures: list[SignatureInfo]
    empty_fields: list[str]
    missing: list[str]  # required fields not signed (or not even there)
    attachments: list[str]
    ok: bool
    requirement: dict | None = None
    problems: list[Text] = field(default_factory=list)  # about the document as a whole
    notes: list[Text] = field(default_factory=list)  # worth saying, not failing
    recorded: list[dict] = field(default_factory=list)  # parties recorded as signed elsewhere
    revisions: int = 0
    trust_given: bool = False

    def party_of(self, field_name: str) -> str | None:
        from checker.sign.requirement import party_for_field

        party = party_for_field(self.requirement, field_name)
        return party["part"] if party else None


# --------------------------------------------------------------------------- trust


def _load_trust(trust) -> list:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    roots = []
    for path in trust:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CouldNotRun(
                Text(
                    f"Tillidscertifikatet {path} kan ikke læses: {exc.strerror}.",
                    f"The trust certificate {path} cannot be read: {exc.strerror}.",
                )
            ) from None
        try:
            if pem.detect(data):
                found = [
                    asn1_x509.Certificate.load(der)
                    for kind, _h, der in pem.unarmor(data, multiple=True)
                    if kind == "CERTIFICATE"
                ]
            else:
                found = [asn1_x509.Certificate.load(data)]
            for cert in found:
                cert.native  # noqa: B018 - parse fully now, so garbage fails here
        except (ValueError, TypeError, OSError):
            found = []
        if not found:
            raise CouldNotRun(
                Text(
                    f"{path} indeholder intet certifikat, som kan læses (PEM eller DER).",
                    f"{path} contains no readable certificate (PEM or DER).",
                )
            )
        roots.extend(found)
    return roots


# --------------------------------------------------------------------------- one signature


def _name_parts(cert) -> tuple[str | None, str | None, bool]:
    """(CN, O, looks like a seal) of an asn1crypto certificate's subject."""
    try:
        subject = cert.subject.native
    except (ValueError, AttributeError):
        return None, None, False

    def first(key):
        value = subject.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        return str(value) if value else None

    cn, org = first("common_name"), first("organization_name")
    personal = any(subject.get(k) for k in ("given_name", "surname", "pseudonym"))
    seal = not personal and (cn is None or (org is not None and cn.casefold() == org.casefold()))
    return cn, org, seal


def _modified_after(status, later_checked: bool = False) -> bool:
    """True when the document changed after this signature beyond later signatures, form filling and
    archival (DSS / document time stamp) updates, or when that cannot be established. With
    later_checked, an earlier signature's analysis already found every later revision allowed."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel

    coverage = status.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return True  # the signed bytes do not end at a revision boundary
    if later_checked:
        return False
    level = status.modification_level
    if level is None or level > ModificationLevel.FORM_FILLING:
        return True
    return status.docmdp_ok is False


def _trust_problem(status, trust_given: bool) -> Text | None:
    if status.trusted or not trust_given:
        return None
    indic = getattr(status.trust_problem_indic, "name", None)
    if status.revoked:
        return Text("Certifikatet er tilbagekaldt.", "The certificate has been revoked.")
    if indic in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return Text("Certifikatet er udløbet.", "The certificate has expired.")
    if indic == "NOT_YET_VALID":
        return Text("Certifikatet er endnu ikke gyldigt.", "The certificate is not valid yet.")
    if indic == "SIG_CONSTRAINTS_FAILURE":
        return Text(
            "Certifikatet må ikke bruges til underskrifter (nøgleanvendelse).",
            "The certificate may not be used for signatures (key usage).",
        )
    return Text(
        "Certifikatet fører ikke til et af de betroede certifikater (--trust).",
        "The certificate does not chain to one of the trusted certificates (--trust).",
    )


def _common_problems(info: SignatureInfo, status, trust_given: bool) -> None:
    if not info.intact:
        info.problems.append(
            Text(
                "Dokumentet er ændret efter underskriften: de underskrevne bytes stemmer ikke (signaturen er brudt).",
                "The document was changed after signing: the signed bytes do not match (the signature is broken).",
            )
        )
    elif not info.valid:
        info.problems.append(
            Text("Signaturen er ikke kryptografisk gyldig.", "The signature is not cryptographically valid.")
        )
    problem = _trust_problem(status, trust_given) if info.intact and info.valid else None
    if problem:
        info.problems.append(problem)
    if info.modified_after:
        info.problems.append(
            Text(
                "Dokumentet er ændret efter underskriften på anden måde end med senere underskrifter "
                "eller udfyldning af felter.",
                "The document was changed after signing in other ways than later signatures or filling in fields.",
            )
        )


def _unreadable(name: str, exc: BaseException) -> SignatureInfo:
    return SignatureInfo(
        field=name,
        signer=None,
        organisation=None,
        time=None,
        intact=False,
        valid=False,
        trusted=False,
        modified_after=False,
        seal=False,
        problems=[
            Text(
                f"Signaturen i feltet {name} kan ikke kontrolleres ({exc}).",
                f"The signature in the field {name} cannot be verified ({exc}).",
            )
        ],
    )


def _coverage(status) -> str:
    from pyhanko.sign.validation import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return COVERAGE_FILE
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return COVERAGE_REVISION
    return COVERAGE_PARTIAL


def _check_signature(sig, trust_roots: list, trust_given: bool, later_checked: bool = False) -> SignatureInfo:
    from pyhanko.sign.validation import KeyUsageConstraints, validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    from checker.sign.requirement import identity_of

    def context():
        # no trust roots given: an empty list, never the operating system's store
        return ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)

    name = sig.field_name
    if sig.sig_object_type == "/DocTimeStamp":
        status = validate_pdf_timestamp(sig, validation_context=context())
        cn, org, _seal = _name_parts(status.signing_cert)
        info = SignatureInfo(
            field=name,
            signer=cn,
            organisation=org,
            time=status.timestamp,
            intact=bool(status.intact),
            valid=bool(status.intact and status.valid),
            trusted=bool(status.trusted),
            modified_after=_modified_after(status),
            seal=False,
            kind=KIND_TIMESTAMP,
            timestamp=status.timestamp,
            timestamp_authority=cn or org,
            coverage=_coverage(status),
        )
        _common_problems(info, status, trust_given)
        return info

    status = validate_pdf_signature(
        sig,
        signer_validation_context=context(),
        ts_validation_context=context(),
        key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}),
        skip_diff=later_checked,
    )
    cn, org, seal = _name_parts(status.signing_cert)
    identity = identity_of(status.signing_cert)
    when = status.signer_reported_dt
    ts = status.timestamp_validity
    stamp_time = stamp_by = None
    if ts is not None and ts.intact and ts.valid:
        stamp_time = ts.timestamp
        stamp_cn, stamp_org, _s = _name_parts(ts.signing_cert)
        stamp_by = stamp_cn or stamp_org
    info = SignatureInfo(
        field=name,
        signer=cn,
        organisation=org,
        time=stamp_time or when,
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        modified_after=_modified_after(status, later_checked),
        seal=seal,
        identifiers=identity.identifiers(),
        signer_time=when,
        timestamp=stamp_time,
        timestamp_authority=stamp_by,
        coverage=_coverage(status),
    )
    _common_problems(info, status, trust_given)
    if ts is not None and not (ts.intact and ts.valid):
        info.problems.append(
            Text("Signaturens tidsstempel er ikke gyldigt.", "The signature's time stamp is not valid.")
        )
    elif ts is not None and trust_given and not ts.trusted:
        info.problems.append(
            Text(
                "Tidsstemplets udsteder fører ikke til et af de betroede certifikater (--trust).",
                "The time stamp's issuer does not chain to one of the trusted certificates (--trust).",
            )
        )
    info.identity = identity
    return info


# --------------------------------------------------------------------------- attachments


def _file_name(spec) -> str | None:
    from pyhanko.pdf_utils.misc import PdfError

    try:
        spec = spec.get_object()
        for key in ("/UF", "/F"):
            if key in spec:
                return str(spec[key])
    except (PdfError, AttributeError, KeyError, TypeError, ValueError):
        return None
    return None


def _name_tree(node, depth=0):
    """(key, value) pairs of a PDF name tree."""
    if depth > 32:
        return
    node = node.get_object()
    names = node.get("/Names")
    if names is not None:
        names = names.get_object()
        for i in range(0, len(names) - 1, 2):
            yield names[i], names[i + 1]
    for kid in node.get("/Kids", ()) or ():
        yield from _name_tree(kid, depth + 1)


def looks_like_signature_file(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(SIGNATURE_FILE_SUFFIXES):
        return True
    return lower.endswith(".xml") and ("sign" in lower or "underskrift" in lower)


def _attachments(reader) -> list[str]:
    from pyhanko.pdf_utils.misc import PdfError

    names: list[str] = []
    try:
        root = reader.root
        tree = root.get("/Names")
        tree = tree.get_object().get("/EmbeddedFiles") if tree is not None else None
        if tree is not None:
            for key, spec in _name_tree(tree):
                names.append(_file_name(spec) or str(key))
    except (PdfError, AttributeError, KeyError, TypeError, ValueError, RecursionError):
        pass
    try:
        pages = reader.root["/Pages"]
        stack = [pages]
        seen = 0
        while stack and seen < 100000:
            seen += 1
            node = stack.pop().get_object()
            if "/Kids" in node:
                stack.extend(reversed(list(node["/Kids"])))
                continue
            for annot in node.get("/Annots", ()) or ():
                annot = annot.get_object()
                if annot.get("/Subtype") == "/FileAttachment" and "/FS" in annot:
                    name = _file_name(annot["/FS"])
                    if name:
                        names.append(name)
    except (PdfError, AttributeError, KeyError, TypeError, ValueError, RecursionError):
        pass
    return [n for n in dict.fromkeys(names) if looks_like_signature_file(n)]


# --------------------------------------------------------------------------- the document


def _trailing_bytes(data: bytes, sig, infos: list[SignatureInfo]) -> None:
    """Bytes after the last revision that belong to no revision (no cross-reference section covers them):
    ignored by PDF readers, but not signed by anyone, so never "intact"."""
    try:
        byte_range = [int(x) for x in sig.sig_object["/ByteRange"]]
        end = byte_range[2] + byte_range[3]
    except (KeyError, TypeError, ValueError, IndexError):
        return
    extra = len(data[end:].strip())
    if extra == 0:
        return
    text = Text(
        f"{extra} bytes efter dokumentets sidste revision, som ingen underskrift dækker",
        f"{extra} bytes after the document's last revision, covered by no signature",
    )
    for info in infos:
        if info.kind == KIND_SIGNATURE:
            info.changes_after.append(text)
            if not info.modified_after:
                info.modified_after = True
                info.problems.append(
                    Text(
                        f"Dokumentet er ændret efter underskriften: {text.da}.",
                        f"The document was changed after signing: {text.en}.",
                    )
                )


def _read_requirement(reader, problems: list[Text]) -> dict | None:
    from checker.sign.requirement import RequirementError, decode, raw_from_root

    try:
        raw = raw_from_root(reader.root)
        return decode(raw) if raw is not None else None
    except RequirementError as exc:
        problems.append(
            Text(
                f"PDF'ens underskriftskrav kan ikke læses ({exc}); hvem der skal underskrive, kan ikke afgøres.",
                f"The PDF's signing requirement cannot be read ({exc}); who must sign cannot be told.",
            )
        )
        return None


def _bind_party(info: SignatureInfo, requirement: dict | None) -> None:
    """Whether the signing certificate identifies the party whose field it signed."""
    from checker.sign.requirement import party_for_field, party_mismatch

    identity = info.identity
    if info.kind != KIND_SIGNATURE or identity is None:
        return
    party = party_for_field(requirement, info.field)
    if party is None and requirement is None and info.field.startswith(FIELD_PREFIX):
        # a PDF without a requirement (built before requirements existed): the field names the party
        party = {"part": info.field[len(FIELD_PREFIX) :]}
    if party is None:
        return
    info.party = party["part"] if requirement is not None else None
    mismatch = party_mismatch(identity, party)
    info.party_ok = mismatch is None
    if mismatch is not None:
        info.problems.append(
            Text(
                f"Underskrevet i {party['part']}s felt, men {mismatch.da}",
                f"Signed in {party['part']}'s field, but {mismatch.en}",
            )
        )


def verify_pdf(pdf: Path, trust: list[Path] = ()) -> PdfVerification:
    """Verify every signature in the PDF; see the module docstring. `ok` is False when a signature is
    broken, invalid, made by another party than its field's, or followed by changes beyond later
    signatures, form filling and archival data; when a party that must sign has not; when the document
    was built as a draft; when nothing says who must sign and nobody has; or – only when trust
    certificates are given – when a signature is not trusted."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import EmbeddedPdfSignature

    from checker.sign.fields import open_reader
    from checker.sign.revisions import changes_per_revision

    quiet_libraries()
    pdf = Path(pdf)
    roots = _load_trust(trust)
    data = read_pdf_bytes(pdf)
    reader = open_reader(data, pdf)
    problems: list[Text] = []
    notes: list[Text] = []
    try:
        all_fields = list(enumerate_sig_fields(reader))
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise CouldNotRun(
            Text(
                f"Underskriftsfelterne i {pdf} kan ikke læses ({exc}).",
                f"The signature fields in {pdf} cannot be read ({exc}).",
            )
        ) from None
    requirement = _read_requirement(reader, problems)
    unreadable_requirement = len(problems) > 0
    try:
        total = reader.xrefs.total_revisions
    except (PdfError, AttributeError):
        total = 0
    if total > MAX_REVISIONS:
        raise CouldNotRun(
            Text(
                f"{pdf} har {total} revisioner; aftale kontrollerer højst {MAX_REVISIONS}. En underskrevet aftale "
                "har én revision pr. underskrift; så mange tyder på en fejl eller et angreb.",
                f"{pdf} has {total} revisions; aftale checks at most {MAX_REVISIONS}. A signed agreement has one "
                "revision per signature; this many suggests a fault or an attack.",
            )
        )

    filled = {name: value is not None for name, value, _ref in all_fields}
    ordered: list[tuple[int, SignatureInfo]] = []
    found = []
    for name, value, ref in all_fields:
        if value is None:
            continue
        try:
            sig = EmbeddedPdfSignature(reader, ref, name)
            found.append((sig.signed_revision, sig))
        except Exception as exc:  # a foreign PDF's broken signature is reported, not a crash
            ordered.append((1 << 30, _unreadable(name, exc)))
    # Earliest first: once a signature's analysis finds every later revision allowed (signatures into
    # existing fields, form filling, archival data), the revisions after any later signature are a
    # subset of those, so their difference analysis - the bulk of the time - is not repeated.
    later_checked = False
    last_sig = None
    found.sort(key=lambda pair: pair[0])
    changes = changes_per_revision(reader, found[0][0]) if found else {}
    for revision, sig in found:
        try:
            info = _check_signature(sig, roots, bool(trust), later_checked)
        except Exception as exc:  # unsupported formats, malformed CMS, ...: report and go on
            info = _unreadable(sig.field_name, exc)
        else:
            later_checked = later_checked or (
                sig.sig_object_type != "/DocTimeStamp" and info.intact and not info.modified_after
            )
        info.revision = revision + 1
        after = [(rev, text) for rev, texts in sorted(changes.items()) if rev > revision for text in texts]
        if after:
            info.changes_after = [
                Text(f"revision {rev + 1}: {t.da}", f"revision {rev + 1}: {t.en}") for rev, t in after
            ]
            if not info.modified_after:
                info.modified_after = True
                info.problems.append(
                    Text(
                        "Dokumentet er ændret efter underskriften: "
                        + "; ".join(t.da for t in info.changes_after)
                        + ".",
                        "The document was changed after signing: "
                        + "; ".join(t.en for t in info.changes_after)
                        + ".",
                    )
                )
        _bind_party(info, requirement)
        ordered.append((revision, info))
        last_sig = (revision, sig, info)
    if last_sig is not None and last_sig[0] == total - 1 and last_sig[2].coverage != COVERAGE_FILE:
        _trailing_bytes(data, last_sig[1], [info for _r, info in ordered])
    signatures = [info for _rev, info in sorted(ordered, key=lambda pair: pair[0])]

    empty = [name for name, is_filled in filled.items() if not is_filled]
    recorded: list[dict] = []
    if requirement is not None:
        required = [p["felt"] for p in requirement["parter"] if "felt" in p]
        recorded = [p for p in requirement["parter"] if "registreret" in p]
        if requirement.get("udkast"):
            problems.append(
                Text(
                    "Dokumentet er bygget som UDKAST; det er ikke den endelige aftale.",
                    "The document was built as a DRAFT; it is not the final agreement.",
                )
            )
        if not required and not signatures:
            notes.append(
                Text(
                    "Alle parter har underskrevet andetsteds (registreret i dossieret); der er intet at verificere her.",
                    "Every party signed elsewhere (recorded in the dossier); there is nothing to verify here.",
                )
            )
    else:
        required = [name for name in filled if name.startswith(FIELD_PREFIX)]
        if not signatures and not problems:
            problems.append(
                Text(
                    "PDF'en er ikke underskrevet: den har ingen underskrifter og angiver ikke, hvem der skal underskrive.",
                    "The PDF is not signed: it has no signatures and does not say who must sign.",
                )
            )
        elif signatures and not unreadable_requirement:
            notes.append(
                Text(
                    "PDF'en angiver ikke, hvem der skal underskrive (den er ikke bygget af aftale, eller kravet er "
                    "fjernet); kun de fundne underskrifter er kontrolleret.",
                    "The PDF does not say who must sign (it was not built by aftale, or the requirement was "
                    "removed); only the signatures found were checked.",
                )
            )
    missing = [name for name in dict.fromkeys(required) if not filled.get(name)]
    for name in empty:
        if name not in required:
            # aftale names every field it makes after a party and lists it in the requirement; an empty
            # party field outside it means the requirement names fewer parties than the document has
            (problems if requirement is not None and name.startswith(FIELD_PREFIX) else notes).append(
                Text(
                    f"Feltet »{name}« er tomt og hører ikke til nogen part, der skal underskrive.",
                    f"The field '{name}' is empty and belongs to no party that must sign.",
                )
            )
    if signatures and not trust:
        problems.append(
            Text(
                "Ingen --trust: certifikaterne er ikke kontrolleret mod et betroet certifikat, så hvem der har "
                "underskrevet, er ikke bekræftet. Angiv udstederens certifikat med --trust.",
                "No --trust: the certificates were not checked against a trusted certificate, so who signed is "
                "not confirmed. Give the issuer's certificate with --trust.",
            )
        )
    attachments = _attachments(reader)

    ok = not missing and not problems
    for info in signatures:
        if not info.holds:
            ok = False
        if trust and info.kind == KIND_SIGNATURE and not info.trusted:
            ok = False
    return PdfVerification(
        path=pdf,
        signatures=signatures,
        empty_fields=empty,
        missing=missing,
        attachments=attachments,
        ok=ok,
        requirement=requirement,
        problems=problems,
        notes=notes,
        recorded=recorded,
        revisions=total,
        trust_given=bool(trust),
    )
