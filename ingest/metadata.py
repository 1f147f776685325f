"""Document metadata: read from a folder's ``manifest.yaml``, else inferred from the text; unknowns stay None.

Inference reads what the document says about itself, mostly on its cover or in its report template: the title,
the issuing body (a committee named in the header, else an inspectorate), the date ("Date: 06 November 2024",
"HM Inspectorate of Probation, July 2024", a cover month, else a date in the file name), the kind, the service
discussed and the Part 1 / Part 2 classification. Nothing is guessed beyond that.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError
from assistant.types import DocumentMeta

MANIFEST = "manifest.yaml"
KINDS = ("inspection_report", "committee_report", "presentation", "press_release", "minutes", "other")
CLASSIFICATIONS = ("part1", "part2")
_HEADER_LINES = 15  # the cover / report template: where a document says what it is
_MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d\d)\b")
_FILENAME_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_](?P<m>\d\d)(?:[-_](?P<d>\d\d))?(?!\d)")
_DATE_FIELD = re.compile(
    r"\b(?:Date(?: of (?:meeting|publication))?|Meeting date|Date published|Publication date|Published)\b"
    r"\s*[:\t]\s*(?:\*\*|__)?\s*(?P<value>[^\n\t]+)",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+", re.IGNORECASE)
_TITLE_FIELD = re.compile(r"^(?:Report )?Title\s*[:\t]\s*(?P<value>[^\n\t]+)", re.IGNORECASE | re.MULTILINE)
_CLASS_FIELD = re.compile(r"\b(?:Class(?:ification)?|Status)\b\s*[:\t]\s*(?P<value>[^\n\t]*)", re.IGNORECASE)
_INSPECTORATES = (
    (re.compile(r"HM Inspectorate of Probation|HMI Probation|Chief Inspector of Probation", re.IGNORECASE),
     "HM Inspectorate of Probation"),
    (re.compile(r"HM Inspectorate of Prisons|HMI Prisons|Chief Inspector of Prisons", re.IGNORECASE),
     "HM Inspectorate of Prisons"),
    (re.compile(r"HMICFRS|HM Inspectorate of Constabulary", re.IGNORECASE), "HMICFRS"),
    # Ofsted's children's services reports are titled by their framework, often with no "Ofsted" in the text.
    (re.compile(r"\bOfsted\b|\bInspection of (?:local authority )?children['’]s (?:social care )?services\b"),
     "Ofsted"),
    (re.compile(r"Care Quality Commission|\bCQC\b"), "Care Quality Commission"),
    (re.compile(r"\bEstyn\b"), "Estyn"),
)  # fmt: skip
_COMMITTEE = re.compile(
    r"(?P<name>(?:[A-Z][\w&’'-]*,? +(?:(?:and|of|for|&) +)?){0,8}?"
    r"(?:Select Committee|Scrutiny (?:Sub-)?Committee|Scrutiny Panel|Sub-Committee|Committee|Cabinet"
    r"|(?:Select|Scrutiny) Commission"
    r"|Board|Panel|Council))\b"
)
# What a cover sheet puts before the committee's name: "Report to", "Report for:", "Meeting:", "minutes of the".
_COMMITTEE_KEY = re.compile(r"(?:meeting|committee|report (?:to|for)|decision[- ]maker|to)\s*:?", re.IGNORECASE)
_COMMITTEE_LEAD = re.compile(
    r"\b(?:meeting of|report(?:ing)? (?:to|for)|minutes of|(?:meeting|committee|decision[- ]maker)\s*:)\s*:?\s*"
    r"(?:the )?",
    re.IGNORECASE,
)
_PLACE = (
    r"(?<![\w-])(?<!of )(?<!and )[A-Z][a-z]+(?: [A-Z][a-z]+)?"  # not "Sub-Committee", not "City of London"
)
# Where a council names itself: "London Borough of X", "X Council", "X's Corporate Strategy", "X YOS".
_PLACE_MENTIONS = re.compile(
    rf"London Borough of (?P<a>{_PLACE})|(?P<b>{_PLACE}) (?:Borough |City |County )?Council\b"
    rf"|(?P<c>{_PLACE})['’]s (?:Corporate|Council)"
    rf"|(?P<d>{_PLACE}) (?:YOS|YJS|YOT|Youth (?:Justice|Offending))\b"
)
_PLACE_CUES = re.compile(r"Borough|Council|YOS|YJS|YOT|Youth|['’]s ")
_NOT_PLACE_WORDS = {
    "The",
    "This",
    "Our",
    "Each",
    "Local",
    "Head",
    "National",
    "Every",
    "Any",
    "A",
    "An",
    "Full",
    "Joint",
}
_SERVICE = re.compile(
    r"(?P<place>(?:[A-Z][\w’'-]+ +(?:(?:and|of) +)?){1,6}?)"
    r"(?P<kind>Youth (?:Justice|Offending) (?:Service|Team))\b"
)
_NOT_PLACE = {
    "the",
    "a",
    "an",
    "our",
    "this",
    "head",
    "of",
    "and",
    "for",
    "in",
    "strategic",
    "manager",
    "director",
}
# Cover lines that say what sort of paper this is, not what it is called.
_GENRE_LINE = re.compile(
    r"^(?:press release|news release|media release|news|for immediate release|embargoed\b.*"
    r"|part (?:1|2|i|ii)\b.*|agenda item\b.*|item (?:no\.? ?)?\d+.*|public|official(?: sensitive)?"
    r"|restricted|confidential|report|report (?:of|from|by) the\b.*)$",
    re.IGNORECASE,
)
_PART2 = re.compile(r"\bPart (?:2|II)\b|exempt information|not for publication|Schedule 12A", re.IGNORECASE)
_PART1 = re.compile(r"\bPart (?:1|I)\b|\bpublic\b|\bopen\b", re.IGNORECASE)


def infer_meta(text: str, filename: str) -> DocumentMeta:
    """What the document says about itself.

    Args:
        text: the whole document text (pages joined).
        filename: the file's name, used for a date like "2024-11-06" when the text gives none.

    Returns:
        A DocumentMeta whose unknown fields are None.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    header = lines[:_HEADER_LINES]
    body = _body(header, text)
    return DocumentMeta(
        title=_title(header, text, body),
        body=body,
        date=_date(header, text, filename),
        kind=_kind(lines, header, text, filename, body),
        service=_service(text),
        classification=_classification(header),
    )


