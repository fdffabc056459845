"""Random sequences of submission transitions, questions and cycle transitions, fired by
random users against the real services and the real database.

A small model (the status the submission should have, the cycle's status, each question's
status, whether a correction has broken a rule) predicts every outcome; after every step the
database must agree with the model and keep the workflow's promises: the status is one of the
six, the audit trail replays to it, a refused action changes nothing, a frozen cycle's
submission never changes again, and no approved submission ever breaks a blocking rule.
"""

from flask import current_app
from hypothesis import Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.cycles.models import Cycle
from app.cycles.operations import CycleTransitionRefused, fire_cycle_transition, set_participants
from app.errors import FieldErrors
from app.extensions import db
from app.review.models import Question, QuestionStatus
from app.review.questions import answer_question, raise_question, resolve_question
from app.submissions.answers import errors_of
from app.submissions.models import Submission, SubmissionValue
from app.submissions.transitions import SubmissionNotFound, TransitionRefused, fire_transition
from tests import factories
from tests.conftest import _empty_database
from workflows.cycle import CYCLE_WORKFLOW, FROZEN_STATES, CycleFacts
from workflows.submission import (
    SETTLED_STATES,
    SUBMISSION_WORKFLOW,
    SubmissionFacts,
    SubmissionStatus,
)

YEAR = 2026
SUBMISSION_TRIGGERS = list(SUBMISSION_WORKFLOW.table)
CYCLE_TRIGGERS = ["close", "approve", "publish"]
# The editor and the viewer of the submission's own agency, an editor of another agency, and
# the authority's staff.
ACTORS = ["owner_editor", "other_editor", "owner_viewer", "reviewer", "admin"]
OWNERS = {"owner_editor", "owner_viewer"}
REASONS = st.sampled_from(["", "   ", "Myndigheten har fått nya uppgifter."])
TEXTS = st.sampled_from(["", "  ", "Varför ökade kostnaden så mycket?"])
STATUSES = {status.value for status in SubmissionStatus}
TABLE = SUBMISSION_WORKFLOW.table
RIGHTFUL_ACTOR = {"agency_editor": "owner_editor", "reviewer": "reviewer", "admin": "admin"}
REASON = "Myndigheten har fått nya uppgifter."
# The way to an approved submission, favoured over withdraw, exempt, reinstate and reopen.
FORWARD = {"submit", "start_review", "request_clarification", "answer_clarification", "approve"}
MAIN_PATH = [
    "submit",
    "start_review",
    "raise",
    "request_clarification",
    "answer",
    "answer_clarification",
    "resolve",
    "approve",
]
MAIN_PATH_STATUS = [
    "draft",
    "submitted",
    "in_review",
    "in_review",
    "clarification",
    "clarification",
    "in_review",
    "in_review",
    "approved",
]
QUESTION, ANSWER = "Varför ökade kostnaden så mycket?", "En ny upphandling av drift."
# Questions are about one part of the IT costs, which the agency may correct while answering:
# back to its first value, or to one that no longer adds up to the total.
ASKED_ITEM = "it_cost_other"
CORRECTIONS = ["", "original", "breaking"]
IN_REVIEW, CLARIFICATION = SubmissionStatus.IN_REVIEW.value, SubmissionStatus.CLARIFICATION.value
OPEN, ANSWERED = QuestionStatus.OPEN.value, QuestionStatus.ANSWERED.value
RESOLVED = QuestionStatus.RESOLVED.value
NOT_FOUND = "not_found"  # an agency user of another agency does not see the submission


class WorkflowMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.app = current_app._get_current_object()
        db.session.rollback()
        # Every example starts from an empty database; teardown() empties it again.
        for model in (Submission, AuditEvent, Cycle, Question):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
        owner, other = factories.make_agency(), factories.make_agency()
        self.owner_name = owner.name
        agency_of = {"owner_editor": owner, "other_editor": other, "owner_viewer": owner}
        role_of = {
            "owner_editor": "agency_editor",
            "other_editor": "agency_editor",
            "owner_viewer": "agency_viewer",
        }
        self.user_ids = {
            actor: factories.make_user(role_of.get(actor, actor), agency=agency_of.get(actor)).id
            for actor in ACTORS
        }
        # The submission comes into being the way it does in production: the cycle opens.
        cycle = factories.make_cycle(YEAR, status="planned", questionnaire=True)
        set_participants(cycle, [owner.id])
        fire_cycle_transition(YEAR, "open", self._user("admin"))
        db.session.commit()
        self.submission_id = db.session.scalar(select(Submission.id))
        factories.complete_answers(self._submission())
        original = self._asked_value()
        self.correction_text = {"original": str(original), "breaking": str(original + 997)}
        # The model: what the database should say. The answers start complete and valid; a
        # "breaking" correction makes the parts of the IT cost miss their total.
        self.broken = False
        self.status = SubmissionStatus.DRAFT.value
        self.cycle_status = "open"
        self.questions: dict[int, str] = {}
        self.frozen_rows = None  # the submission and its questions when the cycle froze

    def teardown(self):
        db.session.rollback()
        db.session.remove()
        _empty_database(self.app)

    # -- helpers -------------------------------------------------------------------------

    def _user(self, actor: str) -> User:
        return db.session.get(User, self.user_ids[actor])

    def _submission(self) -> Submission:
        return db.session.get(Submission, self.submission_id)

    def _observed(self) -> tuple:
        """What a refused action must leave as it was."""
        status, version = db.session.execute(
            select(Submission.status, Submission.version).where(Submission.id == self.submission_id)
        ).one()
        audit_rows = db.session.scalar(select(func.count()).select_from(AuditEvent))
        return status, version, audit_rows, self._question_statuses()

    def _asked_value(self):
        return db.session.scalar(
            select(SubmissionValue.number).where(
                SubmissionValue.submission_id == self.submission_id,
                SubmissionValue.item_code == ASKED_ITEM,
                SubmissionValue.period == "outcome",
            )
        )

    def _question_statuses(self) -> dict[int, str]:
        return dict(db.session.execute(select(Question.id, Question.status)).all())

    def _transition_events(self) -> list[AuditEvent]:
        return list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.submission_id == self.submission_id,
                    AuditEvent.kind == "transition",
                )
                .order_by(AuditEvent.id)
            )
        )

    def _count(self, status: str) -> int:
        return sum(1 for value in self.questions.values() if value == status)

    def _expected_refusal(self, trigger: str, actor: str, reason: str) -> str | None:
        if actor == "other_editor":
            return NOT_FOUND
        facts = SubmissionFacts(
            actor_role=db.session.get(User, self.user_ids[actor]).role,
            actor_is_owner=actor in OWNERS,
            cycle_status=self.cycle_status,
            blocking_errors=1 if self.broken else 0,
            open_questions=self._count(QuestionStatus.OPEN),
            unanswered_questions=self._count(QuestionStatus.OPEN),
            unresolved_questions=self._count(QuestionStatus.OPEN)
            + self._count(QuestionStatus.ANSWERED),
            reason=reason,
        )
        refusal = SUBMISSION_WORKFLOW.check(trigger, self.status, facts)
        return refusal.code if refusal else None

    def _refused(self, before: tuple) -> None:
        db.session.rollback()
        assert self._observed() == before, "a refused action changed something"

    # -- rules ---------------------------------------------------------------------------

    @initialize(
        depth=st.integers(min_value=0, max_value=len(MAIN_PATH)),
        cycle_steps=st.integers(min_value=0, max_value=len(CYCLE_TRIGGERS)),
        breaking_answer=st.booleans(),
    )
    def walk_main_path(self, depth, cycle_steps, breaking_answer):
        """Start each run somewhere along the usual life of a submission (and then of the
        cycle), reached through the same checked steps as the rules, so that the random steps
        also begin from deep and frozen states. Half the walks answer with a correction that
        breaks a rule: from there on the walk must be refused at the first step that would
        move the submission on."""
        for step in MAIN_PATH[:depth]:
            if step == "raise":
                self._raise(QUESTION)
            elif step == "answer":
                self._answer(max(self.questions), ANSWER, "breaking" if breaking_answer else "")
            elif step == "resolve":
                self._resolve(max(self.questions))
            else:
                self._fire(step, RIGHTFUL_ACTOR[next(iter(TABLE[step].roles))], REASON)
        if not self.broken:
            assert self.status == MAIN_PATH_STATUS[depth]
        for trigger in CYCLE_TRIGGERS[:cycle_steps]:
            self._fire_cycle(trigger, "admin", "")

    @rule(
        trigger=st.sampled_from(SUBMISSION_TRIGGERS), actor=st.sampled_from(ACTORS), reason=REASONS
    )
    def any_transition(self, trigger, actor, reason):
        self._fire(trigger, actor, reason)

    @rule(data=st.data())
    def rightful_transition(self, data):
        """A trigger the table offers from the current status, fired by the user it names
        with a reason: most go through (a guard may still refuse), so runs get deep."""
        triggers = [
            row.trigger
            for row in TABLE.values()
            if self.status in row.sources
            for _ in range(3 if row.trigger in FORWARD else 1)
        ]
        trigger = data.draw(st.sampled_from(triggers), label="trigger")
        self._fire(trigger, RIGHTFUL_ACTOR[next(iter(TABLE[trigger].roles))], REASON)

    def _fire(self, trigger: str, actor: str, reason: str) -> None:
        expected = self._expected_refusal(trigger, actor, reason)
        before = self._observed()
        try:
            fire_transition(self.submission_id, trigger, self._user(actor), reason)
        except SubmissionNotFound:
            self._refused(before)
            assert expected == NOT_FOUND, f"{actor} may not see the submission, yet got 404"
            return
        except TransitionRefused as refused:
            self._refused(before)
            assert refused.refusal.code == expected, (
                f"{trigger} by {actor} from {self.status}: refused with "
                f"{refused.refusal.code!r}, expected {expected!r}"
            )
            return
        db.session.commit()
        assert expected is None, (
            f"{trigger} by {actor} from {self.status} went through, expected {expected!r}"
        )
        after = SUBMISSION_WORKFLOW.fire(trigger, self.status)
        status, version, audit_rows, questions = self._observed()
        assert (status, version, audit_rows, questions) == (
            after,
            before[1] + 1,
            before[2] + 1,
            before[3],
        )
        last = self._transition_events()[-1]
        assert (last.name, last.actor_id, last.from_value, last.to_value) == (
            trigger,
            self.user_ids[actor],
            self.status,
            after,
        )
        assert last.comment == (reason.strip() or None)
        self.status = after

    @rule(text=TEXTS)
    def reviewer_raises_question(self, text):
        self._raise(text)

    @rule(
        index=st.integers(min_value=0, max_value=3),
        text=TEXTS,
        correction=st.sampled_from(CORRECTIONS),
    )
    def agency_answers_question(self, index, text, correction):
        if self.questions:
            question_id = sorted(self.questions)[index % len(self.questions)]
            self._answer(question_id, text, correction)

    @rule(index=st.integers(min_value=0, max_value=3))
    def reviewer_resolves_question(self, index):
        if self.questions:
            self._resolve(sorted(self.questions)[index % len(self.questions)])

    @precondition(lambda self: self.status in (IN_REVIEW, CLARIFICATION))
    @rule(data=st.data())
    def rightful_question_step(self, data):
        """What the review would do next with its questions: in review, resolve an answered
        question or raise a new one; in clarification, answer an open one."""
        if self.status == CLARIFICATION:
            open_ids = [i for i, status in self.questions.items() if status == OPEN]
            if open_ids:
                question_id = data.draw(st.sampled_from(open_ids), label="question")
                # Mostly a plain answer or one that mends a broken value; sometimes it breaks.
                correction = "original" if self.broken else "breaking"
                if not data.draw(st.integers(0, 3), label="correct"):
                    self._answer(question_id, ANSWER, correction)
                else:
                    self._answer(question_id, ANSWER)
            return
        answered = [i for i, status in self.questions.items() if status == ANSWERED]
        if answered and data.draw(st.booleans(), label="resolve"):
            self._resolve(data.draw(st.sampled_from(answered), label="question"))
        else:
            self._raise(QUESTION)

    def _raise(self, text: str) -> None:
        before = self._observed()
        allowed = self.status == IN_REVIEW and text.strip()
        try:
            question = raise_question(
                self._submission(), f"item:{ASKED_ITEM}", text, self._user("reviewer")
            )
        except FieldErrors:
            self._refused(before)
            assert not allowed, f"raising a question in {self.status} was refused"
            return
        db.session.commit()
        assert allowed, f"a question was raised in {self.status} with text {text!r}"
        self._changed_only_questions(before, audit_rows=1)
        self.questions[question.id] = OPEN

    def _answer(self, question_id: int, text: str, correction: str = "") -> None:
        before = self._observed()
        was = self.questions[question_id]
        allowed = self.status == CLARIFICATION and was != RESOLVED and text.strip()
        question = db.session.get(Question, question_id)
        typed = self.correction_text.get(correction, "")
        value_before = self._asked_value()
        try:
            answer_question(self._submission(), question, text, self._user("owner_editor"), typed)
        except FieldErrors:
            self._refused(before)
            assert not allowed, f"answering a {was} question in {self.status} was refused"
            return
        db.session.commit()
        assert allowed, f"a {was} question was answered in {self.status} with {text!r}"
        changed = self._asked_value() != value_before
        assert changed == (bool(typed) and str(value_before) != typed)
        status, version, rows, _questions = self._observed()
        # A correction steps the version and adds its old → new event to the answer's.
        assert (status, version, rows) == (before[0], before[1] + changed, before[2] + 1 + changed)
        self.questions[question_id] = ANSWERED
        if typed:
            self.broken = correction == "breaking"

    def _resolve(self, question_id: int) -> None:
        before = self._observed()
        was = self.questions[question_id]
        allowed = self.status == IN_REVIEW and was == ANSWERED
        question = db.session.get(Question, question_id)
        try:
            resolve_question(self._submission(), question, "Svaret räcker.", self._user("reviewer"))
        except FieldErrors:
            self._refused(before)
            assert not allowed, f"resolving an {was} question in {self.status} was refused"
            return
        db.session.commit()
        assert allowed, f"a {was} question was resolved in {self.status}"
        self._changed_only_questions(before, audit_rows=1)
        self.questions[question_id] = RESOLVED

    def _changed_only_questions(self, before: tuple, audit_rows: int) -> None:
        status, version, rows, _questions = self._observed()
        assert (status, version, rows) == (before[0], before[1], before[2] + audit_rows)

    @rule(
        trigger=st.sampled_from(CYCLE_TRIGGERS),
        actor=st.sampled_from(["admin", "reviewer"]),
        reason=REASONS,
    )
    def cycle_transition(self, trigger, actor, reason):
        self._fire_cycle(trigger, actor, reason)

    @precondition(lambda self: self.cycle_status != "open" or self.status in SETTLED_STATES)
    @rule()
    def admin_advances_cycle(self):
        """The administrator's next step, once the submission is settled."""
        following = [
            t for t in CYCLE_TRIGGERS if self.cycle_status in CYCLE_WORKFLOW.table[t].sources
        ]
        if following:
            self._fire_cycle(following[0], "admin", "")

    def _fire_cycle(self, trigger: str, actor: str, reason: str) -> None:
        facts = CycleFacts(
            actor_role=actor,
            participant_count=1,
            unsettled_agencies=() if self.status in SETTLED_STATES else (self.owner_name,),
            reason=reason,
        )
        refusal = CYCLE_WORKFLOW.check(trigger, self.cycle_status, facts)
        expected = refusal.code if refusal else None
        before = self._observed()
        try:
            fire_cycle_transition(YEAR, trigger, self._user(actor), reason)
        except CycleTransitionRefused as refused:
            self._refused(before)
            assert refused.refusal.code == expected, (
                f"cycle {trigger} by {actor} from {self.cycle_status} with the submission "
                f"{self.status}: refused with {refused.refusal.code!r}, expected {expected!r}"
            )
            return
        db.session.commit()
        assert expected is None, (
            f"cycle {trigger} from {self.cycle_status} went through, expected {expected!r}"
        )
        self.cycle_status = CYCLE_WORKFLOW.fire(trigger, self.cycle_status)
        if self.cycle_status in FROZEN_STATES and self.frozen_rows is None:
            self.frozen_rows = self._rows()

    def _rows(self) -> tuple:
        submission = db.session.execute(
            select(Submission.__table__).where(Submission.id == self.submission_id)
        ).one()
        questions = db.session.execute(select(Question.__table__).order_by(Question.id)).all()
        submission_events = db.session.scalar(
            select(func.count()).where(AuditEvent.submission_id == self.submission_id)
        )
        return tuple(submission), [tuple(row) for row in questions], submission_events

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def workflow_promises_hold(self):
        """One invariant (so a failing run prints one line per step) with four checks."""
        db.session.rollback()  # read what is committed, not what the session remembers
        status = db.session.scalar(
            select(Submission.status).where(Submission.id == self.submission_id)
        )
        # 1. The status is one of the six, and the one the model predicts.
        assert status in STATUSES, f"unknown status {status!r}"
        assert status == self.status, f"the status is {status}, the model says {self.status}"
        cycle_status = db.session.scalar(select(Cycle.status).where(Cycle.year == YEAR))
        assert cycle_status == self.cycle_status
        assert self._question_statuses() == self.questions
        # 2. The audit trail, replayed from draft, is an unbroken chain ending at the status.
        state = SubmissionStatus.DRAFT.value
        for entry in self._transition_events():
            assert entry.from_value == state, f"event {entry.id} starts from {entry.from_value}"
            assert SUBMISSION_WORKFLOW.fire(entry.name, entry.from_value) == entry.to_value
            state = entry.to_value
        assert state == status, f"the audit trail replays to {state}, the status is {status}"
        # 3. (A refused action changed nothing: checked by the rules themselves.)
        # 4. Once the cycle is frozen, the submission, its questions and its trail stay put.
        if self.frozen_rows is not None:
            assert self._rows() == self.frozen_rows, "the submission changed in a frozen cycle"
        # 5. Nothing that breaks a blocking rule is approved, let alone frozen.
        errors = errors_of(self._submission())
        assert bool(errors) == self.broken, f"the model says broken={self.broken}: {errors}"
        if status == SubmissionStatus.APPROVED:
            assert not errors, f"an approved submission breaks a rule: {errors}"
        event(f"reached: submission {status}, cycle {cycle_status}")


TestWorkflowProperties = WorkflowMachine.TestCase
# Shrinking runs the database again for every attempt: shrink one bug (not each distinct one)
# and skip the explain phase, whose line tracing makes every attempt several times slower.
TestWorkflowProperties.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    report_multiple_bugs=False,
    phases=[phase for phase in Phase if phase != Phase.explain],
)
