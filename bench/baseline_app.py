"""The cold-start baseline: a small Chalice app that imports PynamoDB and Powertools' Logger and
Metrics, as any app of this kind does. ``bench/run.py`` compares ``import app`` with this, and
``bench/cold.py`` a first request of the app with this one's first ``GET /items/{key}`` (one GetItem)."""

from aws_lambda_powertools import Logger, Metrics
from chalice import Chalice
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

logger = Logger(service="baseline")
metrics = Metrics(namespace="Baseline", service="baseline")
app = Chalice(app_name="baseline")


class Item(Model):
    class Meta:
        table_name = "baseline"
        region = "ap-southeast-3"

    key = UnicodeAttribute(hash_key=True)


@app.route("/")
def index():
    return {"ok": True}


@app.route("/items/{key}")
def item(key):
    found = Item.get(key)
    return {"key": found.key}
