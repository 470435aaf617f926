"""What travels between a scenario's processes and the CLI: the event channel's
message format and environment names, step mode's gate, and a scenario script
run on its own. ``concdemo.probe`` (the scenarios' API) and the tracer write
through it; the CLI no longer imports the probe to read it."""
