"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the API's bodies: the description shows
them (each named one once, under components, referred to by $ref) and the API checks every
request body against the same dict, so what is documented is what is enforced."""

from workflows.consultation import CONSULTATION_WORKFLOW, Outcome
from workflows.cycle import CYCLE_WORKFLOW
from workflows.question import QuestionStatus
from workflows.submission import SUBMISSION_WORKFLOW, SubmissionStatus
from workflows.vocabulary import BenefitKind, BenefitStatus, Orientation, ProjectStatus, RiskLevel


def nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


STRING, INTEGER, NUMBER, BOOLEAN = (
    {"type": "string"},
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
)
MOMENT = nullable("string", format="date-time")
DAY = {"type": "string", "format": "date"}
TEXT = {"type": "string", "minLength": 1, "maxLength": 5000}


def obj(properties: dict, required=None, **extra) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required if required is not None else properties),
        **extra,
    }


def request(properties: dict, required, **extra) -> dict:
    """A request body: a field the schema does not name is refused, not silently ignored."""
    return obj(properties, required, additionalProperties=False, **extra)


def page_of(item: dict) -> dict:
    return obj(
        {
            "items": {"type": "array", "items": item},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
        }
    )


SUBMISSION_STATUS = {"enum": [s.value for s in SubmissionStatus]}
CYCLE_STATUS = {"enum": list(CYCLE_WORKFLOW.states)}
RISK_LEVEL = {"enum": [level.value for level in RiskLevel]}
PROJECT_STATUS = {"enum": [status.value for status in ProjectStatus]}
ORIENTATION = {"enum": [orientation.value for orientation in Orientation]}

PROBLEM = obj(
    {
        "type": {
            **STRING,
            "format": "uri",
            "description": "What went wrong, as a stable URI: the catalogue is in the "
            "description's x-problem-types",
        },
        "title": STRING,
        "status": INTEGER,
        "detail": STRING,
        "errors": {
            "type": "array",
            "items": obj(
                {
                    "code": {**STRING, "description": "The field or item the message is about"},
                    "message": STRING,
                }
            ),
        },
    },
    required=["type", "title", "status"],
)

CYCLE = obj(
    {
        "year": INTEGER,
        "title": STRING,
        "title_en": nullable("string", description="The title in English, if one was given"),
        "status": CYCLE_STATUS,
        "opens_on": DAY,
        "submission_deadline": DAY,
        "review_deadline": DAY,
        "frozen": BOOLEAN,
    }
)

BILINGUAL = obj({"sv": STRING, "en": STRING})
ITEM = obj(
    {
        "code": STRING,
        "section": STRING,
        "label": BILINGUAL,
        "definition": BILINGUAL,
        "type": STRING,
        "unit": nullable("string"),
        "required": BOOLEAN,
        "has_forecast": BOOLEAN,
        "min": nullable("number"),
        "max": nullable("number"),
        "choices": {},
    }
)
RULE = obj(
    {
        "code": STRING,
        "kind": STRING,
        "target": STRING,
        "operands": {"type": "array", "items": nullable("string")},
        "label": BILINGUAL,
    }
)
QUESTIONNAIRE = obj(
    {
        "year": INTEGER,
        "items": {"type": "array", "items": ITEM},
        "rules": {"type": "array", "items": RULE},
    }
)
DIFF = {
    "type": "array",
    "description": "The text word by word: kept (equal), taken out (delete), put in (insert)",
    "items": obj({"op": {"enum": ["equal", "delete", "insert"]}, "text": STRING}),
}
QUESTIONNAIRE_CHANGE = obj(
    {
        "part": {"enum": ["sections", "items", "rules", "key_figures"]},
        "code": STRING,
        "change": {"enum": ["added", "removed", "changed"]},
        "fields": {"type": "array", "items": STRING, "description": "The fields changed"},
        "label": BILINGUAL,
        "series_break": {
            **BOOLEAN,
            "description": "The definition changed: this year's values do not compare with "
            "last year's",
        },
        "definition": obj({"sv": DIFF, "en": DIFF}),
        "formula": DIFF,
    },
    required=["part", "code", "change", "fields", "label", "series_break"],
)
QUESTIONNAIRE_CHANGES = obj(
    {
        "year": INTEGER,
        "compared_with": nullable("integer", description="The previous cycle's year"),
        "changes": {"type": "array", "items": QUESTIONNAIRE_CHANGE},
        "series_breaks": {
            "type": "array",
            "items": STRING,
            "description": "The items and key figures not comparable with the previous year: "
            "their definition changed, or (a key figure) that of an item its formula reads",
        },
    }
)
CONSULTATION_STATUS = {"enum": [s for s in CONSULTATION_WORKFLOW.states if s != "new"]}
CONSULTATION = obj(
    {
        "status": CONSULTATION_STATUS,
        "deadline": {**DAY, "description": "The last day for comments"},
        "intro": BILINGUAL,
        "opened_at": MOMENT,
        "closed_at": MOMENT,
        "recorded_at": MOMENT,
        "comments": {
            "type": "array",
            "description": "Every agency's comments for the authority; an agency's own only "
            "for its users",
            "items": obj(
                {
                    "item": nullable("string", description="The item's code; null: general"),
                    "agency": obj({"name": STRING, "org_number": STRING}),
                    "text": STRING,
                    "created_at": MOMENT,
                    "answer": nullable("string", description="The authority's answer"),
                    "answered_at": MOMENT,
                }
            ),
        },
        "decisions": {
            "type": "array",
            "items": obj(
                {
                    "item": nullable("string", description="The item's code; null: general"),
                    "outcome": {"enum": [o.value for o in Outcome]},
                    "text": STRING,
                    "decided_at": MOMENT,
                }
            ),
        },
    }
)

AGENCY = obj({"name": STRING, "org_number": STRING, "peer_group": STRING})
SUBMISSION_SUMMARY = obj(
    {
        "agency": AGENCY,
        "status": SUBMISSION_STATUS,
        "version": {**INTEGER, "description": "Send it back in If-Match to change the submission"},
        "submitted_at": MOMENT,
        "approved_at": MOMENT,
        "open_questions": INTEGER,
        "warnings": INTEGER,
    }
)
FINDING = obj(
    {"code": STRING, "item": nullable("string"), "period": nullable("string"), "message": STRING}
)
REBASELINE = obj({"field": STRING, "old": STRING, "new": STRING, "reason": STRING})
PROJECT = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "description": STRING,
        "orientation": ORIENTATION,
        "status": PROJECT_STATUS,
        "start_date": DAY,
        "original_end_date": DAY,
        "current_end_date": DAY,
        "original_budget": NUMBER,
        "current_budget": NUMBER,
        "cost_to_date": NUMBER,
        "forecast_at_completion": NUMBER,
        "risk_benefits": RISK_LEVEL,
        "risk_budget": RISK_LEVEL,
        "risk_time": RISK_LEVEL,
        "benefits_analysed": BOOLEAN,
        "benefits_plan": BOOLEAN,
        "benefits_owner": BOOLEAN,
        "rebaselines": {"type": "array", "items": REBASELINE},
    },
    required=["id", "name", "status", "original_budget", "current_budget"],
)
BENEFIT_KIND = {"enum": [kind.value for kind in BenefitKind]}
BENEFIT_STATUS = {"enum": [status.value for status in BenefitStatus]}
_BENEFIT_FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "stakeholder": {"type": "string", "minLength": 1, "maxLength": 200},
    "kind": BENEFIT_KIND,
    "goal": TEXT,
    "indicator": {"type": "string", "minLength": 1, "maxLength": 200},
    "unit": {"type": "string", "minLength": 1, "maxLength": 60},
    "baseline_value": NUMBER,
    "baseline_date": DAY,
    "target_value": NUMBER,
    "target_year": {"type": "integer", "minimum": 1990, "maximum": 2100},
    "owner": {"type": "string", "maxLength": 200, "description": "A role in the line organisation"},
    "is_main": BOOLEAN,
    "amount": nullable("number", minimum=0, description="Economic benefits only: tkr a year"),
    "budget_affecting": BOOLEAN,
    "realised_value": nullable("number"),
    "realised_amount": nullable("number", minimum=0),
    "status": BENEFIT_STATUS,
    "status_reason": {"type": "string", "maxLength": 5000},
}
BENEFIT = obj(
    {
        "id": INTEGER,
        "continues": nullable(
            "integer", description="The id of last year's row of the same benefit, if any"
        ),
        **_BENEFIT_FIELDS,
        "owner": STRING,
        "status_reason": STRING,
        "goal": STRING,
    },
    required=["id", "name", "kind", "target_value", "target_year", "status"],
)
BENEFIT_INPUT = request(
    _BENEFIT_FIELDS,
    [
        "name",
        "stakeholder",
        "kind",
        "goal",
        "indicator",
        "unit",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_year",
        "status",
    ],
    description="A whole benefit: PUT replaces it, so every required field is sent",
)
SUBMISSION = obj(
    {
        **SUBMISSION_SUMMARY["properties"],
        "values": {"type": "object", "additionalProperties": {}},
        "key_figures": {"type": "object", "additionalProperties": nullable("number")},
        "errors": {"type": "array", "items": FINDING},
        "warnings_list": {"type": "array", "items": FINDING},
        "projects": {"type": "array", "items": PROJECT},
    }
)
SUBMISSION_PAGE = page_of(SUBMISSION_SUMMARY)

VALUES_PATCH = request(
    {
        "values": {
            "type": "object",
            "description": 'Item code → value ("code" for the reporting year, '
            '"code:forecast" for this year); null clears an answer.',
            "additionalProperties": {"type": ["number", "string", "null"]},
            "minProperties": 1,
        },
        "reason": {
            "type": "string",
            "maxLength": 5000,
            "description": "Why the values change: required while the submission is in "
            "clarification (a correction), where it is kept with old and new value",
        },
    },
    ["values"],
)
PROJECT_INPUT = request(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": STRING,
        "orientation": ORIENTATION,
        "status": PROJECT_STATUS,
        "start_date": DAY,
        "end_date": {**DAY, "description": "The currently planned end date"},
        "budget": {**NUMBER, "minimum": 0, "description": "The current budget, tkr"},
        "cost_to_date": {**NUMBER, "minimum": 0},
        "forecast_at_completion": {**NUMBER, "minimum": 0},
        "collaboration": STRING,
        "risk_benefits": RISK_LEVEL,
        "risk_budget": RISK_LEVEL,
        "risk_time": RISK_LEVEL,
        "benefits_analysed": BOOLEAN,
        "benefits_plan": BOOLEAN,
        "benefits_owner": BOOLEAN,
        "expected_benefits": STRING,
        "benefit_measure": STRING,
        "benefit_target": STRING,
        "realised_benefits": STRING,
        "rebaseline_reason": {
            **STRING,
            "description": "Required when budget or end_date changes an existing project",
        },
    },
    [
        "name",
        "orientation",
        "status",
        "start_date",
        "end_date",
        "budget",
        "forecast_at_completion",
        "risk_benefits",
        "risk_budget",
        "risk_time",
    ],
    description="A whole project: PUT replaces it, so every required field is sent",
)


def transition(workflow, trigger: dict) -> dict:
    """A transition request: a trigger of the workflow's table, and its reason rule."""
    needing = [t for t, row in workflow.table.items() if row.reason_required]
    comment = {"type": "string", "maxLength": 5000, "description": "A comment for the history"}
    if needing:
        comment["description"] = "The reason: required for " + ", ".join(needing)
    return request({"trigger": trigger, "comment": comment}, ["trigger"])