def load_manifest(folder: Path) -> dict[str, DocumentMeta]:
    """The folder's ``manifest.yaml`` as file name -> DocumentMeta; {} when there is none.

    Raises:
        ConfigError: the manifest is not valid YAML or a field is missing, unknown or of the wrong type.
    """
    path = Path(folder) / MANIFEST
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid YAML ({err}); fix the file or remove it") from err
    if data is None:
        return {}
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict):
        raise ConfigError(f"{path}: field 'documents' must be a mapping of file name -> metadata")
    allowed = {f.name for f in fields(DocumentMeta)}
    out: dict[str, DocumentMeta] = {}
    for name, entry in documents.items():
        where = f"{path}: documents.{name}"
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a mapping of field -> value")
        unknown = sorted(set(map(str, entry)) - allowed)
        if unknown:
            raise ConfigError(
                f"{where}: unknown field '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})"
            )
        out[str(name)] = DocumentMeta(**{k: _manifest_value(where, str(k), v) for k, v in entry.items()})
    return out


def merge_meta(manifest: DocumentMeta | None, inferred: DocumentMeta) -> DocumentMeta:
    """Manifest values win; inferred values fill the fields the manifest leaves empty."""
    if manifest is None:
        return inferred
    filled = {
        f.name: getattr(inferred, f.name) for f in fields(DocumentMeta) if getattr(manifest, f.name) is None
    }
    return replace(manifest, **filled)


# -- manifest validation ---------------------------------------------------------------------------------


