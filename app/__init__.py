"""The application factory."""

from pathlib import Path

from flask import Flask

from config import BASE_DIR, Config

ROOT = Path(BASE_DIR)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(Config)
    app.config.update(overrides or {})
    Config.finalise(app.config)

    if app.config["PROXY_COUNT"]:
        # Only as many X-Forwarded-* hops as there are proxies: a client cannot spoof its
        # address past them (the login limits count per address).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from app import logs
    from app.wsgi_filters import WithoutNul

    app.wsgi_app = WithoutNul(app.wsgi_app)
    logs.configure(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    from app import web

    # The parts that react to what happens below them (app/effects.py) subscribe here.
    from app.datasets import subscriptions as dataset_subscriptions  # noqa: F401
    from app.notifications import subscriptions  # noqa: F401
    from app.review import subscriptions as review_subscriptions  # noqa: F401
    from app.submissions import subscriptions as submission_subscriptions  # noqa: F401

    web.register(app)
    # How to build this app again in another process (the report batch's workers, see
    # app/reports/batches.py), handed down so that no part below imports the factory.
    app.extensions["granska.factory"] = create_app
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401 - the whole schema, for Alembic
    from app.accounts.models import User
    from app.database import configure_sqlite
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.web import select_locale

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "app" / "translations"),
    )
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = app.config["SESSION_PROTECTION"]

    @login_manager.user_loader
    def _load_user(session_id: str):
        # The id carries the user's session token, so rotating it ends old sessions.
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_token != token:
            return None
        return user


def _register_blueprints(app: Flask) -> None:
    # Importing the routes attaches the views to their blueprints.
    from app.accounts import (  # noqa: F401
        admin_bp,
        admin_routes,
        peer_group_routes,
        routes,
        session_routes,
        two_factor_routes,
    )
    from app.accounts import bp as accounts_bp
    from app.api import bp as api_bp
    from app.api import routes as api_routes  # noqa: F401
    from app.api import (
        token_routes,  # noqa: F401
        tokens_bp,
    )
    from app.consultation import bp as consultation_bp
    from app.consultation import routes as consultation_routes  # noqa: F401
    from app.cycle_admin import (
        bulk_routes,  # noqa: F401
    )
    from app.cycle_admin import routes as cycle_routes  # noqa: F401
    from app.cycles import bp as cycles_bp
    from app.cycles import (
        questionnaire_routes,  # noqa: F401
    )
    from app.datasets import bp as datasets_bp
    from app.datasets import routes as dataset_routes  # noqa: F401
    from app.datasets.open_data_routes import open_data_bp
    from app.ministry import bp as ministry_bp
    from app.ministry import routes as ministry_routes  # noqa: F401
    from app.notifications import bp as notifications_bp
    from app.notifications import routes as notification_routes  # noqa: F401
    from app.notifications.admin_routes import outbox_bp
    from app.reports import bp as reports_bp
    from app.reports import index_routes  # noqa: F401
    from app.reports import routes as report_routes  # noqa: F401
    from app.review import bp as review_bp
    from app.review import routes as review_routes  # noqa: F401
    from app.review import submission_routes as review_submission_views  # noqa: F401
    from app.self_assessment import bp as self_assessment_bp
    from app.self_assessment import excel_routes as self_assessment_excel  # noqa: F401
    from app.self_assessment import routes as self_assessment_routes  # noqa: F401
    from app.submissions import (  # noqa: F401
        benefit_routes,
        project_routes,
        section_routes,
        summary_routes,
    )
    from app.submissions import bp as submissions_bp
    from app.submissions import excel_routes as excel_views  # noqa: F401
    from app.submissions import routes as submission_routes  # noqa: F401

    for blueprint in (
        accounts_bp,
        admin_bp,
        cycles_bp,
        consultation_bp,
        submissions_bp,
        review_bp,
        notifications_bp,
        outbox_bp,
        datasets_bp,
        open_data_bp,
        reports_bp,
        ministry_bp,
        self_assessment_bp,
        api_bp,
        tokens_bp,
    ):
        app.register_blueprint(blueprint)
    from app.extensions import csrf

    csrf.exempt(api_bp)  # no cookie is accepted there, so there is nothing to forge


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import register as register_accounts_cli
    from app.api.cli import register as register_api_cli
    from app.audit.cli import register as register_audit_cli
    from app.backup import register as register_backup_cli
    from app.cycles.cli import register as register_cycles_cli
    from app.cycles.questionnaire_cli import register as register_questionnaire_cli
    from app.datasets.cli import register as register_datasets_cli
    from app.notifications.cli import register as register_notifications_cli
    from app.seed import register as register_seed_cli

    register_accounts_cli(app)
    register_cycles_cli(app)
    register_questionnaire_cli(app)
    register_seed_cli(app)
    register_notifications_cli(app)
    register_datasets_cli(app)
    register_audit_cli(app)
    register_backup_cli(app)
    register_api_cli(app)
