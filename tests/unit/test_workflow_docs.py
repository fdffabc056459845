from pathlib import Path

from workflows import docs

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_shows_the_current_workflow_tables():
    text = README.read_text(encoding="utf-8")
    assert docs.replace_section(text) == text, "run: flask workflow diagram --readme README.md"


def test_every_transition_appears_in_the_diagram():
    markdown = docs.markdown()
    for trigger in (
        "submit",
        "withdraw",
        "start_review",
        "request_clarification",
        "answer_clarification",
        "approve",
        "reopen",
        "exempt",
        "reinstate",
        "open",
        "close",
        "publish",
    ):
        assert f": {trigger} (" in markdown
