"""The cost of the heaviest pages at the full state: 10 and 340 agencies, 1 and 10 frozen
years of `flask seed-demo` data, measured in-process with Flask's test client.

Per page: p50 and p95 of CPU time (process_time) and wall time over REPEAT views after one
warm-up view, the SQL statements of one view, the ratio of its CPU time to a bare Flask page
rendering as many table rows (the floor, viewed between the views of the page), and the
growth from 10 to 340 agencies. Run with `make bench` (BENCH_SIZES="10x1 340x1" to pick
sizes). Times depend on the machine, so this is a benchmark, never a test; the suite asserts
the query counts instead.
"""

import json
import os
import statistics
import time

from flask import Flask, render_template_string
from flask.globals import _cv_app
from sqlalchemy import event

from app.extensions import db
from tests.benchmarks.scale_data import ADMIN, EDITOR, REVIEWER, bench_dir, landmarks, prepared_app

REPEAT = int(os.environ.get("BENCH_REPEAT", "9"))
# The floor is a millisecond or two: more views of it, so that a busy moment moves its median
# less (the ratio and the per-row figures divide by it).
FLOOR_PER_VIEW = 3
DEFAULT_SIZES = "10x1 340x1 10x10 340x10"


def pages(marks: dict) -> list[tuple[str, str, str]]:
    own, reviewed, org = marks["own"], marks["reviewed"], marks["org"]
    frozen, open_year = marks["frozen"], marks["open"]
    return [
        (REVIEWER, "review: comparison of a submission", f"/review/submissions/{reviewed}/compare"),
        (REVIEWER, "review: submission page", f"/submissions/{reviewed}"),
        (REVIEWER, "review: list", "/review/"),
        (EDITOR, "agency: Kontrollera era svar", f"/submissions/{own}/summary"),
        (EDITOR, "agency: section it_costs", f"/submissions/{own}/sections/it_costs"),
        (EDITOR, "agency: submission page", f"/submissions/{own}"),
        (EDITOR, "agency: overview", "/agency/"),
        (EDITOR, "agency: results + trend (frozen)", f"/cycles/{frozen}/analysis/{org}"),
        (EDITOR, "agency: feedback PDF (frozen)", f"/cycles/{frozen}/reports/agencies/{org}.pdf"),
        (ADMIN, "staff: results, open cycle", f"/cycles/{open_year}/analysis"),
        (
            ADMIN,
            "staff: agency results, open cycle",
            f"/cycles/{open_year}/analysis/{marks['reviewed_org']}",
        ),
        (ADMIN, "staff: results, frozen cycle", f"/cycles/{frozen}/analysis"),
        (ADMIN, "staff: dataset page (frozen)", f"/cycles/{frozen}/dataset"),
        (ADMIN, "staff: cycle page", f"/admin/cycles/{open_year}"),
        (ADMIN, "staff: outbox", "/admin/outbox/"),
        (REVIEWER, "review: notices", "/notifications/"),
    ]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client, path: str, engine=None, repeat: int = REPEAT, floor: bool = False) -> dict:
    """The page's figures; with `floor`, the bare Flask page of as many rows and bytes is
    viewed FLOOR_PER_VIEW times after each view of the page, so that both are measured in
    the same moments of a machine whose speed drifts (a virtual machine's neighbours)."""
    statements = []

    def count(*_args):
        statements.append(1)

    if engine is not None:
        event.listen(engine, "before_cursor_execute", count)
    try:
        started_cpu = time.process_time()
        body = client.get(path).data  # warm-up: caches filled, templates compiled
        cold = time.process_time() - started_cpu
        bare = floor_client(rows_of(body), len(body)) if floor else None
        cpu, wall, floor_cpu = [], [], []
        for _ in range(repeat):
            statements.clear()
            started_cpu, started = time.process_time(), time.perf_counter()
            response = client.get(path)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
            body = response.data
            for _ in range(FLOOR_PER_VIEW if bare else 0):
                started_cpu = time.process_time()
                bare.get("/")
                floor_cpu.append(time.process_time() - started_cpu)
    finally:
        if engine is not None:
            event.remove(engine, "before_cursor_execute", count)
    return {
        "cold_cpu": cold,
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": _percentile(cpu, 0.95),
        "wall_p50": statistics.median(wall),
        "wall_p95": _percentile(wall, 0.95),
        "sql": len(statements),
        "rows": rows_of(body),
        "bytes": len(body),
        "floor_cpu": statistics.median(floor_cpu) if floor_cpu else 0,
    }


def rows_of(body: bytes) -> int:
    """The rows a page lists: its table rows, and the notices of the inbox (a list, not a
    table), so that a page filling up is compared with a floor of as many rows."""
    return body.count(b"<tr") + body.count(b'<li class="inbox-item')


FLOOR_PAGE = """<!doctype html><html lang="sv"><head><title>golv</title></head><body><main>
<p>{{ filler }}</p><table><thead><tr><th>a</th><th>b</th><th>c</th><th>d</th></tr></thead>
<tbody>{% for row in rows %}<tr><th scope="row">{{ row[0] }}</th><td>{{ row[1] }}</td>
<td>{{ row[2] }}</td><td>{{ row[3] }}</td></tr>{% endfor %}</tbody></table></main></body></html>"""


