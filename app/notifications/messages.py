"""What each kind of message says: a subject, and a body in Swedish with an English part, as
plain text and HTML. The sentences are the app's own translations, so mail and pages agree."""

from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

# Mail the process requires: sent even to a user who chose in-app notices only.
REQUIRED_KINDS = frozenset(
    {"cycle_opened", "request_clarification", "overdue_reminder", "escalation", "review_reminder"}
)


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
    sentences = {
        "cycle_opened": lambda: _(
            "The %(year)d data collection is open. Submit %(agency)s's data in Granska by "
            "%(date)s.",
            **p,
        ),
        "submit": lambda: _(
            "%(agency)s has submitted its data for %(year)d. Thank you! The review starts now.",
            **p,
        ),
        "request_clarification": lambda: ngettext(
            "The authority has %(num)d question on %(agency)s's data for %(year)d. Answer it "
            "and send the answer in Granska by %(date)s.",
            "The authority has %(num)d questions on %(agency)s's data for %(year)d. Answer "
            "them and send the answers in Granska by %(date)s.",
            facts.count,
            **p,
        ),
        "answer_clarification": lambda: _(
            "%(agency)s has answered the questions on its data for %(year)d.", **p
        ),
        "approve": lambda: _(
            "%(agency)s's data for %(year)d are approved. Nothing more is needed.", **p
        ),
        "reopen": lambda: _("%(agency)s's data for %(year)d have been reopened for review.", **p),
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
    subjects = {
        "cycle_opened": lambda: _("Granska: the %(year)d data collection is open", **p),
        "submit": lambda: _("Granska: %(agency)s has submitted for %(year)d", **p),
        "request_clarification": lambda: _(
            "Granska: questions on %(agency)s's submission %(year)d", **p
        ),
        "answer_clarification": lambda: _(
            "Granska: %(agency)s has answered the questions (%(year)d)", **p
        ),
        "approve": lambda: _("Granska: %(agency)s's submission %(year)d is approved", **p),
        "reopen": lambda: _("Granska: %(agency)s's submission %(year)d has been reopened", **p),
        "deadline_reminder": lambda: _("Granska: reminder, %(agency)s's data for %(year)d", **p),
        "overdue_reminder": lambda: _("Granska: %(agency)s's data for %(year)d are late", **p),
        "escalation": lambda: _("Granska: %(agency)s is late with %(year)d", **p),
        "clarification_reminder": lambda: _(
            "Granska: reminder, answers on %(agency)s's submission %(year)d", **p
        ),
        "review_reminder": lambda: _("Granska: the review of %(year)d ends soon", **p),
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
