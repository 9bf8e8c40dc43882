"""Packaging for AWS: the merge template, the slimmed deployment package."""