def _manifest_value(where: str, key: str, value: Any) -> str | None:
    """One manifest field, checked: text (dates as ISO), kind and classification from their fixed lists."""
    if value is None:
        return None
    if key == "date":
        if isinstance(value, dt.date):
            return value.isoformat()  # YAML reads an unquoted 2024-11-06 as a date
        if isinstance(value, int) and 1900 <= value <= 2100:
            return str(value)
        if not isinstance(value, str) or not re.fullmatch(
            r"(?:19|20)\d\d(?:-(?:0[1-9]|1[0-2])(?:-\d\d)?)?", value
        ):
            raise ConfigError(f"{where}: field 'date' must be YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where}: field '{key}' must be text, not {value!r}")
    if key == "kind" and value not in KINDS:
        raise ConfigError(f"{where}: field 'kind' must be one of {', '.join(KINDS)}, not {value!r}")
    if key == "classification" and value not in CLASSIFICATIONS:
        raise ConfigError(f"{where}: field 'classification' must be part1 or part2, not {value!r}")
    return value


# -- inference -------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    text = re.sub(r"\*\*|__|</?u>|^#+\s*", "", text)
    return re.sub(r"\s+", " ", text).strip().strip("*_").strip()


def _committee(header: list[str]) -> str | None:
    """A committee named in the report header: a line opening with it ("CYP Select Committee", "Cabinet"), after
    "Report to" / "Report for:" / "meeting of" ("Minutes of the meeting of the Overview and Scrutiny Committee"),
    or in the value cell of a "Meeting" row."""
    for line in header:
        cells = [_clean(c) for c in line.split("\t")]
        # A cover-sheet table row "Meeting<TAB>Overview and Scrutiny Committee": the value cell names it.
        first_cell = cells[1] if len(cells) > 1 and _COMMITTEE_KEY.fullmatch(cells[0]) else cells[0]
        if len(first_cell.split()) > 20 or _COUNCIL_LINE.match(first_cell):  # a letterhead, not a committee
            continue
        for start in [0] + [lead.end() for lead in _COMMITTEE_LEAD.finditer(first_cell)]:
            m = _COMMITTEE.match(first_cell, start)
            name = m.group("name").strip(" ,") if m else ""
            if len(name.split()) >= 2 or name == "Cabinet":
                return name
    return None