SUBMISSION_TRIGGER = {"enum": list(SUBMISSION_WORKFLOW.table)}
CYCLE_TRIGGER = {"enum": list(CYCLE_WORKFLOW.table)}
SUBMISSION_TRANSITION = transition(SUBMISSION_WORKFLOW, SUBMISSION_TRIGGER)
CYCLE_TRANSITION = transition(CYCLE_WORKFLOW, CYCLE_TRIGGER)
TRANSITION_DONE = obj({"status": SUBMISSION_STATUS, "version": INTEGER}, ["status"])
CYCLE_TRANSITION_DONE = obj({"status": CYCLE_STATUS}, ["status"])
QUESTION_STATUS = {
    "enum": [status.value for status in QuestionStatus if status != QuestionStatus.NEW],
    "description": "open → answered → resolved; withdrawn (before a round sent it) or closed "
    "(sent, settled without an answer)",
}
QUESTION = obj(
    {
        "id": INTEGER,
        "about": {**STRING, "description": "What the question is about, in Swedish"},
        "about_en": nullable("string", description="The same in English (older questions: none)"),
        "section": nullable("string"),
        "item_code": nullable("string"),
        "status": QUESTION_STATUS,
        "text": STRING,
        "answer": nullable("string"),
        "raised_at": MOMENT,
        "answered_at": MOMENT,
        "resolved_at": MOMENT,
        "rounds_sent": INTEGER,
    }
)
NEW_QUESTION = request(
    {
        "target": {
            **STRING,
            "description": (
                "general (the default), section:CODE, item:CODE, project:ID or benefit:ID"
            ),
        },
        "text": TEXT,
    },
    ["text"],
)
ANSWER = request(
    {
        "answer": {**TEXT, "description": "The answer; with a correction, also its reason"},
        "correction": {
            "type": ["number", "string", "null"],
            "description": "A new value for the item the question is about (in clarification)",
        },
    },
    ["answer"],
)
COMMENT = request({"comment": {**TEXT, "description": "Why: required"}}, ["comment"])
REASON = request({"reason": {**TEXT, "description": "Why: required"}}, ["reason"])
QUESTION_TEXT = request({"text": {**TEXT, "description": "The question's new text"}}, ["text"])
DATASET = obj({"year": INTEGER, "digest": STRING, "snapshot": {"type": "object"}})
CSV_FILE = {"type": "string", "description": "CSV, UTF-8"}
XLSX_FILE = {"type": "string", "format": "binary", "description": "An XLSX workbook"}

