"""Developer tooling: the local stack (``make run``), its bootstrap and background workers."""
