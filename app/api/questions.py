"""Questions on a submission: raise, read, answer (perhaps correcting the value), resolve, send
back, edit or withdraw before a round sends them, close without an answer."""

from decimal import Decimal, InvalidOperation

from flask import Response, g, jsonify, url_for
from flask_babel import gettext as _

from app.accounts.policies import is_own_agency_editor
from app.api import schemas
from app.api.loaders import visible_submission
from app.api.operation import body, field_problem, forbidden, moment, not_found, operation
from app.api.problems import ApiProblem
from app.errors import FieldErrors
from app.extensions import db
from app.review.models import Question
from app.review.questions import (
    QuestionRefused,
    answer_question,
    close_question,
    edit_question,
    raise_question,
    resolve_question,
    send_back_question,
    visible_questions,
    withdraw_question,
)
from app.roles import Role
from app.submissions.models import Submission


def _as_typed(correction) -> str:
    """A correction as the pages take it: a JSON number written the Swedish way."""
    if correction is None or isinstance(correction, bool):
        return ""
    if isinstance(correction, int | float):
        try:
            return format(Decimal(str(correction)), "f").replace(".", ",")
        except InvalidOperation:
            return str(correction)
    return str(correction)


def _question_json(question: Question) -> dict:
    return {
        "id": question.id,
        "about": question.subject,
        "about_en": question.subject_en,
        "section": question.section,
        "item_code": question.item_code,
        "status": question.status,
        "text": question.text,
        "answer": question.answer,
        "raised_at": moment(question.raised_at),
        "answered_at": moment(question.answered_at),
        "resolved_at": moment(question.resolved_at),
        "rounds_sent": question.rounds_sent,
    }


def _question(user, submission: Submission, question_id: int) -> Question:
    question = next((q for q in visible_questions(submission, user) if q.id == question_id), None)
    if question is None:
        raise not_found()
    return question


def _require_reviewer(user) -> None:
    if user.role != Role.REVIEWER:
        raise forbidden()


@operation(
    "/cycles/{year}/submissions/{org_number}/questions",
    "GET",
    "The questions on the submission (the agency: those a round has sent it)",
    "staff; the agency's own users",
    responses={200: ("The questions", {"type": "array", "items": schemas.QUESTION})},
)
def list_questions(user, year, org_number):
    submission = visible_submission(user, year, org_number)
    return jsonify([_question_json(q) for q in visible_questions(submission, user)])


@operation(
    "/cycles/{year}/submissions/{org_number}/questions",
    "POST",
    "Raise a question (target: general, section:CODE, item:CODE, project:ID or benefit:ID)",
    "reviewers, while the submission is in review",
    request=schemas.NEW_QUESTION,
    responses={201: ("The question", schemas.QUESTION)},
)
def add_question(user, year, org_number):
    sent = body(required=("text",))
    _require_reviewer(user)
    submission = visible_submission(user, year, org_number)
    target, text = sent.get("target") or "general", sent["text"]
    if not isinstance(target, str) or not isinstance(text, str):
        raise ApiProblem(400, "bad_json", _("target and text are texts."))
    try:
        question = raise_question(submission, target, text, user, g.get("api_locale", "sv"))
    except FieldErrors as error:
        raise field_problem(error) from None
    response = jsonify(_question_json(question))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.get_question", year=year, org_number=org_number, id=question.id, _external=True
    )
    return response


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}",
    "GET",
    "One question (the agency: once a round has sent it)",
    "staff; the agency's own users",
    responses={200: ("The question", schemas.QUESTION)},
)
def get_question(user, year, org_number, id):
    submission = visible_submission(user, year, org_number)
    return jsonify(_question_json(_question(user, submission, id)))


def _settle(user, year, org_number, question_id, act, field: str, *extra):
    sent = body(required=(field,))
    submission = visible_submission(user, year, org_number)
    question = _question(user, submission, question_id)
    if not isinstance(sent[field], str):
        raise ApiProblem(400, "bad_json", _("%(field)s is a text.", field=field))
    try:
        act(submission, question, sent[field], user, *[sent.get(name) for name in extra])
    except QuestionRefused as refused:
        if refused.refusal.code == "reason_required":
            raise field_problem(refused) from None
        problem = refused.refusal.code
        raise ApiProblem(409, problem, next(iter(refused.errors.values()))) from None
    except FieldErrors as error:
        raise field_problem(error) from None
    db.session.flush()
    return jsonify(_question_json(question))


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/answer",
    "POST",
    "Answer a question, perhaps correcting the value it is about",
    "the agency's editors, during a clarification round",
    request=schemas.ANSWER,
    responses={200: ("The question", schemas.QUESTION)},
)
def answer(user, year, org_number, id):
    submission = visible_submission(user, year, org_number)
    if not is_own_agency_editor(user, submission.agency_id):
        raise forbidden()

    def act(sub, question, text, actor, correction):
        answer_question(sub, question, text, actor, _as_typed(correction))

    return _settle(user, year, org_number, id, act, "answer", "correction")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/resolve",
    "POST",
    "Resolve an answered question, saying why",
    "reviewers, while the submission is in review",
    request=schemas.COMMENT,
    responses={200: ("The question", schemas.QUESTION)},
)
def resolve(user, year, org_number, id):
    _require_reviewer(user)
    return _settle(user, year, org_number, id, resolve_question, "comment")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/reopen",
    "POST",
    "Send an answered question back, saying what is still unclear",
    "reviewers, while the submission is in review",
    request=schemas.COMMENT,
    responses={200: ("The question", schemas.QUESTION)},
)
def reopen(user, year, org_number, id):
    _require_reviewer(user)
    return _settle(user, year, org_number, id, send_back_question, "comment")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}",
    "PATCH",
    "Change the text of a question no clarification round has sent yet",
    "reviewers, while the submission is in review",
    request=schemas.QUESTION_TEXT,
    responses={200: ("The question", schemas.QUESTION)},
)
def edit_question_text(user, year, org_number, id):
    _require_reviewer(user)
    return _settle(user, year, org_number, id, edit_question, "text")


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}",
    "DELETE",
    "Withdraw a question no clarification round has sent yet, saying why (409 once sent)",
    "reviewers, while the submission is in review",
    request=schemas.REASON,
    responses={204: ("Withdrawn: it no longer blocks approval and the agency never sees it", None)},
)
def withdraw(user, year, org_number, id):
    _require_reviewer(user)
    _settle(user, year, org_number, id, withdraw_question, "reason")
    return Response(status=204)


@operation(
    "/cycles/{year}/submissions/{org_number}/questions/{id}/close",
    "POST",
    "Close a sent question without an answer, saying why",
    "reviewers, while the submission is in review",
    request=schemas.COMMENT,
    responses={200: ("The question", schemas.QUESTION)},
)
def close(user, year, org_number, id):
    _require_reviewer(user)
    return _settle(user, year, org_number, id, close_question, "comment")
