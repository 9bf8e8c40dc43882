"""Use cases: submit, view, act, forward, sweep, notify: sequence domain decisions and storage."""
