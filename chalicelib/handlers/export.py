"""``GET /agency/complaints.csv`` (SPEC §7): the caller's reports as a spreadsheet."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.handlers import http
from chalicelib.handlers.auth import current_actor
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

export = lazy("chalicelib.services.export")
bp = Blueprint(__name__)


@bp.route("/agency/complaints.csv", methods=["GET"])
@endpoint
def complaints_csv():
    request = bp.current_request
    result, filename = export.export(current_actor(request), http.query(request))
    return Response(body=result.text, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Export-Rows": str(result.rows),
        "X-Export-Truncated": "true" if result.truncated else "false",
    })
