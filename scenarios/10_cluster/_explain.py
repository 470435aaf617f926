"""What each cluster variant showed, told from the run's facts (see concdemo.explain)."""

from collections import Counter

from concdemo.explain.template import Line, ident, nearer

SMALL_SHARE = 10  # per cent of a task's sleep: below it, Dask's per-task cost is "small"

# The phase's time against the two models, with a verdict only when it is clearly nearer one.
PHASE = [
    Line("gather() waited for them all: {phase_s:.2f} s, near ceil(tasks / threads) rounds of {delay:g} s = {phase_theory_s:.2f} s rather than tasks × delay = {serial_s:.2f} s, as with Pool.apply_async.",
         "gather() 等它们全部完成：{phase_s:.2f} 秒，接近 ceil(任务数 / 线程数) 轮、每轮 {delay:g} 秒 = {phase_theory_s:.2f} 秒，而不是 任务数 × 延时 = {serial_s:.2f} 秒，和 Pool.apply_async 一样。",
         when=lambda f: nearer(f.phase_s, f.phase_theory_s, f.serial_s)),
    Line("The phase took {phase_s:.2f} s; ceil(tasks / threads) × delay is {phase_theory_s:.2f} s and tasks × delay is {serial_s:.2f} s.",
         "这一阶段用了 {phase_s:.2f} 秒；ceil(任务数 / 线程数) × 延时是 {phase_theory_s:.2f} 秒，任务数 × 延时是 {serial_s:.2f} 秒。",
         when=lambda f: not nearer(f.phase_s, f.phase_theory_s, f.serial_s)),
]

# Workers on a running cluster cannot reach the channel: their events came back through Dask.
REMOTE = Line("The workers belonged to the running cluster at {scheduler}; all {check_received} task-end events came home through Dask's event log.",
              "工作进程属于 {scheduler} 上正在运行的集群；全部 {check_received} 个任务结束事件都是通过 Dask 的事件日志传回来的。",
              when=lambda f: f.scheduler != "none" and f.check_received == f.tasks)


def overhead(call):
    """The measured per-task cost through ``call``, next to Pool.apply_async's from the same run."""
    return [
        Line(f"Each task cost more than a Pool task, though: a no-op task took {{check_dask_ms:.2f}} ms through {call} and {{check_pool_ms:.2f}} ms through Pool.apply_async(), {{overhead_gap_ms:.2f}} ms more per task ({{check_ratio:g}}× as much; the best of the rounds, at a load average of {{check_load_average:g}}).",
             f"不过每个任务的开销都比 Pool 的任务大：一个什么都不做的任务，经 {call} 要 {{check_dask_ms:.2f}} 毫秒，经 Pool.apply_async() 只要 {{check_pool_ms:.2f}} 毫秒，每个任务多出 {{overhead_gap_ms:.2f}} 毫秒（是后者的 {{check_ratio:g}} 倍；取各轮中最好的一轮，当时的负载均值是 {{check_load_average:g}}）。",
             when=lambda f: f.overhead_gap_ms > 0),
        Line(f"A no-op task took {{check_dask_ms:.2f}} ms through {call} and {{check_pool_ms:.2f}} ms through Pool.apply_async() in this run (load average {{check_load_average:g}}).",
             f"在这次运行中，一个什么都不做的任务经 {call} 用了 {{check_dask_ms:.2f}} 毫秒，经 Pool.apply_async() 用了 {{check_pool_ms:.2f}} 毫秒（负载均值 {{check_load_average:g}}）。",
             when=lambda f: f.overhead_gap_ms <= 0),
    ]


# Why it costs more, and when that matters: shown only after the gap was measured.
SHARE = [
    Line("Next to tasks of {delay:g} s that cost is small ({overhead_share:.1f}% of a task's sleep); it matters when tasks last only a few milliseconds.",
         "和每个 {delay:g} 秒的任务相比，这点开销很小（占一个任务睡眠时间的 {overhead_share:.1f}%）；只有当任务只有几毫秒长时它才要紧。",
         when=lambda f: f.overhead_share < SMALL_SHARE),
    Line("Next to tasks of {delay:g} s that cost is {overhead_share:.1f}% of a task's sleep: tasks this short spend much of their time on Dask's own work.",
         "和每个 {delay:g} 秒的任务相比，这点开销占一个任务睡眠时间的 {overhead_share:.1f}%：这么短的任务有很大一部分时间花在 Dask 自己的工作上。",
         when=lambda f: f.overhead_share >= SMALL_SHARE),
]

