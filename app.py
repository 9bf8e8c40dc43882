"""SP4N-LAPOR! serverless: builds the Chalice app from its middleware and blueprints, nothing else."""

from chalice import Chalice

from chalicelib.config import get_settings
from chalicelib.handlers import (
    admin,
    agency,
    attachments,
    console,
    dashboard,
    events,
    export,
    open311,
    openapi,
    participation,
    places,
    public,
    reference,
    scheduled,
    staff_session,
    stats,
    users,
    web,
)
from chalicelib.handlers.middleware import http_middleware, observe

app = Chalice(app_name="sp4n-lapor")
app.api.binary_types.append("image/x-icon")  # /favicon.ico
app.register_middleware(observe, "all")
app.register_middleware(http_middleware, "http")
app.register_blueprint(public.bp)
app.register_blueprint(places.bp)
app.register_blueprint(attachments.bp)
app.register_blueprint(web.bp)
app.register_blueprint(console.bp)
app.register_blueprint(reference.bp)
app.register_blueprint(stats.bp)
app.register_blueprint(export.bp)
app.register_blueprint(open311.bp)
app.register_blueprint(dashboard.bp)
app.register_blueprint(staff_session.bp)
app.register_blueprint(agency.bp)
app.register_blueprint(participation.bp)
app.register_blueprint(admin.bp)
app.register_blueprint(users.bp)
app.register_blueprint(events.bp)
app.register_blueprint(scheduled.bp)
app.register_blueprint(openapi.bp)

if get_settings().dev_routes:  # the local stack and tests only: never on a deployed stage
    from chalicelib.handlers import dev

    app.register_blueprint(dev.bp)
