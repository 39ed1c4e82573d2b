"""The answer stage: from a question and its retrieved paragraphs to a trustworthy answer.

Reading order follows the flow of one question: ``followup`` (complete an elliptical question),
``qtype`` (what kind of fact is asked for), ``select`` (which sentences hold it), ``spans`` (the
short answer inside them), ``signals`` + ``answerability`` (answer or abstain, and why), then
``compose`` (the `Answer` with its citations). ``model`` holds the dataclasses that leave the stage.
"""

from app.answering.compose import MAX_QUESTION_CHARS, Answerer, clean_question
from app.answering.model import Answer, Citation

__all__ = ["MAX_QUESTION_CHARS", "Answer", "Answerer", "Citation", "clean_question"]
