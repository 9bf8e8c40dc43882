"""Participation routes (SPEC §14): ``GET /agency/participation``, the monthly evaluation, their CSVs.

Coordinators see their agency and everything below it, the national admin every agency; an
officer's key is 403 (their own agency's scorecard is ``/agency/stats``).
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.handlers import http
from chalicelib.handlers.auth import current_actor
from chalicelib.handlers.middleware import endpoint
from chalicelib.lazy import lazy

participation = lazy("chalicelib.services.participation")
evaluation = lazy("chalicelib.services.evaluation")
participation_pages = lazy("chalicelib.web.participation")
bp = Blueprint(__name__)
MANAGERS = ("coordinator", "national_admin")


@bp.route("/agency/participation", methods=["GET"])
@endpoint
def participation_page():
    request = bp.current_request
    return http.respond(participation.page(current_actor(request, MANAGERS), http.query(request)))


@bp.route("/agency/participation.csv", methods=["GET"])
@endpoint
def participation_csv():
    request = bp.current_request
    text, rows = participation.csv_text(current_actor(request, MANAGERS), http.query(request))
    return Response(body=text, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="participation.csv"',
        "X-Export-Rows": str(rows),
    })


@bp.route("/agency/evaluation", methods=["GET"])
@endpoint
def evaluation_page():
    request = bp.current_request
    params = http.query(request)
    return http.respond(evaluation.evaluate(current_actor(request, MANAGERS), params.get("month")))


@bp.route("/agency/evaluation.csv", methods=["GET"])
@endpoint
def evaluation_csv():
    request = bp.current_request
    result = evaluation.evaluate(current_actor(request, MANAGERS), http.query(request).get("month"))
    return Response(body=evaluation.csv_text(result), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="evaluasi-{result["month"]}.csv"',
    })


# -- the console's pages (SPEC §14: /staff/participation, /staff/evaluation) -----------------------

def _console():
    from chalicelib.handlers import console

    return console


@bp.route("/staff/participation", methods=["GET"])
def participation_console():
    console = _console()

    @console.console_page
    def view():
        visit = console._visit(roles=MANAGERS)
        return console._page(visit, "console/participation.html",
                             **participation_pages.participation_context(visit))

    return view()


@bp.route("/staff/evaluation", methods=["GET"])
def evaluation_console():
    console = _console()

    @console.console_page
    def view():
        visit = console._visit(roles=MANAGERS)
        context, status = participation_pages.evaluation_context(visit)
        return console._page(visit, "console/evaluation.html", status, **context)

    return view()