STORIES = {
    "dask-submit": [
        Line("client.submit() returned a Future at once, as apply_async() does, so all {tasks} tasks went to the scheduler without waiting; it gave each worker thread one task at a time: at most {check_peak} ran at once, spread over {task_processes} worker processes (tasks per worker: {tasks_per_worker}).",
             "client.submit() 立即返回一个 Future，就像 apply_async() 一样，所以全部 {tasks} 个任务不用等待就交给了调度器；调度器每次只给每个工作线程一个任务：同时运行的最多 {check_peak} 个，分布在 {task_processes} 个工作进程上（每个工作进程的任务数：{tasks_per_worker}）。",
             when=lambda f: f.task_started == f.tasks),
        *PHASE,
        *overhead("client.submit()"),
        Line("That is Dask's path for every task: client.submit() pickles the function and its arguments (cloudpickle) and sends them to the scheduler, which records the task, picks a worker and sends it on, and the result travels worker → scheduler → client: several serialised messages and a scheduler decision per task, where Pool.apply_async() pickles the call into a pipe that an idle worker reads.",
             "这就是 Dask 为每个任务走的路：client.submit() 用 cloudpickle 序列化函数和参数，发给调度器；调度器记下这个任务，挑一个工作进程再发过去；结果又沿着 工作进程 → 调度器 → 客户端 传回来：每个任务都要好几条序列化的消息，外加调度器的一次决策，而 Pool.apply_async() 只是把调用 pickle 后写进管道，由空闲的工作进程读走。",
             when=lambda f: f.overhead_gap_ms > 0),
        *SHARE,
        REMOTE,
    ],
    "dask-map": [
        Line("client.map() made one Future per task in one call and sent the whole batch of {tasks} to the scheduler at once; each task was still scheduled on its own, one per worker thread at a time: at most {check_peak} ran at once, spread over {task_processes} worker processes (tasks per worker: {tasks_per_worker}).",
             "client.map() 一次调用就为每个任务生成一个 Future，并把全部 {tasks} 个任务一批交给调度器；但每个任务仍然单独调度，每个工作线程一次一个：同时运行的最多 {check_peak} 个，分布在 {task_processes} 个工作进程上（每个工作进程的任务数：{tasks_per_worker}）。",
             when=lambda f: f.task_started == f.tasks),
        *PHASE,
        *overhead("client.map()"),
        Line("One call saves the client's messages, but the rest is paid per task: the scheduler's bookkeeping and decision, and the messages scheduler → worker → scheduler → client, each serialised (cloudpickle, msgpack), where Pool.apply_async() pickles the call into a pipe that an idle worker reads.",
             "一次调用省下了客户端的消息，但其余的开销仍按任务计算：调度器的记录和决策，以及 调度器 → 工作进程 → 调度器 → 客户端 的消息，每条都要序列化（cloudpickle、msgpack），而 Pool.apply_async() 只是把调用 pickle 后写进管道，由空闲的工作进程读走。",
             when=lambda f: f.overhead_gap_ms > 0),
        *SHARE,
        REMOTE,
    ],
}

# A run that did not go as expected: how far it got.
PROGRESS = Line("{task_done} of the {tasks} tasks had finished when the run ended.",
                "运行结束时，{tasks} 个任务中有 {task_done} 个已经完成。",
                when=lambda f: f.task_done < f.tasks)
INSTEAD = {name: [PROGRESS] for name in STORIES}


def extra_facts(result, facts):
    found = {}
    params = result.spec.params
    main = f"phase_{ident(result.spec.variant.name)}"  # the timed workload's phase
    found["phase_s"] = facts.get(f"{main}_s")
    found["phase_theory_s"] = facts.get(f"{main}_theory_s")
    if "tasks" in params and "delay" in params:
        found["serial_s"] = params["tasks"] * params["delay"]
    per_worker = Counter(e.pid for e in result.events if e.kind == "task-start")
    if per_worker:
        found["tasks_per_worker"] = ", ".join(str(n) for n in sorted(per_worker.values(), reverse=True))
    dask_ms, pool_ms = facts.get("check_dask_ms"), facts.get("check_pool_ms")
    if dask_ms is not None and pool_ms is not None:
        found["overhead_gap_ms"] = dask_ms - pool_ms
        if params.get("delay"):
            found["overhead_share"] = dask_ms / (params["delay"] * 1000) * 100
    return found
