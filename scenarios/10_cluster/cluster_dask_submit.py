"""client.submit() per task, then gather(): the Pool workload on Dask, about ceil(tasks / workers) × delay.

Like apply_async(), client.submit() hands one task over and returns a Future
at once; gather() waits for them all. The scheduler gives each worker thread
one task at a time, so the 47 tasks of 0.1 s run in ceil(47 / 5) = 10 rounds
on five one-thread workers, spread over every worker (one lane per worker
process in the timeline; workers on other machines report through Dask's
event log). Each task costs more than a Pool task, though, and the two no-op
phases measure by how much: Dask pickles the function and its arguments
(cloudpickle), the scheduler records every task, picks a worker and sends it
there, and the result travels worker → scheduler → client, several network
messages and a scheduler decision per task, where Pool.apply_async() pickles
the call into a pipe that an idle worker reads.
"""

import time

from _cluster import (
    check_events_home,
    check_overhead,
    check_spread,
    dask_noop_s,
    open_cluster,
    pool_noop_s,
    rounds,
    task_span,
    where_am_i,
)

from concdemo import probe

VARIANT = "dask-submit"
CLAIMS = ["X5", "X6"]
EXPECT = "ok"


def foo(n, delay, relay):
    """The article's task, on a Dask worker; returns where it ran and when."""
    with task_span(relay, n=n):
        worker, started, offset = where_am_i()
        time.sleep(delay)
    return worker, started, time.time(), offset


def noop(n):
    """A task that does nothing: what is left is the cost of running one."""
    return n


if __name__ == "__main__":
    params = probe.start()
    with open_cluster(params) as cluster:
        client, relay = cluster.client, cluster.relay_topic
        theory_s = rounds(params.tasks, cluster.nthreads) * params.delay
        start = time.monotonic()
        with probe.phase("dask-submit", theory_s=theory_s):
            futures = [client.submit(foo, i, params.delay, relay) for i in range(params.tasks)]
            done = client.gather(futures)  # waits for every task
        elapsed = time.monotonic() - start
        check_events_home(cluster, params.tasks)
        with probe.phase("no-op tasks, client.submit"):
            dask_s = dask_noop_s(client, noop, use_map=False)
    with probe.phase("no-op tasks, Pool.apply_async"):
        pool_s = pool_noop_s(params.workers, noop)
    probe.event("ending")
    check_spread(params, cluster, done, elapsed, theory_s)
    check_overhead(dask_s, pool_s)
