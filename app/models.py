"""Every model, imported in one place so Alembic and the app see the whole schema."""

from app.accounts.models import Agency, FormStash, PeerGroup, RecoveryCode, User  # noqa: F401
from app.api.models import ApiToken  # noqa: F401
from app.audit.models import AuditChainHead, AuditEvent  # noqa: F401
from app.consultation.models import (  # noqa: F401
    Consultation,
    ConsultationComment,
    ConsultationDecision,
)
from app.cycles.models import Cycle, CycleParticipant  # noqa: F401
from app.cycles.questionnaire import (  # noqa: F401
    QuestionnaireItem,
    QuestionnaireKeyFigure,
    QuestionnaireRule,
    QuestionnaireSection,
)
from app.datasets import guard  # noqa: F401 - the frozen-cycle guard on every flush
from app.datasets.models import DatasetSnapshot, OpenDataFile, OpenDataRelease  # noqa: F401
from app.ministry.models import MinistryObservation  # noqa: F401
from app.notifications.models import Notification, OutboxMessage  # noqa: F401
from app.reports.models import ReportBatch  # noqa: F401
from app.review.models import Comment, Question, QuestionEntry  # noqa: F401
from app.self_assessment.models import SelfAssessment, SelfAssessmentValue  # noqa: F401
from app.submissions.models import (  # noqa: F401
    Benefit,
    Project,
    ProjectBaselineChange,
    Submission,
    SubmissionValue,
    WarningExplanation,
)
