"""Views over the same events: the live table, plain lines, the run summary, JSON."""
