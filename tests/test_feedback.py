"""Readers' 👍/👎 without a browser: the JSONL log (records, appends from many threads at once,
reading it back), what the chat's thumbs and comment box write, and ``menbe eval
--from-feedback`` turning the log into dataset candidates, with file:line messages for a bad
log."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from app.answering import Answer, Citation
from app.cli import main
from app.errors import EvalError
from app.evaluation.candidates import to_candidates
from app.evaluation.dataset import FIELDS, check_gold_quotes, load_dataset
from app.evaluation.feedback import append_record, feedback_path, feedback_record, read_feedback
from app.ui.feedback import FeedbackDesk, Votes, base_url
from app.ui.handlers import ChatState

DOC = "heydar-aliyev-regional-relations"
GOLD = "This strategy was designed by Heydar Aliyev."


def cited(corpus, lang: str = "az", sentence: int = 2, n: int = 1) -> Citation:
    """A real citation of p35's third sentence, in ``lang``, with its English original."""
    versions = corpus.versions(DOC, "p35")
    shown, original = versions[lang], versions["en"]
    s, o = shown.sentences[sentence], original.sentences[sentence]
    return Citation(
        n=n,
        doc_id=DOC,
        title=corpus.document(DOC).title_in(lang),
        page=shown.page,
        paragraph="p35",
        lang=lang,
        text=shown.text,
        quote=shown.text[s.start : s.end],
        translated=shown.translated,
        original_lang="en",
        original_text=original.text,
        original_quote=original.text[o.start : o.end],
        spans=((s.start, s.end),),
        original_spans=((o.start, o.end),),
    )


def answer_of(corpus, **changes: object) -> Answer:
    c = cited(corpus)
    base = Answer(
        question="Bu strategiyanı kim hazırlamışdı?",
        resolved_question="Bu strategiyanı kim hazırlamışdı?",
        language="az",
        answered=True,
        text=f"Heydər Əliyev [1]. {c.quote} [1]",
        citations=(c,),
        see_also=(),
        short_answer="Heydər Əliyev",
        confidence=0.91,
    )
    return replace(base, **changes)


def write_log(path: Path, records: list[dict]) -> None:
    for record in records:
        append_record(path, record)


# -- the log ---------------------------------------------------------------------------------------


def test_a_record_holds_what_a_reviewer_needs(corpus) -> None:
    record = feedback_record(answer_of(corpus), vote="down", comment="  wrong \x00 person ", turn=2)
    assert record["id"].startswith("fb-") and record["time"].endswith("Z")
    assert (record["vote"], record["comment"], record["turn"]) == ("down", "wrong  person", 2)
    assert record["question"] == "Bu strategiyanı kim hazırlamışdı?"
    assert (record["answer_language"], record["answerer"], record["confidence"]) == (
        "az",
        "extractive",
        0.91,
    )
    [c] = record["citations"]
    assert (c["doc_id"], c["paragraph"], c["page"], c["n"]) == (DOC, "p35", 7, 1)
    assert c["quote"].startswith("Bu strategiya") and c["translated"]
    assert c["original_sentences"] == [GOLD]  # verbatim, in the original language
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    with pytest.raises(ValueError):
        feedback_record(answer_of(corpus), vote="meh")


def test_an_abstention_keeps_its_see_also_and_reason(corpus) -> None:
    answer = answer_of(
        corpus,
        answered=False,
        text="Korpusda yoxdur.",
        abstain_reason="heç bir paraqraf bunu demir",
        citations=(),
        see_also=(cited(corpus),),
    )
    record = feedback_record(answer, vote="down")
    assert not record["answered"] and "heç bir paraqraf" in record["answer"]
    assert record["citations"] == [] and record["see_also"][0]["paragraph"] == "p35"
    assert "n" not in record["see_also"][0]


