"""What is left of a draft, section by section: a new draft is "2 sections left", not a list of
every required answer it does not have yet (49 "errors" that are only an empty form)."""

from dataclasses import dataclass

from flask_babel import ngettext

from app.cycles.questionnaire import QuestionnaireItem
from app.workflow_messages import refusal_message
from workflows.answers import Answers, Finding
from workflows.rules import Refusal


@dataclass(frozen=True)
class SectionLeft:
    section: str
    started: bool
    missing: int  # required answers not given yet


@dataclass(frozen=True)
class Progress:
    left: list[SectionLeft]
    errors: list[Finding]  # listed one by one: all but the missing answers of unstarted sections

    @property
    def corrections(self) -> int:
        """Answers given that break a rule (a missing one is counted by its section)."""
        return sum(1 for f in self.errors if f.code != "required")

    @property
    def message(self) -> str:
        """One sentence for "Submit is not possible yet: …"."""
        if not self.left:
            return ""
        sections = ngettext(
            "%(num)d section is left to fill in.",
            "%(num)d sections are left to fill in.",
            len(self.left),
        )
        if not self.corrections:
            return sections
        return f"{sections} " + ngettext(
            "%(num)d answer must also be corrected.",
            "%(num)d answers must also be corrected.",
            self.corrections,
        )

    def refusal_text(self, refusal: Refusal) -> str:
        """Why submitting is not possible yet: an unfinished draft says what is left."""
        if refusal.code == "blocking_errors" and self.left:
            return self.message
        return refusal_message(refusal)


def progress_of(
    items: list[QuestionnaireItem], answers: Answers, findings: list[Finding]
) -> Progress:
    """The sections still missing required answers, and the findings worth listing one by one:
    in a section nobody has started, its missing answers are the section itself."""
    section_of = {item.code: item.section for item in items}
    started = {section_of.get(code) for code, _period in answers}
    left = []
    for section in dict.fromkeys(item.section for item in items):
        missing = sum(
            1 for f in findings if f.code == "required" and section_of.get(f.item) == section
        )
        if missing:
            left.append(SectionLeft(section, section in started, missing))
    unstarted = {entry.section for entry in left if not entry.started}
    errors = [
        f for f in findings if not (f.code == "required" and section_of.get(f.item) in unstarted)
    ]
    return Progress(left, errors)
