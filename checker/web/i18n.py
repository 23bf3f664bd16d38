"""The words of the web pages, in Danish (the default) and English. Messages of findings and refusals
come from the operations themselves (checker.findings.Text); only the pages' own words are here."""

from __future__ import annotations

_WORDS: dict[str, tuple[str, str]] = {
    "app": ("aftale – sekretariatets arbejdsbord", "aftale – the secretariat's workbench"),
    "overview": ("Oversigt", "Overview"),
    "dossiers": ("Dossierer", "Dossiers"),
    "dossier": ("Dossier", "Dossier"),
    "plan": ("Helhedsplan", "Plan"),
    "period": ("Periode", "Period"),
    "ruleset": ("Regelsæt", "Rule set"),
    "version": ("Version", "Version"),
    "status": ("Kontrol", "Check"),
    "signatures": ("Underskrifter", "Signatures"),
    "next_milestone": ("Næste milepæl", "Next milestone"),
    "checking": ("kontrolleres …", "checking …"),
    "errors": ("fejl", "errors"),
    "warnings": ("advarsler", "warnings"),
    "no_findings": ("ingen fund", "no findings"),
    "none": ("ingen", "none"),
    "new_dossier": ("Nyt dossier", "New dossier"),
    "import": ("Importér en aftale", "Import an agreement"),
    "documents": ("Dokumenter", "Documents"),
    "edit": ("Redigér", "Edit"),
    "save": ("Gem", "Save"),
    "saving": ("Gemmer …", "Saving …"),
    "saved": ("Gemt og kontrolleret", "Saved and checked"),
    "draft_checked": ("Kontrolleret – ikke gemt endnu", "Checked – not saved yet"),
    "offline": (
        "Ændringerne kunne ikke gemmes: serveren svarer ikke (er »aftale serve« stoppet?). Intet er "
        "gemt; siden beholder dine ændringer, så længe den er åben.",
        "The changes could not be saved: the server does not answer (was 'aftale serve' stopped?). "
        "Nothing was saved; the page keeps your changes while it is open.",
    ),
    "unchanged": ("Intet ændret", "Nothing changed"),
    "conflict": (
        "Filen er ændret af en anden, siden du åbnede den. Intet er gemt. Det ændrede er:",
        "The file was changed by someone else since you opened it. Nothing was saved. What changed:",
    ),
    "reload": (
        "Hent den nye udgave (dine ændringer går tabt)",
        "Load the new version (your changes are lost)",
    ),
    "file_findings": ("Fund i filen", "Findings in the file"),
    "findings": ("Fund", "Findings"),
    "back": ("Tilbage", "Back"),
    "language": ("English", "Dansk"),
    "not_found": ("Findes ikke.", "Not found."),
    "annexes": ("Bilag", "Annexes"),
    "build": ("Byg dokumenter", "Build documents"),
    "revisions": ("Revisioner", "Revisions"),
    "followup": ("Opfølgning", "Follow-up"),
    "check_all": ("Kontrollér", "Check"),
    "no_dossiers": ("Mappen har ingen dossierer endnu.", "The folder has no dossiers yet."),
    "example": ("EKSEMPEL", "EXAMPLE"),
    "create": ("Opret", "Create"),
    "folder_name": ("Mappenavn", "Folder name"),
    "start": ("Startdato", "Start date"),
    "end": ("Slutdato", "End date"),
    "areas": ("Områder (ét pr. linje)", "Areas (one per line)"),
    "parties": (
        "Parter (én pr. linje: type:navn[:cvr], fx kommune:Eksempelby Kommune)",
        "Parties (one per line: type:name[:cvr], e.g. kommune:Eksempelby Kommune)",
    ),
    "focus_areas": ("Indsatsområder", "Focus areas"),
    "upload": ("Upload", "Upload"),
    "file": ("Fil", "File"),
    "ruleset_choice": ("Regelsæt", "Rule set"),
    "open": ("Åbn", "Open"),
}


def words(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {key: pair[i] for key, pair in _WORDS.items()}


def add(more: dict[str, tuple[str, str]]) -> None:
    """Words a page module brings with it (each module keeps its own words beside its routes)."""
    clash = set(more) & set(_WORDS)
    if clash and any(_WORDS[k] != more[k] for k in clash):
        raise ValueError(f"words defined twice: {sorted(clash)}")
    _WORDS.update(more)
