from flask import abort, render_template
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.models import AGENCY_ROLES, Role
from app.accounts.policies import can_view_agency_data
from app.extensions import db
from app.submissions import bp
from app.submissions.models import Submission
from app.submissions.services import agency_submissions, deadline_of


@bp.get("/agency/")
@roles_required(*AGENCY_ROLES)
def agency_overview():
    submissions = agency_submissions(current_user.agency_id)
    return render_template(
        "submissions/agency_overview.html",
        agency=current_user.agency,
        rows=[(submission, deadline_of(submission.cycle)) for submission in submissions],
    )


@bp.get("/submissions/<int:submission_id>")
@roles_required(*AGENCY_ROLES, Role.REVIEWER, Role.ADMIN)
def show(submission_id):
    submission = db.get_or_404(Submission, submission_id)
    if not can_view_agency_data(current_user, submission.agency_id):
        abort(404)  # not 403: another agency's ids are not confirmed to exist
    return render_template(
        "submissions/show.html", submission=submission, deadline=deadline_of(submission.cycle)
    )
