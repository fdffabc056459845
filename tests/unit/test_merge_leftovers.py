"""Work lands on main from several branches at once; a conflict marker resolved by hand and
missed (it happened once, in base.html) renders on every page. Nothing tracked may hold one."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(rb"^(<{7}|>{7}) |^={7}$", re.MULTILINE)


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_no_tracked_file_holds_a_conflict_marker():
    files = tracked_files()
    assert len(files) > 100, "git ls-files found the repository"
    marked = [
        str(path.relative_to(ROOT))
        for path in files
        if path.is_file() and MARKER.search(path.read_bytes())
    ]
    assert marked == []
