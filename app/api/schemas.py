"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the API's bodies."""

from workflows.question import QuestionStatus


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


def obj(properties: dict, required=None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required if required is not None else properties),
    }


def page_of(item: dict) -> dict:
    return obj(
        {
            "items": {"type": "array", "items": item},
            "page": INTEGER,
            "per_page": INTEGER,
            "total": INTEGER,
        }
    )


PROBLEM = obj(
    {
        "type": STRING,
        "title": STRING,
        "status": INTEGER,
        "detail": STRING,
        "errors": {
            "type": "array",
            "items": obj({"code": STRING, "message": STRING}),
        },
    },
    required=["type", "title", "status"],
)

CYCLE = obj(
    {
        "year": INTEGER,
        "title": STRING,
        "status": {"enum": ["planned", "open", "closed", "approved", "published"]},
        "opens_on": DAY,
        "submission_deadline": DAY,
        "review_deadline": DAY,
        "frozen": BOOLEAN,
    }
)

ITEM = obj(
    {
        "code": STRING,
        "section": STRING,
        "label": obj({"sv": STRING, "en": STRING}),
        "definition": obj({"sv": STRING, "en": STRING}),
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
        "label": obj({"sv": STRING, "en": STRING}),
    }
)
QUESTIONNAIRE = obj(
    {
        "year": INTEGER,
        "items": {"type": "array", "items": ITEM},
        "rules": {"type": "array", "items": RULE},
    }
)

AGENCY = obj({"name": STRING, "org_number": STRING, "peer_group": STRING})
SUBMISSION_SUMMARY = obj(
    {
        "agency": AGENCY,
        "status": STRING,
        "version": INTEGER,
        "submitted_at": MOMENT,
        "approved_at": MOMENT,
        "open_questions": INTEGER,
        "warnings": INTEGER,
    }
)
FINDING = obj(
    {"code": STRING, "item": nullable("string"), "period": nullable("string"), "message": STRING}
)
PROJECT = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "description": STRING,
        "orientation": STRING,
        "status": STRING,
        "start_date": DAY,
        "original_end_date": DAY,
        "current_end_date": DAY,
        "original_budget": NUMBER,
        "current_budget": NUMBER,
        "cost_to_date": NUMBER,
        "forecast_at_completion": NUMBER,
        "risk_benefits": STRING,
        "risk_budget": STRING,
        "risk_time": STRING,
        "benefits_analysed": BOOLEAN,
        "benefits_plan": BOOLEAN,
        "benefits_owner": BOOLEAN,
        "rebaselines": {
            "type": "array",
            "items": obj({"field": STRING, "old": STRING, "new": STRING, "reason": STRING}),
        },
    },
    required=["id", "name", "status", "original_budget", "current_budget"],
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

VALUES_PATCH = {
    "type": "object",
    "properties": {
        "values": {
            "type": "object",
            "description": 'Item code → value ("code" for the reporting year, '
            '"code:forecast" for this year); null clears an answer.',
            "additionalProperties": {"type": ["number", "string", "null"]},
            "minProperties": 1,
        },
        "reason": {"type": "string", "maxLength": 5000},
    },
    "required": ["values"],
}
PROJECT_INPUT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": STRING,
        "orientation": {"enum": ["develop", "efficiency"]},
        "status": {"enum": ["ongoing", "reorienting", "completed", "cancelled"]},
        "start_date": DAY,
        "end_date": {**DAY, "description": "The currently planned end date"},
        "budget": {**NUMBER, "minimum": 0, "description": "The current budget, tkr"},
        "cost_to_date": {**NUMBER, "minimum": 0},
        "forecast_at_completion": {**NUMBER, "minimum": 0},
        "collaboration": STRING,
        "risk_benefits": {"enum": ["low", "medium", "high"]},
        "risk_budget": {"enum": ["low", "medium", "high"]},
        "risk_time": {"enum": ["low", "medium", "high"]},
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
    "required": [
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
}
TRANSITION = obj({"trigger": STRING, "comment": {"type": "string", "maxLength": 5000}}, ["trigger"])
TRANSITION_DONE = obj({"status": STRING, "version": INTEGER}, ["status"])
CYCLE_TRANSITION_DONE = obj({"status": STRING}, ["status"])
QUESTION = obj(
    {
        "id": INTEGER,
        "about": STRING,
        "section": nullable("string"),
        "item_code": nullable("string"),
        "status": {"enum": [s.value for s in QuestionStatus if s != QuestionStatus.NEW]},
        "text": STRING,
        "answer": nullable("string"),
        "raised_at": MOMENT,
        "answered_at": MOMENT,
        "resolved_at": MOMENT,
        "rounds_sent": INTEGER,
    }
)
NEW_QUESTION = obj({"target": STRING, "text": TEXT}, ["text"])
ANSWER = obj({"answer": TEXT, "correction": {"type": ["number", "string", "null"]}}, ["answer"])
COMMENT = obj({"comment": TEXT}, ["comment"])
REASON = obj({"reason": TEXT}, ["reason"])
QUESTION_TEXT = obj({"text": TEXT}, ["text"])
DATASET = obj({"year": INTEGER, "digest": STRING, "snapshot": {"type": "object"}})
