"""Bring the catalogues up to date with the code: `python scripts/i18n_extract.py`.

Collects every msgid passed to `tr`, `gettext` (second argument), `N_` and `page_title` under
invoicehub/ with Babel's extractor, adds the new ones to both .po files (English: the msgid
itself; Polish: empty, to translate) and reports Polish entries still empty. Existing
translations are kept; ids no longer used are reported, not removed.
`--set FILE.json` merges {msgid: Polish text} into the Polish catalogue; `--prune` drops ids
no longer used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from invoicehub.i18n import LANGUAGES, po_path  # noqa: E402

KEYWORDS = {"tr": (1,), "gettext": (2,), "N_": (1,), "page_title": (1,)}
METHODS = [("invoicehub/emulator/**.py", "ignore"), ("**.py", "python")]


def extract() -> list[str]:
    found: dict[str, None] = {}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        ROOT / "invoicehub", METHODS, keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, None)
    return list(found)


def load(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="Invoice-HUB")
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def save(language: str, catalog: Catalog) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)


def main(argv: list[str]) -> int:
    msgids = extract()
    catalogs = {language: load(language) for language in LANGUAGES}
    if "--set" in argv:
        source = Path(argv[argv.index("--set") + 1])
        for msgid, text in json.loads(source.read_text()).items():
            if msgid in catalogs["pl"]:
                catalogs["pl"][msgid].string = text
            else:
                catalogs["pl"].add(msgid, text)
    if "--prune" in argv:
        for catalog in catalogs.values():
            for message in list(catalog):
                if message.id and message.id not in set(msgids):
                    catalog.delete(message.id)
    for msgid in msgids:
        for language, catalog in catalogs.items():
            if msgid not in catalog:
                catalog.add(msgid, msgid if language == "en" else "")
    unused = [str(m.id) for m in catalogs["en"] if m.id and m.id not in set(msgids)]
    for language, catalog in catalogs.items():
        save(language, catalog)
    empty = [str(m.id) for m in catalogs["pl"] if m.id and not m.string]
    print(f"{len(msgids)} msgids in the code; {len(empty)} without Polish text")
    for msgid in empty:
        print(f"  untranslated: {msgid!r}")
    for msgid in unused:
        print(f"  not in the code (kept): {msgid!r}")
    return 1 if empty else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
