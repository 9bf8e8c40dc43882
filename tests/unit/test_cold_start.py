"""The API's cold start does not pay for the pages: importing ``app`` (what every Lambda function
does first) loads neither Jinja2 nor the QR code library nor the catalogs; the first page does."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
import app
before = sorted(m for m in sys.modules if m.split(".")[0] in {"jinja2", "markupsafe", "segno", "babel"}
                or m.startswith(("chalicelib.web.templating", "chalicelib.web.console", "chalicelib.services.console")))
from chalicelib.web import pages
pages.form_page("id", idempotency_key="k" * 20, today="2026-03-17")
print(json.dumps({"before": before, "after": "jinja2" in sys.modules}))
"""


def test_importing_the_app_loads_no_template_library():
    env = {k: v for k, v in os.environ.items() if k not in {"DEV_ROUTES", "DEV_CLOCK_FILE", "DEV_OUTBOX_FILE"}}
    env["STAGE"] = "prod"
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    shape = json.loads(out.stdout.strip().splitlines()[-1])
    assert shape["before"] == [], f"loaded by `import app`: {shape['before']}"
    assert shape["after"] is True  # and the first page does load it: the check can fail
