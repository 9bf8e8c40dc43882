"""The app as a deployed stage builds it: no dev routes, every function named as the docs say."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
from app import app
print(json.dumps({"routes": sorted(app.routes), "functions": sorted(app.handler_map)}))
"""


def shape_for(env_overrides: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DEV_ROUTES", "DEV_CLOCK_FILE", "DEV_OUTBOX_FILE"}}
    env.update(env_overrides)
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_deployed_stage_has_no_dev_routes():
    shape = shape_for({"STAGE": "prod"})
    assert not [route for route in shape["routes"] if route.startswith("/dev")]
    assert "/complaints" in shape["routes"] and "/agency/complaints" in shape["routes"]


def test_the_local_stack_has_them():
    shape = shape_for({"STAGE": "local", "DEV_ROUTES": "true"})
    assert {"/dev/clock", "/dev/sweep", "/dev/outbox"} <= set(shape["routes"])


def test_every_background_function_is_registered():
    functions = set(shape_for({"STAGE": "prod"})["functions"])
    assert {"forward_new_reports", "deliver_notifications", "sweep", "retry_notifications"} <= functions
    assert "staff_key" not in functions  # keys and sessions are checked inside the API function


def test_stage_config_has_dev_and_prod_without_dev_routes():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert config["app_name"] == "sp4n-lapor"
    for stage in ("dev", "prod"):
        assert "DEV_ROUTES" not in config["stages"][stage].get("environment_variables", {})