def test_concurrent_appends_from_threads_never_interleave(tmp_path: Path, corpus) -> None:
    log = tmp_path / "index" / "feedback.jsonl"
    template = feedback_record(answer_of(corpus), vote="up")
    threads, per_thread = 8, 40
    start = threading.Barrier(threads)

    def writer(worker: int) -> None:
        start.wait()
        for i in range(per_thread):  # long lines: several KB each, more than one page at times
            comment = f"{worker}-{i} " + "ə" * (500 + 97 * i)
            append_record(log, {**template, "id": f"fb-{worker}-{i}", "comment": comment})

    pool = [threading.Thread(target=writer, args=(w,)) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == threads * per_thread + 1
    records = [json.loads(line) for line in lines[:-1]]  # every line whole
    assert len({r["id"] for r in records}) == threads * per_thread
    assert all(r["comment"].startswith(r["id"][3:] + " ") for r in records)
    assert len(read_feedback(log).records) == threads * per_thread


def test_reading_keeps_the_last_line_of_each_feedback(tmp_path: Path, corpus) -> None:
    log = tmp_path / "feedback.jsonl"
    first = feedback_record(answer_of(corpus), vote="down", time="2025-01-01T10:00:00Z")
    other = feedback_record(answer_of(corpus), vote="up", time="2025-01-01T10:05:00Z")
    amended = {**first, "comment": "the date is wrong", "time": "2025-01-01T10:07:00Z"}
    write_log(log, [first, other, amended])
    read = read_feedback(log)
    assert read.lines == 3 and read.problems == ()
    assert [(r["id"], r["comment"]) for r in read.records] == [
        (other["id"], ""),
        (first["id"], "the date is wrong"),
    ]


# -- what the chat's thumbs and comment box write --------------------------------------------------


def chat_with_answers(corpus) -> ChatState:
    """A conversation of two answers at messages 1 and 3 (0 and 2 are the questions)."""
    first, second = answer_of(corpus), answer_of(corpus, question="Kim?", resolved_question="Kim?")
    return ChatState(
        messages=[{"role": r, "content": "…"} for r in ("user", "assistant") * 2],
        turns=[(1, first), (2, second)],
        answers={1: (1, False), 3: (2, False)},
    )


def test_a_thumb_then_a_comment_amend_one_feedback(tmp_path: Path, corpus) -> None:
    log = tmp_path / "feedback.jsonl"
    desk, chat = FeedbackDesk(log), chat_with_answers(corpus)
    votes = desk.vote(chat, Votes(), 3, False, "az")
    assert (votes.shown, votes.current, votes.turn) == ("feedback_down", 3, 2)
    votes = desk.comment(votes, "düzgün paraqraf p12-dir")
    assert votes.shown == "feedback_thanks" and votes.current is None
    lines = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == [lines[0]["id"]] * 2  # the same feedback, amended
    assert (lines[0]["comment"], lines[1]["comment"]) == ("", "düzgün paraqraf p12-dir")
    assert lines[1]["question"] == "Kim?" and lines[1]["ui_language"] == "az"
    [record] = read_feedback(log).records
    assert (record["vote"], record["turn"]) == ("down", 2)
    # a changed vote keeps the comment and the id; a second click on it withdraws it
    votes = desk.vote(chat, votes, 3, True, "en")
    assert votes.shown == "feedback_up"
    votes = desk.vote(chat, votes, 3, "", "en")
    assert votes.shown == "feedback_withdrawn" and votes.current is None
    [record] = read_feedback(log).records
    assert (record["vote"], record["comment"]) == ("withdrawn", "düzgün paraqraf p12-dir")


def test_thumbs_on_anything_but_an_answer_write_nothing(tmp_path: Path, corpus) -> None:
    log = tmp_path / "feedback.jsonl"
    desk, chat = FeedbackDesk(log), chat_with_answers(corpus)
    for index in (0, 2, 5, None, (1, 0)):
        assert desk.vote(chat, Votes(), index, False, "en") == Votes()
    assert desk.vote(chat, Votes(), 1, "", "en") == Votes()  # nothing to withdraw
    assert desk.comment(Votes(), "orphan comment").shown is None
    assert not log.exists()


def test_a_log_that_cannot_be_written_says_so_in_the_row(tmp_path: Path, corpus) -> None:
    blocked = tmp_path / "feedback.jsonl"
    blocked.mkdir()  # a folder where the file should be
    votes = FeedbackDesk(blocked).vote(chat_with_answers(corpus), Votes(), 1, True, "en")
    assert votes.shown == "feedback_failed" and votes.error


def test_the_apps_address_comes_from_the_page_the_event_came_from() -> None:
    class Request:
        def __init__(self, **headers: str):
            self.headers = headers

    assert base_url(Request(referer="http://127.0.0.1:7860/?lang=az#x")) == "http://127.0.0.1:7860/"
    assert base_url(Request(referer="https://x.org/menbe/")) == "https://x.org/menbe/"
    assert base_url(Request(host="h:1", **{"x-forwarded-proto": "https"})) == "https://h:1/"
    assert base_url(Request(referer="javascript:alert(1)")) == ""
    assert base_url(None) == ""


# -- menbe eval --from-feedback ------------------------------------------------------------------


@pytest.fixture()
def log_file(tmp_path: Path, corpus) -> Path:
    """Two 👍 (an answer, an abstention), one 👎 with a comment, one withdrawn vote, and a
    follow-up whose resolved question is what a candidate must ask."""
    answer = answer_of(corpus)
    abstained = answer_of(
        corpus,
        question="Who won the 1998 World Cup?",
        resolved_question="Who won the 1998 World Cup?",
        language="en",
        answered=False,
        text="Not in the corpus.",
        citations=(),
        see_also=(cited(corpus, "en"),),
    )
    followup = answer_of(corpus, question="Bəs Gürcüstan?", resolved_question="Gürcüstan nə?")
    down = feedback_record(followup, vote="down", time="2025-01-01T10:02:00Z")
    records = [
        feedback_record(answer, vote="up", time="2025-01-01T10:00:00Z"),
        feedback_record(abstained, vote="up", time="2025-01-01T10:01:00Z"),
        down,
        {**down, "comment": "wrong paragraph", "time": "2025-01-01T10:03:00Z"},
        feedback_record(answer, vote="withdrawn", time="2025-01-01T10:04:00Z"),
    ]
    path = feedback_path(tmp_path / "index")
    write_log(path, records)
    return path


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_from_feedback_writes_candidates_and_counts(log_file: Path, tmp_path: Path, capsys, corpus):
    output = tmp_path / "candidates.jsonl"
    code, out, err = run(
        ["eval", "--from-feedback", str(log_file), "--output", str(output)],
        capsys,
    )
    assert code == 0, err
    assert f"Read 5 line(s) from {log_file}: 4 feedback(s)" in out
    counts = {" ".join(line.split()) for line in out.splitlines()}
    assert "1 👍 on an answer → candidate answerable questions" in counts
    assert "1 👍 on 'not in the corpus' → candidate unanswerable questions" in counts
    assert "1 👎 → candidates to label" in counts
    assert "1 withdrawn → skipped" in counts
    assert f"Wrote 3 candidate(s) to {output}" in out
    up, unanswerable, down = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    for candidate in (up, unanswerable, down):
        assert list(candidate)[: len(FIELDS)] == list(FIELDS)  # the dataset's fields, in order
        assert candidate["review"] in ("confirm", "label") and candidate["todo"]
        assert candidate["split"] in ("fit", "test")
    # 👍 on an answer: answerable, with the cited paragraph's original sentence as gold
    assert (up["review"], up["category"], up["answerable"]) == ("confirm", "answerable", True)
    assert up["gold_quotes"] == [GOLD] and up["lang"] == "az"
    assert up["answer_keywords"] == up["short_keywords"] == [["Heydər Əliyev"]]
    assert up["candidate"] == [
        {"doc_id": DOC, "paragraph": "p35", "page": 7, "lang": "en", "quote": GOLD}
    ]
    assert check_gold_quotes([load_candidate(up, tmp_path)], corpus) == []
    # 👍 on "not in the corpus": unanswerable, its category left to the reviewer
    assert (unanswerable["answerable"], unanswerable["category"]) == (False, None)
    assert unanswerable["gold_quotes"] == [] and unanswerable["lang"] == "en"
    # 👎: everything to label, the cited paragraphs as candidates, the comment kept
    assert (down["review"], down["answerable"], down["category"]) == ("label", None, None)
    assert down["gold_quotes"] == [] and down["candidate"][0]["paragraph"] == "p35"
    assert down["comment"] == "wrong paragraph"
    assert down["question"] == "Gürcüstan nə?" and down["feedback"]["asked"] == "Bəs Gürcüstan?"
    assert down["feedback"]["vote"] == "down" and "answer" in down["feedback"]


def load_candidate(candidate: dict, tmp_path: Path):
    """A reviewed candidate: its review fields removed, it loads as a dataset question."""
    reviewed = {k: v for k, v in candidate.items() if k in FIELDS}
    path = tmp_path / "reviewed.jsonl"
    path.write_text(json.dumps(reviewed, ensure_ascii=False) + "\n", encoding="utf-8")
    [item] = load_dataset(path)
    return item


def test_candidates_are_never_silently_gold(log_file: Path, tmp_path: Path, capsys) -> None:
    output = tmp_path / "candidates.jsonl"
    assert run(["eval", "--from-feedback", str(log_file), "--output", str(output)], capsys)[0] == 0
    with pytest.raises(EvalError) as caught:
        load_dataset(output)
    assert f"{output}:1: unknown field 'review'" in str(caught.value)


def test_from_feedback_defaults_to_the_log_beside_the_index(log_file: Path, tmp_path, capsys):
    output = tmp_path / "out"
    output.mkdir()  # a folder: the candidates go in it under their default name
    args = ["--index", str(log_file.parent), "eval", "--from-feedback", "--output", str(output)]
    code, out, err = run(args, capsys)
    assert code == 0, err
    assert f"from {log_file}" in out
    assert len((output / "feedback-candidates.jsonl").read_text("utf-8").splitlines()) == 3


def test_a_missing_log_is_one_clear_line(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.jsonl"
    code, out, err = run(["eval", "--from-feedback", str(missing)], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"menbe: {missing}: no such feedback file")


def test_garbled_lines_are_named_and_skipped(log_file: Path, tmp_path: Path, capsys) -> None:
    with log_file.open("ab") as out:
        out.write(b'{"id": "fb-half", "time": "2025-01-01T11:00:00Z", "vote": "do\n')
        out.write(b"\xff\xfe not utf-8\n")
        out.write(b'["a list"]\n')
        out.write(b'{"id": "fb-x", "time": "t", "vote": "maybe"}\n')
    output = tmp_path / "candidates.jsonl"
    code, out, err = run(
        ["eval", "--from-feedback", str(log_file), "--output", str(output)],
        capsys,
    )
    assert code == 0
    assert f"{log_file}:6: invalid JSON: Unterminated string" in err
    assert f"{log_file}:7: not UTF-8" in err
    assert f"{log_file}:8: a feedback line must be a JSON object" in err
    assert f"{log_file}:9: field 'vote' must be one of up, down, withdrawn" in err
    assert err.count("(line skipped)") == 4 and "4 line(s) skipped" in out
    assert len(output.read_text("utf-8").splitlines()) == 3


def test_a_file_that_is_not_feedback_at_all_fails(tmp_path: Path, repo: Path, capsys) -> None:
    dataset = repo / "evals" / "datasets" / "dev.jsonl"
    code, out, err = run(["eval", "--from-feedback", str(dataset)], capsys)
    assert code == 2 and out == ""
    assert f"{dataset}:1: field 'time' missing" in err
    assert "… and " in err and "no line of the file is feedback" in err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    code, _, err = run(["eval", "--from-feedback", str(empty)], capsys)
    assert code == 2 and f"{empty}:0: no feedback in the file" in err


def test_from_feedback_refuses_eval_only_options(log_file: Path, capsys) -> None:
    code, _, err = run(["eval", "--from-feedback", str(log_file), "--compare", "old"], capsys)
    assert code == 2 and "cannot be combined with --compare" in err


def test_an_unquotable_thumbs_up_goes_to_labelling(corpus) -> None:
    bare = replace(cited(corpus), original_spans=())
    record = feedback_record(answer_of(corpus, citations=(bare,)), vote="up")
    result = to_candidates([record])
    assert (result.up_answered, result.down) == (0, 1)
    assert result.candidates[0]["review"] == "label"


# -- the app ---------------------------------------------------------------------------------


def test_the_app_with_a_feedback_log_has_thumbs_and_only_ask_as_api(tmp_path, corpus) -> None:
    from app.ui.app import build_app

    class Unused:
        def ask(self, question: str, **kwargs: object) -> Answer:
            raise AssertionError("not asked")

    demo = build_app(Unused(), corpus, feedback=tmp_path / "feedback.jsonl")
    assert list(demo.get_api_info()["named_endpoints"]) == ["/ask"]
    chatbots = [b for b in demo.blocks.values() if type(b).__name__ == "Chatbot"]
    assert [tuple(c.feedback_options) for c in chatbots] == [("Like", "Dislike")]
    assert any(getattr(b, "elem_id", None) == "menbe-export" for b in demo.blocks.values())
