"""Chalice blueprints: thin adapters from HTTP and events to one service call each."""
