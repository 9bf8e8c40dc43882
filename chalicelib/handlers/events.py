"""Stream-driven functions (SPEC §8): forwarding new reports, delivering notifications.

Each is its own Lambda, fed by a DynamoDB stream. A raised error makes Lambda deliver the batch
again; the services skip what was already done, so nothing is lost and nothing is done twice.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.config import get_settings
from chalicelib.lazy import lazy

forwarding = lazy("chalicelib.services.forwarding")
notify = lazy("chalicelib.services.notify")
reporter_email = lazy("chalicelib.services.reporter_email")
bp = Blueprint(__name__)
_settings = get_settings()


def _raw(event) -> list[dict]:
    return event.to_dict().get("Records", [])


@bp.on_dynamodb_record(stream_arn=_settings.complaints_stream_arn, batch_size=25,
                       starting_position="TRIM_HORIZON", name="forward_new_reports")
def forward_new_reports(event):
    forwarding.handle_records(_raw(event))


@bp.on_dynamodb_record(stream_arn=_settings.notifications_stream_arn, batch_size=25,
                       starting_position="TRIM_HORIZON", name="deliver_notifications")
def deliver_notifications(event):
    notify.handle_records(_raw(event))


@bp.on_sns_message(topic=_settings.ses_events_topic, name="ses_events")
def ses_events(event):
    """SES bounces and complaints (configuration set → SNS): the suppression list (SPEC §11)."""
    reporter_email.handle_ses_notification(event.message)
