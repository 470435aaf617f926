"""What travels between a scenario's processes and the CLI: the event channel's
message format and environment names, each process's end of it, and step mode's
gate. ``concdemo.probe`` (the scenarios' API) and the tracer write through it; the
CLI reads through it. It imports only the standard library: every process of a
run imports it."""
