"""Logger and metrics, created once.

Never log a reporter's personal data, a reporter token or an API key: log tracking ids, statuses,
agency ids and counts. ``append_keys(tracking_id=...)`` puts the tracking id on every later line of
the same request.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from chalicelib.config import get_settings

_settings = get_settings()
logger = Logger(service=_settings.service_name)
metrics = Metrics(namespace=_settings.metrics_namespace, service=_settings.service_name)


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """One business metric (e.g. ``ComplaintSubmitted``); dimensions given here are its own."""
    if not dimensions:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=value,
                       namespace=_settings.metrics_namespace) as metric:
        metric.add_dimension(name="service", value=_settings.service_name)
        for key, dim in dimensions.items():
            metric.add_dimension(name=key, value=dim)
