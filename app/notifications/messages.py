"""What each kind of message says: a subject, and a body in Swedish with an English part, as
plain text and HTML. The sentences are the app's own translations, so mail and pages agree."""

from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from workflows.submission import SUBMISSION_WORKFLOW

# What each transition sends is declared with its trigger (workflows/submission.py).
TRANSITION_NOTICES = {
    trigger: entry.notice
    for trigger, entry in SUBMISSION_WORKFLOW.triggers.items()
    if entry.notice is not None
}

# Mail the process requires: sent even to a user who chose in-app notices only.
REQUIRED_KINDS = frozenset(
    {"cycle_opened", "overdue_reminder", "escalation", "review_reminder"}
    | {trigger for trigger, notice in TRANSITION_NOTICES.items() if notice.required}
)


def _words(text: str | tuple[str, str], count: int, params: dict) -> str:
    """A registry's sentence in the current language; a singular/plural pair by `count`."""
    if isinstance(text, tuple):
        return ngettext(text[0], text[1], count, **params)
    return _(text, **params)


@dataclass(frozen=True)
class MessageFacts:
    """What a message is about; every field a sentence may need."""

    kind: str
    agency: str = ""
    year: int = 0
    due_on: date | None = None
    count: int = 0
    days: int = 0
    link: str = ""
    extra: dict = field(default_factory=dict)


def _sentence(facts: MessageFacts) -> str:
    when = format_date(facts.due_on, "d MMMM y") if facts.due_on else "–"
    p = {"agency": facts.agency, "year": facts.year, "date": when, "days": facts.days}
    notice = TRANSITION_NOTICES.get(facts.kind)
    if notice is not None:
        return _words(notice.sentence, facts.count, p)
    sentences = {
        "cycle_opened": lambda: _(
            "The %(year)d data collection is open. Submit %(agency)s's data in Granska by "
            "%(date)s.",
            **p,
        ),
        "consultation_opened": lambda: _(
            "The authority asks for %(agency)s's comments on the draft questionnaire for "
            "%(year)d: what is new or changed is marked. Comment in Granska by %(date)s.",
            **p,
        ),
        "consultation_reminder": lambda: ngettext(
            "Reminder: comments on the draft questionnaire for %(year)d are taken until "
            "%(date)s, in %(num)d day. %(agency)s has not commented yet.",
            "Reminder: comments on the draft questionnaire for %(year)d are taken until "
            "%(date)s, in %(num)d days. %(agency)s has not commented yet.",
            facts.days,
            **p,
        ),
        "deadline_reminder": lambda: ngettext(
            "Reminder: %(agency)s's data for %(year)d are due on %(date)s, in %(num)d day. "
            "The submission is still a draft.",
            "Reminder: %(agency)s's data for %(year)d are due on %(date)s, in %(num)d days. "
            "The submission is still a draft.",
            facts.days,
            **p,
        ),
        "overdue_reminder": lambda: _(
            "%(agency)s's data for %(year)d were due on %(date)s and have not been submitted. "
            "Submit them in Granska as soon as you can.",
            **p,
        ),
        "escalation": lambda: ngettext(
            "%(agency)s is %(num)d day late with its data for %(year)d (due on %(date)s).",
            "%(agency)s is %(num)d days late with its data for %(year)d (due on %(date)s).",
            facts.days,
            **p,
        ),
        "clarification_reminder": lambda: _(
            "Reminder: the answers to the authority's questions on %(agency)s's data for "
            "%(year)d are due on %(date)s.",
            **p,
        ),
        "self_assessment_invited": lambda: _(
            "The authority invites %(agency)s to a self-assessment for %(year)d: fill in the "
            "questionnaire of the latest published collection and see at once where you stand "
            "against your peer group. It stays private to your agency unless you share it.",
            **p,
        ),
        "review_reminder": lambda: ngettext(
            "Reminder: the review of %(year)d ends on %(date)s. You still hold %(num)d "
            "submission that is not approved.",
            "Reminder: the review of %(year)d ends on %(date)s. You still hold %(num)d "
            "submissions that are not approved.",
            facts.count,
            **p,
        ),
    }
    return sentences[facts.kind]()


def _subject(facts: MessageFacts) -> str:
    p = {"agency": facts.agency, "year": facts.year}
    notice = TRANSITION_NOTICES.get(facts.kind)
    if notice is not None:
        return " ".join(_(notice.subject, **p).split())
    subjects = {
        "cycle_opened": lambda: _("Granska: the %(year)d data collection is open", **p),
        "consultation_opened": lambda: _(
            "Granska: comments asked on the %(year)d questionnaire", **p
        ),
        "consultation_reminder": lambda: _(
            "Granska: reminder, comments on the %(year)d questionnaire", **p
        ),
        "deadline_reminder": lambda: _("Granska: reminder, %(agency)s's data for %(year)d", **p),
        "overdue_reminder": lambda: _("Granska: %(agency)s's data for %(year)d are late", **p),
        "escalation": lambda: _("Granska: %(agency)s is late with %(year)d", **p),
        "clarification_reminder": lambda: _(
            "Granska: reminder, answers on %(agency)s's submission %(year)d", **p
        ),
        "review_reminder": lambda: _("Granska: the review of %(year)d ends soon", **p),
        "self_assessment_invited": lambda: _(
            "Granska: an invitation to self-assess %(agency)s for %(year)d", **p
        ),
    }
    # One line, whatever an agency's name holds: a header never takes a line break.
    return " ".join(subjects[facts.kind]().split())


def compose(facts: MessageFacts) -> tuple[str, str, str]:
    """(subject, plain text, HTML): Swedish first, then English."""
    parts = []
    for locale in ("sv", "en"):
        with force_locale(locale):
            parts.append({"lang": locale, "sentence": _sentence(facts)})
    with force_locale("sv"):
        subject = _subject(facts)
    text = render_template("emails/notice.txt", parts=parts, link=facts.link)
    html = render_template("emails/notice.html", parts=parts, link=facts.link, subject=subject)
    return subject, text, html


def notice_sentence(facts: MessageFacts) -> str:
    """The sentence alone, in the current language, for the in-app inbox."""
    return _sentence(facts)
