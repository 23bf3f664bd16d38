"""Report every signature in a PDF – made by aftale or by a signing service – and what is missing.

For each embedded signature: who (certificate CN and O), when, whether the signed bytes are unchanged
(intact), whether the signature is cryptographically correct (valid), whether the certificate chains to
one of the given trust certificates (trusted), and whether the document was changed after signing in a
way that is more than adding later signatures, filling in form fields or archival data
(modified_after). Signature files attached to the PDF (.p7s and the like) are listed, not verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from checker.findings import CouldNotRun, Text
from checker.sign import quiet_libraries, read_pdf_bytes

SIGNATURE_FILE_SUFFIXES = (".p7s", ".p7m", ".sig", ".asice", ".asics")
KIND_SIGNATURE = "signature"
KIND_TIMESTAMP = "document-timestamp"


@dataclass
class SignatureInfo:
    field: str
    signer: str | None
    organisation: str | None
    time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    modified_after: bool
    seal: bool
    problems: list[Text] = field(default_factory=list)
    kind: str = KIND_SIGNATURE  # or "document-timestamp" (an archive time stamp, not a party's signature)


@dataclass
class PdfVerification:
    path: Path
    signatures: list[SignatureInfo]
    empty_fields: list[str]
    missing: list[str]
    attachments: list[str]
    ok: bool


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


def _check_signature(sig, trust_roots: list, trust_given: bool, later_checked: bool = False) -> SignatureInfo:
    from pyhanko.sign.validation import KeyUsageConstraints, validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

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
        )
        _common_problems(info, status, trust_given)
        return info

    status = validate_pdf_signature(
        sig,
        signer_validation_context=context(),
        key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}),
        skip_diff=later_checked,
    )
    cn, org, seal = _name_parts(status.signing_cert)
    when = status.signer_reported_dt
    ts = status.timestamp_validity
    if ts is not None and ts.intact and ts.valid:
        when = ts.timestamp
    info = SignatureInfo(
        field=name,
        signer=cn,
        organisation=org,
        time=when,
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        modified_after=_modified_after(status, later_checked),
        seal=seal,
    )
    _common_problems(info, status, trust_given)
    if ts is not None and not (ts.intact and ts.valid):
        info.problems.append(
            Text("Signaturens tidsstempel er ikke gyldigt.", "The signature's time stamp is not valid.")
        )
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


def verify_pdf(pdf: Path, trust: list[Path] = (), required_fields: list[str] = ()) -> PdfVerification:
    """Verify every signature in the PDF; see the module docstring. `ok` is False when a signature is
    broken, invalid or followed by disallowed changes, when a required field is empty or absent, or – only
    when trust certificates are given – when a party's signature is not trusted."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import EmbeddedPdfSignature

    from checker.sign.fields import open_reader

    quiet_libraries()
    pdf = Path(pdf)
    roots = _load_trust(trust)
    data = read_pdf_bytes(pdf)
    reader = open_reader(data, pdf)
    try:
        all_fields = list(enumerate_sig_fields(reader))
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CouldNotRun(
            Text(
                f"Underskriftsfelterne i {pdf} kan ikke læses ({exc}).",
                f"The signature fields in {pdf} cannot be read ({exc}).",
            )
        ) from None

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
    for revision, sig in sorted(found, key=lambda pair: pair[0]):
        try:
            info = _check_signature(sig, roots, bool(trust), later_checked)
        except Exception as exc:  # unsupported formats, malformed CMS, ...: report and go on
            info = _unreadable(sig.field_name, exc)
        else:
            later_checked = later_checked or (
                sig.sig_object_type != "/DocTimeStamp" and info.intact and not info.modified_after
            )
        ordered.append((revision, info))
    signatures = [info for _rev, info in sorted(ordered, key=lambda pair: pair[0])]

    empty = [name for name, is_filled in filled.items() if not is_filled]
    missing = [name for name in dict.fromkeys(required_fields) if not filled.get(name)]
    attachments = _attachments(reader)

    ok = not missing
    for info in signatures:
        if not (info.intact and info.valid) or info.modified_after:
            ok = False
        if trust and info.kind == KIND_SIGNATURE and not info.trusted:
            ok = False
    return PdfVerification(
        path=pdf, signatures=signatures, empty_fields=empty, missing=missing, attachments=attachments, ok=ok
    )
