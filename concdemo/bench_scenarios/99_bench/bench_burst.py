"""Processes send as many events as they can; the main process times the whole burst.

The time is the scenario's own (its first to its last event, as it saw them),
so a view that slows the writers down shows here, whatever the CLI reports.
"""

import json
import multiprocessing
import time

from concdemo import probe

VARIANT = "burst"
EXPECT = "ok"


def burst(n):
    for i in range(n):
        probe.event("burst", i=i)


if __name__ == "__main__":
    params = probe.start()
    started = time.perf_counter()
    with probe.phase("burst"):
        workers = [multiprocessing.Process(target=burst, args=(params.events,))
                   for _ in range(params.processes)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    seconds = time.perf_counter() - started
    if params.report:
        with open(params.report, "w", encoding="utf-8") as out:
            json.dump({"seconds": seconds, "events": params.events * params.processes}, out)