def _place(text: str) -> str | None:
    """The council a committee belongs to, when the text names it ("Lewisham's Corporate Priorities")."""
    counts: dict[str, int] = {}
    # Only lines with a cue word can match: scanning just those keeps this linear on long documents.
    cued = "\n".join(line for line in text[:20000].splitlines() if _PLACE_CUES.search(line))
    for m in _PLACE_MENTIONS.finditer(cued):
        place = next(g for g in m.groups() if g)
        words = place.split()
        while words and words[0] in _NOT_PLACE_WORDS:
            words.pop(0)
        if words:
            counts[" ".join(words)] = counts.get(" ".join(words), 0) + 1
    service = _service(text)
    if service:  # "Tower Hamlets and City of London Youth Justice Service" -> Tower Hamlets
        place = re.split(r" and | Youth ", service)[0]
        counts[place] = counts.get(place, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _body(header: list[str], text: str) -> str | None:
    committee = _committee(header)
    if committee:
        place = _place(text)
        if place and not committee.startswith(place) and committee != "Cabinet":
            return f"{place} {committee}"
        return committee
    counts = [(len(p.findall(text[:20000])), name) for p, name in _INSPECTORATES]
    best = max(counts)
    return best[1] if best[0] else None


# A letterhead naming the council ("London Borough of Merton", "Croydon Council"): who issued it, not its title.
_COUNCIL_LINE = re.compile(
    r"^(?:the\s+)?(?:(?:london|royal)\s+borough|borough|city|county|metropolitan borough)\s+of\s+[a-z][\w' -]{1,40}$"
    r"|^[a-z][\w' -]{1,40}\s+(?:borough\s+|city\s+|county\s+|district\s+)?council$",
    re.I,
)


def _title(header: list[str], text: str, body: str | None) -> str | None:
    m = _TITLE_FIELD.search("\n".join(header))
    if m:
        return _clean(" ".join([m.group("value"), *_wrapped_field(text, m.group("value"))]))
    for line in header:
        if "\t" in line:
            continue
        title = _clean(line)
        if body:
            # "Children and Education Scrutiny Sub-Committee Youth Justice Spotlight": drop the body's name.
            for name in (body, _committee([line]) or ""):
                if name and title.lower().startswith(name.lower()):
                    title = title[len(name) :].strip(" :–-")
        if not title or _is_field(title) or _as_date(title, whole=True) or _GENRE_LINE.match(title) or _COUNCIL_LINE.match(title):
            continue
        if len(title.split()) > 20:
            continue
        if title.rstrip().endswith((".", ",", ";")) or not (title[0].isupper() or title[0].isdigit()):
            continue
        return title
    return None


def _wrapped_field(text: str, value: str) -> list[str]:
    """The lines a cover-sheet value wraps onto, indented under it ("Title:   Ofsted Inspection of ..." /
    "                (ILACS): Improvement Plan Progress Update"), up to the next field or blank line."""
    lines = text.splitlines()
    at = next((i for i, ln in enumerate(lines[:60]) if value in ln and ":" in ln.split(value)[0]), None)
    out: list[str] = []
    for ln in lines[at + 1 : at + 4] if at is not None else []:
        if not ln.strip() or not ln[:1].isspace() or "\t" in ln.strip() or _is_field(ln.strip()):
            break
        out.append(ln.strip())
    return out


# Words of a committee report's cover-sheet fields ("Date:", "Ward(s) affected:", "Lead officer:", "Class:").
_FIELD_WORDS = frozenset(
    """date dates class classification ward wards affected decision key contributor contributors officer officers
    author authors contact contacts item agenda status report reports of by from to subject title purpose summary
    meeting venue time exempt part reference ref version tel telephone email portfolio member director
    recommendation recommendations appendix appendices background papers publication published lead""".split()
)


def _is_field(line: str) -> bool:
    """A "Key: value" template line ("Date: 06 November 2024", "Ward(s) affected: All").

    "Youth Justice Service: progress on the improvement plan" is a title with a colon: its key names no field and
    its value is more than a few words.
    """
    m = re.match(r"^([\w()' ]{1,30}):\s*(\S.*)$", line)
    if not m or len(m.group(1).split()) > 3:
        return False
    key = set(re.findall(r"[a-z]+", m.group(1).lower()))
    return bool(key & _FIELD_WORDS) or len(m.group(2).split()) <= 3


def _date(header: list[str], text: str, filename: str) -> str | None:
    for line in header:
        m = _DATE_FIELD.search(line)
        if m and (iso := _as_date(m.group("value"))):
            return iso
    for line in header:
        m = re.search(r"\bheld on (?:\w+day,? )?(?P<value>.+)", line, re.IGNORECASE)
        if m and (iso := _as_date(m.group("value"))):
            return iso
    for line in header:
        # "Report for: Children and Young People's Scrutiny Panel – 03/03/2025": the meeting the paper went to.
        if _committee([line]) and (iso := _as_date(line)):
            return iso
    for line in header:
        # A cover line that is a date, or "<Issuer>, July 2024".
        for candidate in (line, line.rsplit(",", 1)[-1]):
            if _as_date(candidate.strip(), whole=True):
                return _as_date(candidate.strip(), whole=True)
    m = _FILENAME_DATE.search(filename)
    if m and 1 <= int(m.group("m")) <= 12:
        day = m.group("d")
        if day and 1 <= int(day) <= 31:
            return f"{m.group('y')}-{m.group('m')}-{day}"
        return f"{m.group('y')}-{m.group('m')}"
    return None


def _as_date(text: str, whole: bool = False) -> str | None:
    """ISO date of "06 November 2024" / "June 2017" / "06/11/2024"; ``whole``: the text is only that."""
    text = _WEEKDAY.sub("", _clean(text).rstrip("."))  # "Tuesday 24th September 2024"
    for pattern in (_DAY_MONTH_YEAR, _NUMERIC_DATE, _MONTH_YEAR):
        m = pattern.fullmatch(text) if whole else pattern.search(text)
        if not m:
            continue
        month = m.group("m")
        number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
        if not number or not 1 <= number <= 12:
            continue
        day = m.groupdict().get("d")
        if day and 1 <= int(day) <= 31:
            return f"{m.group('y')}-{number:02d}-{int(day):02d}"
        return f"{m.group('y')}-{number:02d}"
    return None


def _kind(lines: list[str], header: list[str], text: str, filename: str, body: str | None) -> str | None:
    head = "\n".join(header)
    lowered = text.lower()
    if re.search(r"press release|^[–—-]?\s*ends\s*[–—-]?$|notes to editors", lowered, re.MULTILINE):
        return "press_release"
    if re.search(r"^minutes\b|\bminutes of (?:the )?meeting\b", head, re.IGNORECASE | re.MULTILINE) or (
        re.search(r"^present\s*:", lowered, re.MULTILINE) and "apologies" in lowered
    ):
        return "minutes"
    ending = [ln.lower().strip(" ?!.") for ln in lines[-4:]]
    if (
        Path(filename).suffix.lower() in (".pptx", ".ppt", ".odp", ".key")
        or "questions" in ending
        or (re.search(r"\bpresentation\b", head, re.IGNORECASE))
    ):
        return "presentation"  # decks close on a "Questions" slide
    committee_template = re.search(
        r"^(?:Key decision|Ward\(?s\)?|Report title|Class|Item No)\b", head, re.IGNORECASE | re.MULTILINE
    )
    if committee_template or (body and _committee(header)):
        return "committee_report"
    if re.search(r"\b(?:an )?inspection of\b|inspection report", head, re.IGNORECASE) and body in {
        n for _, n in _INSPECTORATES
    }:
        return "inspection_report"
    return None


def _service(text: str) -> str | None:
    """The first "<Place> Youth Justice/Offending Service" the document names."""
    for m in _SERVICE.finditer(text[:20000]):
        words = m.group("place").split()
        while words and words[0].lower() in _NOT_PLACE:
            words.pop(0)
        if (
            words
            and words[-1].lower() not in _NOT_PLACE
            and not any(w.lower() in _NOT_PLACE - {"and", "of"} for w in words)
        ):
            return f"{' '.join(words)} {m.group('kind')}"
    return None


_APPENDIX_WORD = re.compile(r"\b(?:appendix|appendices|annex(?:es)?)\b", re.IGNORECASE)


def _about_the_report(text: str) -> str:
    """``text`` without its sentences about appendices: "Part 1 - public report. Appendix B is Part 2 - exempt"
    marks the report Part 1 (an exempt appendix is withheld from publication, not the report it is attached to)."""
    parts = re.split(r"(?<=[.;])\s+|\n", text)
    return "\n".join(p for p in parts if not _APPENDIX_WORD.search(p))


def _classification(header: list[str]) -> str | None:
    """part2 / part1 as the paper marks itself; None without a mark or for "Either Part 1 or Part 2"."""
    head = "\n".join(header)
    for m in _CLASS_FIELD.finditer(head):  # "Status: For decision" says nothing about it: read on
        value = _about_the_report(m.group("value"))
        two, one = bool(_PART2.search(value)), bool(_PART1.search(value))
        if two or one:
            return ("part2" if two else "part1") if two != one else None  # "Either Part 1 or Part 2": unknown
    if re.search(r"exempt information|not for publication|Schedule 12A", _about_the_report(head), re.IGNORECASE):
        return "part2"
    for line in header:
        if re.fullmatch(r"(?:\*\*)?Part (?:2|II)(?: ?[–—(-].*)?", line, re.IGNORECASE):
            return "part2"
        if re.fullmatch(r"(?:\*\*)?Part (?:1|I)(?: ?[–—(-].*)?", line, re.IGNORECASE):
            return "part1"
    return None
