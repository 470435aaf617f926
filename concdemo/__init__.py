"""concdemo: make Python concurrency visible."""

__version__ = "0.1.0"
