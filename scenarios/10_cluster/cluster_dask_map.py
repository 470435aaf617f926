"""client.map(): the whole Pool workload handed to Dask in one call, about ceil(tasks / workers) × delay.

client.map(foo, range(47), ...) makes one Future per task in one call, like
Pool.map without its chunks: each task is still scheduled on its own, one per
worker thread at a time, so the timing and the spread over the workers are
those of dask-submit (one lane per worker process; workers on other machines
report through Dask's event log). One call sends the whole batch to the
scheduler in one message, so handing tasks over is cheaper than 47 submit()
calls; what remains per task is Dask's own cost, which the two no-op phases
measure against Pool.apply_async(): the scheduler's bookkeeping and decision
for every task, and the messages client → scheduler → worker → scheduler →
client, each serialised (cloudpickle, msgpack), where a Pool pickles the call
into a pipe that an idle worker reads.
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

VARIANT = "dask-map"
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
        with probe.phase("dask-map", theory_s=theory_s):
            futures = client.map(foo, range(params.tasks), delay=params.delay, relay=relay)
            done = client.gather(futures)  # waits for every task
        elapsed = time.monotonic() - start
        check_events_home(cluster, params.tasks)
        with probe.phase("no-op tasks, client.map"):
            dask_s = dask_noop_s(client, noop, use_map=True)
    with probe.phase("no-op tasks, Pool.apply_async"):
        pool_s = pool_noop_s(params.workers, noop)
    probe.event("ending")
    check_spread(params, cluster, done, elapsed, theory_s)
    check_overhead(dask_s, pool_s)
