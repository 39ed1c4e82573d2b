"""``menbe index|search|ask``: building the index, searching it and answering from it."""

from __future__ import annotations

import argparse
import json

from app.cli import config_from


def register(sub: argparse._SubParsersAction) -> None:
    idx = sub.add_parser("index", help="build or update the search index (incremental)")
    idx.add_argument("--rebuild", action="store_true", help="start over from an empty index")
    idx.set_defaults(handler=_index)

    search = sub.add_parser("search", help="ranked paragraphs for a question")
    search.add_argument("question")
    search.add_argument("--k", type=int, default=5, help="number of paragraphs (default 5)")
    search.add_argument("--variant", choices=("hybrid", "dense", "bm25"), default="hybrid")
    search.add_argument("--lang", choices=("auto", "en", "az"), default="auto")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(handler=_search)
    register_ask(sub)


def _index(args: argparse.Namespace) -> int:
    from app.locking import ensure_free
    from app.session import index, load_embedder, log, read_corpus

    config = config_from(args)
    ensure_free(config.index_dir)
    corpus = read_corpus(config)  # a broken document is skipped, and said so, not fatal
    embedder = load_embedder(config)
    result = index(config, corpus, embedder, rebuild=args.rebuild)
    for note in result.notes:
        log(f"menbe: {note}.")
    detail = (
        f" (embedded {result.embedded} of {result.total_chunks} chunks in {result.seconds:.1f} s)"
    )
    print(f"{result.summary()}{detail if result.embedded else ''}.")
    log(f"Index generation {result.generation} in {config.index_dir}.")
    return 0


def hit_record(hit, lang: str) -> dict:
    shown = hit.versions.get(lang) or hit.versions[hit.matched_lang]
    best = hit.best_sentence
    return {
        "rank": hit.rank,
        "doc_id": hit.doc_id,
        "paragraph": hit.pid,
        "page": shown.page,
        "lang": shown.lang,
        "score": round(hit.score, 6),
        "dense": None if hit.dense is None else round(hit.dense, 4),
        "lexical": None if hit.lexical is None else round(hit.lexical, 4),
        "matched_lang": hit.matched_lang,
        "text": shown.text,
        "best_sentence": None
        if best is None
        else {
            "lang": best.lang,
            "index": best.index,
            "start": best.start,
            "end": best.end,
            "text": hit.versions[best.lang].text[best.start : best.end],
        },
        "versions": {code: p.text for code, p in hit.versions.items()},
    }