# The names under components/schemas; everything else is written where it is used.
COMPONENTS = {
    "Problem": PROBLEM,
    "SubmissionStatus": SUBMISSION_STATUS,
    "CycleStatus": CYCLE_STATUS,
    "RiskLevel": RISK_LEVEL,
    "QuestionStatus": QUESTION_STATUS,
    "ProjectStatus": PROJECT_STATUS,
    "Orientation": ORIENTATION,
    "Cycle": CYCLE,
    "BilingualText": BILINGUAL,
    "QuestionnaireItem": ITEM,
    "QuestionnaireRule": RULE,
    "Questionnaire": QUESTIONNAIRE,
    "QuestionnaireChange": QUESTIONNAIRE_CHANGE,
    "QuestionnaireChanges": QUESTIONNAIRE_CHANGES,
    "ConsultationStatus": CONSULTATION_STATUS,
    "Consultation": CONSULTATION,
    "Agency": AGENCY,
    "SubmissionSummary": SUBMISSION_SUMMARY,
    "SubmissionPage": SUBMISSION_PAGE,
    "Finding": FINDING,
    "Rebaseline": REBASELINE,
    "Project": PROJECT,
    "Submission": SUBMISSION,
    "ValuesPatch": VALUES_PATCH,
    "ProjectInput": PROJECT_INPUT,
    "BenefitKind": BENEFIT_KIND,
    "BenefitStatus": BENEFIT_STATUS,
    "Benefit": BENEFIT,
    "BenefitInput": BENEFIT_INPUT,
    "SubmissionTrigger": SUBMISSION_TRIGGER,
    "CycleTrigger": CYCLE_TRIGGER,
    "SubmissionTransition": SUBMISSION_TRANSITION,
    "CycleTransition": CYCLE_TRANSITION,
    "TransitionDone": TRANSITION_DONE,
    "CycleTransitionDone": CYCLE_TRANSITION_DONE,
    "Question": QUESTION,
    "NewQuestion": NEW_QUESTION,
    "Answer": ANSWER,
    "Comment": COMMENT,
    "Dataset": DATASET,
}
