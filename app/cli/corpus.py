"""``menbe corpus import|validate|stats|dump|translations``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.corpus import Corpus, Paragraph, check_corpus, load_corpus, load_valid_corpus
from app.corpus.importer import ImportedDocument, import_pages, import_text
from app.corpus.pdf import is_pdf, read_pdf
from app.corpus.translations import (
    export_rows,
    import_translations,
    other_language,
    stamp,
    write_tsv,
)
from app.corpus.writer import write_imported
from app.errors import ImportError_


def register(sub: argparse._SubParsersAction) -> None:
    corpus = sub.add_parser("corpus", help="import, validate and inspect the corpus")
    csub = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)

    imp = csub.add_parser("import", help="import a PDF (or text extracted from one) as a document")
    imp.add_argument("raw", type=Path, help="the PDF, or a UTF-8 text dump of one")
    imp.add_argument("--id", required=True, dest="doc_id", help="document id (folder name)")
    imp.add_argument(
        "--lang",
        choices=("en", "az"),
        help="every paragraph is in this language (default: detected paragraph by paragraph)",
    )
    imp.add_argument("--source", default="", help="bibliographic source")
    imp.add_argument("--year", type=int, help="year of publication")
    imp.add_argument("--force", action="store_true", help="replace an existing document folder")
    imp.set_defaults(handler=_import)

    val = csub.add_parser("validate", help="check every file; print file:line: problem")
    val.set_defaults(handler=_validate)

    stats = csub.add_parser("stats", help="counts of documents, paragraphs and pages")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=_stats)

    dump = csub.add_parser("dump", help="print every paragraph")
    dump.add_argument("--jsonl", action="store_true", help="one JSON object per line (default)")
    dump.set_defaults(handler=_dump)
    _register_translations(csub)


def _register_translations(csub: argparse._SubParsersAction) -> None:
    tr = csub.add_parser("translations", help="keep translations in step with their originals")
    tsub = tr.add_subparsers(dest="translations_command", metavar="ACTION", required=True)

    st = tsub.add_parser("stamp", help="record the original's hash in untracked translations")
    st.add_argument("--doc", dest="doc", help="only this document")
    st.add_argument(
        "--accept-stale",
        action="store_true",
        help="also re-stamp stale translations (you checked they still match their original)",
    )
    st.set_defaults(handler=_stamp)

    ex = tsub.add_parser("export", help="write untranslated and stale paragraphs as a TSV")
    ex.add_argument("--to", required=True, choices=("en", "az"), dest="target")
    ex.add_argument("--doc", dest="doc", help="only this document")
    ex.add_argument("file", type=Path, help="the TSV to write (one source sentence per row)")
    ex.set_defaults(handler=_export)

    im = tsub.add_parser("import", help="write a filled-in TSV back into the corpus files")
    im.add_argument("file", type=Path, help="a TSV made by `translations export`")
    im.set_defaults(handler=_import_translations)


def _config(args: argparse.Namespace):
    from app.cli import config_from

    return config_from(args)


def _read_import(path: Path, lang: str | None) -> ImportedDocument:
    """A PDF is read page by page; anything else must be a UTF-8 text dump."""
    if is_pdf(path):
        pdf = read_pdf(path)  # its errors already name the file
        try:
            return import_pages(pdf.pages, lang, pdf.title)
        except ImportError_ as exc:
            raise ImportError_(f"{path}: {exc}") from None
    try:
        raw = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ImportError_(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportError_(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        return import_text(raw, lang)
    except ImportError_ as exc:
        raise ImportError_(f"{path}: {exc}") from None


def _import(args: argparse.Namespace) -> int:
    config = _config(args)
    doc = _read_import(args.raw, args.lang)
    dest = write_imported(
        doc,
        args.raw,
        config.corpus_dir,
        args.doc_id,
        source=args.source,
        year=args.year,
        force=args.force,
    )
    counts = {lang: sum(p.lang == lang for p in doc.paragraphs) for lang in doc.languages}
    print(
        f"Imported {len(doc.paragraphs)} paragraphs on {doc.pages} pages into {dest} "
        f"({', '.join(f'{n} {lang}' for lang, n in counts.items())})."
    )
    print("Next: add the missing translations, fill in meta.json, then `menbe corpus validate`.")
    return 0


def _validate(args: argparse.Namespace) -> int:
    config = _config(args)
    corpus, problems = check_corpus(config.corpus_dir)
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors:
        print(f"{errors} error(s), {warnings} warning(s).", file=sys.stderr)
        return 1
    n = sum(1 for _ in corpus.paragraphs())
    note = f"; {warnings} warning(s)" if warnings else ""
    print(f"OK: {len(corpus.documents)} document(s), {n} paragraph versions{note}.")
    return 0


def stats(corpus: Corpus) -> dict:
    """The figures `menbe corpus stats` prints.

    ``translated`` counts the versions in each language that are translations; ``untranslated``
    counts the paragraphs that have no version in that language yet; ``stale`` the translations
    whose original changed since (those left out as misaligned count as untranslated).
    """
    langs = ("en", "az")
    paragraphs = list(corpus.paragraphs())
    ids_by_lang = {lang: {p.key for p in paragraphs if p.lang == lang} for lang in langs}
    every = set().union(*ids_by_lang.values())
    return {
        "documents": len(corpus.documents),
        "paragraphs": {lang: len(ids_by_lang[lang]) for lang in langs},
        "aligned_pairs": len(ids_by_lang["en"] & ids_by_lang["az"]),
        "pages": sum(d.pages for d in corpus.documents),
        "translated": {
            lang: sum(p.lang == lang and p.translated for p in paragraphs) for lang in langs
        },
        "untranslated": {lang: len(every - ids_by_lang[lang]) for lang in langs},
        "stale": {lang: sum(p.lang == lang and p.stale for p in paragraphs) for lang in langs},
    }


def _stats(args: argparse.Namespace) -> int:
    figures = stats(_answered_corpus(args))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        p, t = figures["paragraphs"], figures["translated"]
        print(f"documents      {figures['documents']}")
        print(f"pages          {figures['pages']}")
        print(f"paragraphs     en {p['en']}, az {p['az']}")
        print(f"aligned pairs  {figures['aligned_pairs']}")
        u = figures["untranslated"]
        print(f"translated     en {t['en']}, az {t['az']}  (versions that are translations)")
        print(f"untranslated   en {u['en']}, az {u['az']}  (paragraphs with no version in it yet)")
        st = figures["stale"]
        print(f"stale          en {st['en']}, az {st['az']}  (translations whose original changed)")
    return 0


def dump_record(corpus: Corpus, p: Paragraph) -> dict:
    twin = corpus.counterpart(p)
    return {
        "doc_id": p.doc_id,
        "paragraph": p.pid,
        "lang": p.lang,
        "page": p.page,
        "section": p.section,
        "origin": f"translation:{p.source_lang}" if p.translated else "original",
        "stale": p.stale,
        "counterpart": {"lang": twin.lang, "paragraph": twin.pid} if twin else None,
        "text": p.text,
        "sentences": [{"start": s.start, "end": s.end, "text": s.text} for s in p.sentences],
    }


def _answered_corpus(args: argparse.Namespace) -> Corpus:
    """What Mənbə answers from (a broken document skipped, said on stderr), for stats and dump."""
    from app.session import report_skipped

    corpus = load_corpus(_config(args).corpus_dir)
    report_skipped(corpus)
    return corpus


def _dump(args: argparse.Namespace) -> int:
    corpus = _answered_corpus(args)
    for p in corpus.paragraphs():
        print(json.dumps(dump_record(corpus, p), ensure_ascii=False))
    return 0


def _stamp(args: argparse.Namespace) -> int:
    stamped = stamp(_config(args).corpus_dir, args.doc, accept_stale=args.accept_stale)
    for s in stamped:
        print(f"{s.file}:{s.line}: [{s.pid}] stamped{' (was stale)' if s.was_stale else ''}")
    print(f"Stamped {len(stamped)} translation(s).")
    return 0


def _export(args: argparse.Namespace) -> int:
    corpus = load_valid_corpus(_config(args).corpus_dir)  # rows must match the files as they are
    rows = export_rows(corpus, args.target, args.doc)
    write_tsv(rows, args.file, other_language(args.target), args.target)
    paragraphs = len({(r.doc, r.pid) for r in rows})
    if not rows:
        print(f"Nothing to translate into {args.target}: wrote only the header row to {args.file}.")
        return 0
    stale = len({(r.doc, r.pid) for r in rows if r.status == "stale"})
    print(
        f"Wrote {len(rows)} sentence(s) of {paragraphs} paragraph(s) ({stale} stale) to "
        f"{args.file}. Fill in the {args.target} column, then "
        f"`menbe corpus translations import {args.file}`."
    )
    return 0


def _import_translations(args: argparse.Namespace) -> int:
    done = import_translations(_config(args).corpus_dir, args.file)
    replaced = sum(d.replaced for d in done)
    print(
        f"Imported {len(done)} paragraph translation(s): {len(done) - replaced} new, "
        f"{replaced} replacing a stale one. Check with `menbe corpus validate`."
    )
    return 0
