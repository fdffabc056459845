"""Excel in and out for a submission's questionnaire, so agencies can fill it in offline; the
questionnaire's sheets alone also serve an agency's self-assessment (`build_answers_template`,
`read_answers`, over an `AnswerSource`).

The template carries the question codes and project ids in a hidden first column, and the
cycle, agency and version in the workbook's properties. An upload is checked as a zip package
and its XML streamed against the template's shape before openpyxl parses any of it, read cell
by cell (cached values only: no formula is ever evaluated) and stored through the web forms'
own checks, all or nothing. Never commits.
"""

from app.submissions.excel.layout import (
    CONTENT_TYPE,
    MAX_UPLOAD_BYTES,
    SELF_ASSESSMENT_FORM,
    AnswerSource,
    CellError,
    template_filename,
)
from app.submissions.excel.reading import read_answers, read_upload
from app.submissions.excel.storing import apply_upload
from app.submissions.excel.template import build_answers_template, build_template

__all__ = [
    "CONTENT_TYPE",
    "MAX_UPLOAD_BYTES",
    "SELF_ASSESSMENT_FORM",
    "AnswerSource",
    "CellError",
    "apply_upload",
    "build_answers_template",
    "build_template",
    "read_answers",
    "read_upload",
    "template_filename",
]