def _search(args: argparse.Namespace) -> int:
    from app.errors import QuestionError
    from app.session import open_retriever

    question_text(args.question)
    if not args.question.strip():
        raise QuestionError("the question is empty")
    if args.k < 1:
        raise QuestionError("--k must be at least 1")
    retriever = open_retriever(config_from(args))
    lang = None if args.lang == "auto" else args.lang
    result = retriever.search(args.question, k=args.k, variant=args.variant, lang=lang)
    shown_lang = result.detection.lang
    records = [hit_record(h, shown_lang) for h in result.hits]
    if args.json:
        print(
            json.dumps(
                {
                    "question": args.question,
                    "language": shown_lang,
                    "language_detection": {
                        "confidence": result.detection.confidence,
                        "method": result.detection.method,
                    },
                    "variant": args.variant,
                    "hits": records,
                    "timings_ms": dict(result.timings_ms),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(
        f"Question language: {shown_lang} ({result.detection.method}); "
        f"{result.timings_ms['total']:.0f} ms"
    )
    for r in records:
        print(
            f"\n{r['rank']}. {r['doc_id']} · page {r['page']} · ¶ {r['paragraph']} "
            f"[{r['lang']}] score {r['score']:.4f}"
        )
        text = r["text"]
        print("   " + (text if len(text) <= 300 else text[:297] + "..."))
    return 0


def printable(value: str) -> str:
    """Command-line text as valid Unicode: a byte that is not UTF-8 reaches Python as a lone
    surrogate, which would be echoed as invalid UTF-8; here it becomes U+FFFD."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def question_text(value: str) -> str:
    """The question, refused (QuestionError) when it holds bytes that are not UTF-8."""
    from app.errors import QuestionError

    if printable(value) != value:
        raise QuestionError("the question is not valid UTF-8 text")
    return value


def register_ask(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question")
    ask.add_argument(
        "--lang",
        choices=("auto", "en", "az"),
        default="auto",
        help="answer language (default: the question's)",
    )
    ask.add_argument("--k", type=int, default=5, help="paragraphs to retrieve (default 5)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_answerer_options(ask)
    ask.set_defaults(handler=_ask)


def add_answerer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--answerer",
        choices=("extractive", "llm"),
        help="extractive (offline default) or llm: your model writes, every sentence is checked "
        "(default: llm when MENBE_LLM_BASE_URL is set)",
    )
    parser.add_argument("--llm-base-url", help="OpenAI-compatible endpoint (MENBE_LLM_BASE_URL)")
    parser.add_argument("--llm-model", help="model name at that endpoint (MENBE_LLM_MODEL)")


def llm_settings(args: argparse.Namespace):
    """The user's model, or None for extractive answers (the default without MENBE_LLM_*)."""
    import os

    from app.answering.llm import LLMSettings
    from app.errors import MenbeError

    settings = LLMSettings.from_env(os.environ, base_url=args.llm_base_url, model=args.llm_model)
    if args.answerer == "llm" and settings is None:
        raise MenbeError("--answerer llm needs an endpoint: --llm-base-url or MENBE_LLM_BASE_URL")
    return None if args.answerer == "extractive" else settings


def make_answerer(args: argparse.Namespace, retriever, extractive=None):
    """The extractive answerer, wrapped by the generative one when asked for or configured."""
    from app.answering import Answerer

    extractive = extractive or Answerer(retriever)
    settings = llm_settings(args)
    if settings is None:
        return extractive
    from app.answering.generative import GenerativeAnswerer

    return GenerativeAnswerer(extractive, settings)


def _ask(args: argparse.Namespace) -> int:
    from app.answering import clean_question
    from app.errors import MenbeError, QuestionError
    from app.session import open_retriever

    try:
        clean_question(question_text(args.question))
        if args.k < 1:
            raise QuestionError("--k must be at least 1")
        answer = make_answerer(args, open_retriever(config_from(args))).ask(
            args.question, lang=None if args.lang == "auto" else args.lang, k=args.k
        )
    except MenbeError as exc:  # with --json, every problem the user can act on is JSON too
        if not args.json:
            raise
        record = {"question": printable(args.question), "error": str(exc)}
        print(json.dumps(record, ensure_ascii=False))
        return 2
    if args.json:
        print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0


def format_answer(answer) -> str:
    from app.messages import message

    lines = [answer.text if answer.answered else answer.abstention_text()]
    if answer.note:
        lines.append(f"({answer.note})")
    lines += [f"({message('confidence_label', answer.language)} {answer.confidence:.2f})", ""]
    removed = (answer.verification or {}).get("removed", [])
    if answer.answerer == "llm" and removed:
        lines.insert(1, message("removed_summary", answer.language, count=len(removed)) + ":")
        lines[2:2] = [f"  - {r['sentence']} ({r['reason']})" for r in removed]
    if answer.citations:
        lines.append(message("sources", answer.language) + ":")
        for c in answer.citations:
            lines.append(f"[{c.n}] {_where(c, answer.language)} ({_version(c, answer.language)})")
            lines.append(f"    “{c.quote}”")
    if answer.see_also:
        lines.append(message("see_also", answer.language) + ":")
        for c in answer.see_also:
            snippet = c.text if len(c.text) <= 160 else c.text[:157] + "..."
            lines.append(f"  - {_where(c, answer.language)}: {snippet}")
    return "\n".join(lines).rstrip()


def _where(c, lang: str) -> str:
    from app.messages import message

    return f"{c.title} · {message('page_abbr', lang)} {c.page} · ¶ {c.paragraph}"


def _version(c, lang: str) -> str:
    """The quoted version's language by name, and what it was translated from, in ``lang``."""
    from app.messages import message

    name = message(f"in_lang_{c.lang}", lang)
    if not c.translated:
        return name
    source = message(f"from_{c.original_lang}", lang)
    return f"{name}, {message('from_lang', lang, source=source)}"
