"""SP4N-LAPOR! serverless: the code behind app.py (domain, services, storage, handlers)."""
