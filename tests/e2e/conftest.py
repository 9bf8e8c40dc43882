"""The end-to-end tests use the ``stack`` fixture from ``tests/stack.py`` (registered in
``tests/conftest.py``), shared with the browser tests."""