def floor_client(rows: int, size: int):
    """A bare Flask page (no database, no login, no layout) rendering `rows` table rows from
    Python values, padded to `size` bytes like the measured page, and its test client."""
    bare = Flask("floor")
    data = [(f"rad {i}", i, f"{i * 1.5:.1f}", "text") for i in range(rows)]
    filler = "x" * max(size - len(render_floor(bare, data, "")), 0)

    @bare.get("/")
    def table():
        return render_template_string(FLOOR_PAGE, rows=list(data), filler=filler)

    client = bare.test_client()
    client.get("/")  # the template compiled
    return client


def render_floor(bare: Flask, data, filler) -> str:
    with bare.app_context():
        return render_template_string(FLOOR_PAGE, rows=data, filler=filler)


def _login(client, email):
    from app.seed import DEMO_PASSWORD

    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, f"login failed for {email}"


def run_size(agencies: int, years: int) -> dict:
    app = prepared_app(agencies, years)
    with app.app_context():
        marks, engine = landmarks(), db.engine
    results = {}
    token = _cv_app.set(None)  # the test client pushes its own context per request
    try:
        clients = {}
        for who, label, path in pages(marks):
            if who not in clients:
                clients[who] = app.test_client()
                _login(clients[who], who)
            result = measure(clients[who], path, engine, floor=not path.endswith(".pdf"))
            results[label] = result
            print(f"  {agencies}x{years} {label}: {result['cpu_p50'] * 1000:.1f} ms", flush=True)
    finally:
        _cv_app.reset(token)
        with app.app_context():
            db.engine.dispose()
    return results


def report(results: dict) -> None:
    sizes = list(results)
    head = f"{'page':38}" + "".join(f"{size:>34}" for size in sizes)
    print("\nCPU p50/p95 ms, wall p50 ms, SQL, ×floor (bare Flask, same rows)\n" + head)
    print("(the first view of each page, which fills the caches, is left out: see 'cold' below)")
    for label in results[sizes[0]]:
        cells = []
        for size in sizes:
            r = results[size][label]
            ratio = f"×{r['cpu_p50'] / r['floor_cpu']:5.1f}" if r["floor_cpu"] else "     —"
            cells.append(
                f"{r['cpu_p50'] * 1000:6.1f}/{r['cpu_p95'] * 1000:6.1f} {r['wall_p50'] * 1000:6.1f}"
                f" {r['sql']:3}q {ratio}"
            )
        print(f"{label:38}" + "".join(f"{cell:>34}" for cell in cells))
    print("\ngrowth of CPU p50 from 10 to 340 agencies (SQL 10 → 340)")
    print(
        "  (a list shows more rows at 340 agencies, up to its page of 50: 'rows' and 'per row'"
        "\n   say how much of the growth is its rows — the page's growth divided by the growth"
        "\n   of the bare Flask floor with the same rows, and the CPU each added row costs)"
    )
    for years in sorted({size.split("x")[1] for size in sizes}):
        small, large = f"10x{years}", f"340x{years}"
        if small in results and large in results:
            print(f"  {years} frozen year(s):")
            for label, r in results[large].items():
                base = results[small][label]
                print(
                    f"    {label:38} ×{r['cpu_p50'] / base['cpu_p50']:4.2f}"
                    + _against_the_floor(base, r)
                    + f"  ({base['sql']} → {r['sql']} statements;"
                    f" cold {base['cold_cpu'] * 1000:.0f} → {r['cold_cpu'] * 1000:.0f} ms)"
                    + _per_row(base, r)
                )


def _against_the_floor(small: dict, large: dict) -> str:
    """The page's growth over its floor's: the floor is viewed between the page's views, so
    this takes out a machine that runs slower or faster at one size than at the other."""
    if not small["floor_cpu"] or not large["floor_cpu"]:
        return "      "
    page = large["cpu_p50"] / small["cpu_p50"]
    floor = large["floor_cpu"] / small["floor_cpu"]
    return f" (against the floor ×{page / floor:4.2f})"


def _per_row(small: dict, large: dict) -> str:
    """For a page with more rows at the larger size: its growth over the floor's growth with
    the same rows, and the CPU of each added row (page and floor)."""
    added = large["rows"] - small["rows"]
    if added <= 0 or not small["floor_cpu"] or not large["floor_cpu"]:
        return ""
    growth = large["cpu_p50"] / small["cpu_p50"]
    floor_growth = large["floor_cpu"] / small["floor_cpu"]
    per_row = (large["cpu_p50"] - small["cpu_p50"]) / added * 1e6
    floor_per_row = (large["floor_cpu"] - small["floor_cpu"]) / added * 1e6
    return (
        f"\n    {'':38} rows {small['rows']} → {large['rows']}: floor ×{floor_growth:4.2f},"
        f" per-row-normalised ×{growth / floor_growth:4.2f};"
        f" {per_row:.0f} µs per added row (floor {floor_per_row:.0f} µs)"
    )


def main() -> None:
    sizes = os.environ.get("BENCH_SIZES", DEFAULT_SIZES).split()
    results = {}
    for size in sizes:
        agencies, years = (int(part) for part in size.split("x"))
        results[size] = run_size(agencies, years)
    report(results)
    out = bench_dir() / "pages.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"\n(raw figures in {out})")


if __name__ == "__main__":
    main()
