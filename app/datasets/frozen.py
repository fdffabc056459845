"""What a frozen cycle protects: one declaration, from which the application's guard
(`guard.py`) traces rows to their cycle, the database triggers were generated (migrations 0011,
0017, 0020, 0022 and 0028 hold the same paths, written out), and the tests walk the schema.

Each protected table with the path from one of its rows to its cycle: the foreign keys to
follow, each with the table it leads to. A table linked to a cycle that is not protected is
listed in NOT_FROZEN with the reason; a test fails on a table linked to a cycle that is in
neither list.
"""

SUBMISSION = (("submission_id", "submission"), ("cycle_id", "cycle"))

FROZEN_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "submission": (("cycle_id", "cycle"),),
    "cycle_participant": (("cycle_id", "cycle"),),
    "questionnaire_item": (("cycle_id", "cycle"),),
    "questionnaire_rule": (("cycle_id", "cycle"),),
    "questionnaire_section": (("cycle_id", "cycle"),),
    "questionnaire_key_figure": (("cycle_id", "cycle"),),
    "consultation": (("cycle_id", "cycle"),),
    "consultation_comment": (("cycle_id", "cycle"),),
    "consultation_decision": (("cycle_id", "cycle"),),
    "submission_value": SUBMISSION,
    "warning_explanation": SUBMISSION,
    "project": SUBMISSION,
    "question": SUBMISSION,
    "comment": SUBMISSION,
    "project_baseline_change": (("project_id", "project"), *SUBMISSION),
    "question_entry": (("question_id", "question"), *SUBMISSION),
    "benefit": (("project_id", "project"), *SUBMISSION),
}

NOT_FROZEN: dict[str, str] = {
    "dataset_snapshot": "guarded more strictly by triggers of its own: it never changes at all",
    "audit_event": "append-only by triggers of its own; events about a frozen cycle (a login, "
    "a reopening refused) are still recorded",
    "notification": "a user's inbox: notices about a frozen cycle are still read and marked",
    "outbox_message": "mail about a frozen cycle is still delivered (sending, sent, skipped)",
    "report_batch": "the zips of a frozen cycle's reports are built from the snapshot after it",
    "frozen_key_figure": "written once with the snapshot at freezing (in the approval's "
    "transaction, after the cycle's status changes); triggers of its own refuse any UPDATE or "
    "DELETE (migration 0019)",
    "open_data_release": "how a published dataset is offered (licence, description, parts "
    "withheld), chosen by an administrator after publication; the data stays the snapshot's",
    "open_data_file": "the open version's files, built from the frozen snapshot and rebuilt "
    "when the administrator changes what is withheld; never the frozen data itself",
    "ministry_observation": "the authority's observations to a ministry are written after the "
    "cycle is published, about its frozen results; they are not part of the dataset",
    "self_assessment": "an agency's private self-assessment, compared with a published cycle's "
    "dataset and never part of it; the agency keeps changing it after the cycle is frozen",
    "self_assessment_value": "the answers of a self-assessment, which is never part of a dataset",
}
