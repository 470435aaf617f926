"""What each pool variant showed, told from the run's facts (see concdemo.explain)."""

import math

from concdemo.explain.template import Line, nearer

# When the total is not clearly nearer one model than the other: the figures, no verdict.
TIMES = Line("The phase took {phase_s:.2f} s; tasks × delay is {serial_s:.2f} s and ceil(tasks / workers) × delay is {rounds_s:.2f} s.",
             "这一阶段用了 {phase_s:.2f} 秒；任务数 × 延时是 {serial_s:.2f} 秒，ceil(任务数 / 工作进程数) × 延时是 {rounds_s:.2f} 秒。",
             when=lambda f: not nearer(f.phase_s, f.phase_theory_s, f.other_model_s))

STORIES = {
    "apply": [
        Line("apply() handed over one task and waited for its result before the loop could hand over the next, so the {task_done} tasks ran one after another: never more than {task_peak} at a time, although the pool had {workers} workers.",
             "apply() 每次交出一个任务，并等它的结果回来，循环才能交出下一个，所以这 {task_done} 个任务一个接一个地运行：同一时刻最多只有 {task_peak} 个，尽管进程池有 {workers} 个工作进程。",
             when=lambda f: f.task_peak == 1),
        Line("{task_processes} different workers took tasks (look at the pids), but never two at once.",
             "有 {task_processes} 个不同的工作进程接过任务（看看 PID），但从来不会两个同时运行。",
             when=lambda f: f.task_processes > 1),
        Line("In all {phase_apply_s:.2f} s, near tasks × delay = {tasks} × {delay:g} s = {phase_apply_theory_s:.2f} s rather than {rounds_s:.2f} s for {rounds} rounds; compare apply_async.",
             "总共 {phase_apply_s:.2f} 秒，接近 任务数 × 延时 = {tasks} × {delay:g} 秒 = {phase_apply_theory_s:.2f} 秒，而不是 {rounds} 轮的 {rounds_s:.2f} 秒；可以和 apply_async 对比。",
             when=lambda f: nearer(f.phase_s, f.phase_theory_s, f.other_model_s)),
        TIMES,
    ],
    "apply_async": [
        Line("apply_async() returned at once, so the loop handed over all {tasks} tasks without waiting, and the {workers} workers ran them side by side: up to {task_peak} at a time, and {task_processes} of the workers took tasks.",
             "apply_async() 立即返回，所以循环不用等待就交出了全部 {tasks} 个任务，{workers} 个工作进程同时运行它们：同一时刻最多 {task_peak} 个，有 {task_processes} 个工作进程接过任务。",
             when=lambda f: f.task_started == f.tasks),
        Line("That is {rounds} rounds of {delay:g} s instead of {tasks}: {phase_apply_async_s:.2f} s in all, against a theory of {phase_apply_async_theory_s:.2f} s.",
             "也就是 {rounds} 轮、每轮 {delay:g} 秒，而不是 {tasks} 轮：总共 {phase_apply_async_s:.2f} 秒，理论值是 {phase_apply_async_theory_s:.2f} 秒。",
             when=lambda f: f.rounds < f.tasks and nearer(f.phase_s, f.phase_theory_s, f.other_model_s)),
        TIMES,
        Line("With {workers} worker(s) for {tasks} task(s) there was only one round, so apply_async could not beat apply here: {phase_apply_async_s:.2f} s in all.",
             "{tasks} 个任务配 {workers} 个工作进程，只有一轮，所以这里 apply_async 无法比 apply 更快：总共 {phase_apply_async_s:.2f} 秒。",
             when=lambda f: f.rounds == f.tasks),
        Line("close() then said no more tasks would come, and join() waited until all {task_done} had finished and the workers had exited.",
             "随后 close() 表示不会再有新任务，join() 一直等到全部 {task_done} 个任务完成、工作进程退出。",
             when=lambda f: f.task_done == f.tasks),
    ],
    "join-before-close": [
        Line("join() before close() raised ValueError (\u201c{join_message}\u201d) at once instead of waiting forever: the workers of a running pool never exit.",
             "在 close() 之前调用 join() 立刻抛出了 ValueError（“{join_message}”），而不是永远等下去：运行中的进程池的工作进程永远不会退出。"),
        Line("After close(), the same join() waited for the {task_done} queued tasks and returned.",
             "close() 之后，同样的 join() 等待排队的 {task_done} 个任务完成后返回了。"),
    ],
    "async-result": [
        Line("While the task ran, ready() was False, successful() raised ValueError and get(timeout) raised multiprocessing.TimeoutError; once it was done, get() returned {ready_value}.",
             "任务运行期间，ready() 为 False，successful() 抛出 ValueError，get(timeout) 抛出 multiprocessing.TimeoutError；任务完成后，get() 返回了 {ready_value}。"),
        Line("The task that raised was ready but not successful, and get() raised the worker's {worker_error} again in the parent.",
             "抛出异常的任务是 ready 的，但不是 successful 的，get() 在父进程中再次抛出了工作进程的 {worker_error}。"),
    ],
    "callback": [
        Line("The workers ran up to {task_peak} tasks at a time, but every callback ran in the parent's one result-handler thread, one at a time ({callback_done} callbacks, at most {callback_peak} at once), each sleeping {delay:g} s.",
             "工作进程同一时刻最多运行 {task_peak} 个任务，但每个回调都在父进程唯一的结果处理线程中运行，一次一个（{callback_done} 个回调，同时最多 {callback_peak} 个），每个睡眠 {delay:g} 秒。",
             when=lambda f: f.callback_tasks == 1),
        Line("So the results were handled one after another and the whole run took {phase_s:.2f} s, near tasks × delay = {phase_theory_s:.2f} s rather than {rounds_s:.2f} s for {rounds} rounds: as slow as apply(). A callback must not block.",
             "所以结果只能一个接一个地处理，整个运行用了 {phase_s:.2f} 秒，接近 任务数 × 延时 = {phase_theory_s:.2f} 秒，而不是 {rounds} 轮的 {rounds_s:.2f} 秒：和 apply() 一样慢。回调不能阻塞。",
             when=lambda f: nearer(f.phase_s, f.phase_theory_s, f.other_model_s)),
        TIMES,
    ],
    "terminate": [
        Line("{task_started} of the {tasks} tasks had started and {terminated_finished} had finished when terminate() killed the workers: {task_unfinished} task bar(s) have a start and no end.",
             "terminate() 杀死工作进程时，{tasks} 个任务中有 {task_started} 个已经开始、{terminated_finished} 个已经完成：{task_unfinished} 个任务条只有开始没有结束。"),
        Line("The {never_started} task(s) still queued never ran.",
             "还在排队的 {never_started} 个任务从未运行。",
             when=lambda f: f.never_started > 0),
        Line("terminate() and join() took {phase_terminate_s:.3f} s, and no task finished afterwards.",
             "terminate() 和 join() 用了 {phase_terminate_s:.3f} 秒，之后再没有任务完成。"),
    ],
    "cpu-sweep": [
        Line("On this machine's {cores} cores, {cores} workers kept {busy_at_cores:.2f} cores busy with the job; more workers kept at most {busy_beyond_max:.2f}: extra workers only take turns on the same cores.",
             "在这台机器的 {cores} 个核心上，{cores} 个工作进程让 {busy_at_cores:.2f} 个核心忙于这项工作；更多的工作进程最多也只让 {busy_beyond_max:.2f} 个核心忙碌：多出来的工作进程只是在同样的核心上轮流运行。",
             when=lambda f: f.busy_beyond_max <= 1.1 * f.busy_at_cores),
        Line("Timed by the clock, {cores} workers ran the job {speedup_at_cores:.2f}× as fast as one worker; the best was {best_speedup:.2f}× with {best_workers} workers, and past the core count the speedup stayed at most {beyond_best:.2f}×.",
             "按时钟计时，{cores} 个工作进程完成这项工作的速度是一个工作进程的 {speedup_at_cores:.2f} 倍；最好的是 {best_workers} 个工作进程时的 {best_speedup:.2f} 倍，超过核心数以后加速比最多只有 {beyond_best:.2f} 倍。",
             when=lambda f: f.cpu_steady),
        Line("Timed by the clock the speedups wandered (the best was {best_speedup:.2f}× with {best_workers} workers): the same job took between {cpu_fastest_s:.2f} s and {cpu_slowest_s:.2f} s of CPU time, so this machine's cores changed speed during the sweep. The cores kept busy do not depend on that, which is why the claim is judged on them.",
             "按时钟计时的加速比忽高忽低（最好的是 {best_workers} 个工作进程时的 {best_speedup:.2f} 倍）：同一项工作用掉的 CPU 时间在 {cpu_fastest_s:.2f} 秒到 {cpu_slowest_s:.2f} 秒之间，说明这台机器的核心在扫描期间改变了速度。忙碌的核心数不受这一点影响，所以这条论断以它为准。",
             when=lambda f: not f.cpu_steady),
    ],
    "executor-submit": [
        Line("executor.submit() returned a Future at once, as apply_async() returns an AsyncResult, so the loop handed over all {tasks} tasks without waiting, and the {workers} worker processes ran them side by side: up to {task_peak} at a time, and {task_processes} of the workers took tasks.",
             "executor.submit() 立即返回一个 Future，就像 apply_async() 返回 AsyncResult 一样，所以循环不用等待就交出了全部 {tasks} 个任务，{workers} 个工作进程同时运行它们：同一时刻最多 {task_peak} 个，有 {task_processes} 个工作进程接过任务。",
             when=lambda f: f.task_started == f.tasks),
        Line("That is {rounds} rounds of {delay:g} s instead of {tasks}, as with apply_async: {phase_submit_s:.2f} s in all, against a theory of {phase_submit_theory_s:.2f} s.",
             "也就是 {rounds} 轮、每轮 {delay:g} 秒，而不是 {tasks} 轮，和 apply_async 一样：总共 {phase_submit_s:.2f} 秒，理论值是 {phase_submit_theory_s:.2f} 秒。",
             when=lambda f: f.rounds < f.tasks and nearer(f.phase_s, f.phase_theory_s, f.other_model_s)),
        TIMES,
        Line("With {workers} worker(s) for {tasks} task(s) there was only one round, so submit() could not beat one task after another here: {phase_submit_s:.2f} s in all.",
             "{tasks} 个任务配 {workers} 个工作进程，只有一轮，所以这里 submit() 无法比逐个运行更快：总共 {phase_submit_s:.2f} 秒。",
             when=lambda f: f.rounds == f.tasks),
        Line("f.result() then collected the {task_done} results in order, like AsyncResult.get(), and leaving the with block shut the executor down: close() and join() in one.",
             "随后 f.result() 按顺序取回了 {task_done} 个结果，就像 AsyncResult.get()；离开 with 块时执行器随之关闭：相当于 close() 加 join()。",
             when=lambda f: f.task_done == f.tasks),
    ],
    "executor-map": [
        Line("With chunksize={fine_chunksize}, map() sent the {tasks} tasks one at a time: {fine_processes} of the {workers} workers took tasks, up to {fine_peak} at a time, and the phase took {fine_s:.2f} s (theory: {fine_theory_s:.2f} s, ceil(tasks / workers) rounds of {delay:g} s).",
             "chunksize={fine_chunksize} 时，map() 把 {tasks} 个任务一个一个地发出去：{workers} 个工作进程中有 {fine_processes} 个接过任务，同一时刻最多 {fine_peak} 个，这一阶段用了 {fine_s:.2f} 秒（理论值 {fine_theory_s:.2f} 秒，即 ceil(任务数 / 工作进程数) 轮、每轮 {delay:g} 秒）。"),
        Line("With chunksize={coarse_chunksize}, the same {tasks} tasks travelled in {coarse_chunks} chunks, and a chunk runs whole on one worker: {coarse_processes} of the {workers} workers took tasks, each running its chunk's tasks one after another, so the phase took {coarse_s:.2f} s (theory: {coarse_theory_s:.2f} s).",
             "chunksize={coarse_chunksize} 时，同样的 {tasks} 个任务被分成 {coarse_chunks} 块发出，而一块只能在一个工作进程上从头运行到尾：{workers} 个工作进程中有 {coarse_processes} 个接过任务，各自把自己那块的任务一个接一个地运行，所以这一阶段用了 {coarse_s:.2f} 秒（理论值 {coarse_theory_s:.2f} 秒）。"),
        Line("So chunksize={coarse_chunksize} took {coarse_ratio:.1f}× as long as chunksize={fine_chunksize}: a chunk saves round trips (one per chunk instead of one per task), which pays off for many tiny tasks, but here the idle workers cost more than the round trips saved.",
             "所以 chunksize={coarse_chunksize} 的用时是 chunksize={fine_chunksize} 的 {coarse_ratio:.1f} 倍：分块能省下往返通信（每块一次，而不是每个任务一次），这对大量很小的任务有用，但在这里，闲着的工作进程浪费的时间比省下的往返更多。",
             when=lambda f: f.coarse_s > f.fine_s and f.coarse_processes < f.fine_processes
             and nearer(f.coarse_s, f.coarse_theory_s, f.fine_theory_s)),
    ],
}

# A run that did not go as expected: how far it got.
PROGRESS = Line("{task_done} of the {tasks} tasks had finished when the run ended.",
                "运行结束时，{tasks} 个任务中有 {task_done} 个已经完成。",
                when=lambda f: f.task_done < f.tasks)
INSTEAD = {name: [PROGRESS]
           for name in ("apply", "apply_async", "callback", "join-before-close", "executor-submit")}


def extra_facts(result, facts):
    found = {}
    params = result.spec.params
    if params.get("tasks") and params.get("workers"):
        found["rounds"] = math.ceil(params["tasks"] / params["workers"])
        if "delay" in params:
            found["rounds_s"] = found["rounds"] * params["delay"]
            found["serial_s"] = params["tasks"] * params["delay"]
            # The model this variant is contrasted with: apply_async's against apply's.
            serial = result.spec.variant.name not in ("apply_async", "executor-submit")
            found["other_model_s"] = found["rounds_s"] if serial else found["serial_s"]
        if "task_started" in facts:
            found["never_started"] = params["tasks"] - facts["task_started"]
    phases = result.phases
    if len(phases) == 1:
        found["phase_s"] = phases[0].seconds
        found["phase_theory_s"] = phases[0].theory_s
    raised = [e.detail for e in result.events if e.kind == "raised"]
    if result.spec.variant.name == "join-before-close" and raised:
        found["join_message"] = raised[0].get("message")
    if result.spec.variant.name == "async-result" and raised:
        found["worker_error"] = raised[-1].get("type")
    found.update(_chunk_facts(result))
    sweep = {e.detail["workers"]: e.detail for e in result.events if e.kind == "speedup"}
    if sweep:
        cores = next(iter(sweep.values()))["cores"]
        best = max(sweep.values(), key=lambda d: d["speedup"])
        found.update(cores=cores, best_speedup=best["speedup"], best_workers=best["workers"])
        if cores in sweep:
            found["speedup_at_cores"] = sweep[cores]["speedup"]
        beyond = [d for w, d in sweep.items() if w > cores]
        if beyond:
            found["beyond_best"] = max(d["speedup"] for d in beyond)
        if cores in sweep and "cores_busy" in sweep[cores]:
            found["busy_at_cores"] = sweep[cores]["cores_busy"]
            if beyond:
                found["busy_beyond_max"] = max(d["cores_busy"] for d in beyond)
    for e in result.events:
        if e.kind == "job cpu time":
            found.update(cpu_fastest_s=e.detail["fastest_s"], cpu_slowest_s=e.detail["slowest_s"],
                         cpu_steady=e.detail["steady"])
    return found


def _chunk_facts(result):
    """executor-map: each map phase's time, theory, and which workers ran its tasks.

    Its phases are named "map chunksize=N": chunksize=1 is the fine one, the other
    the coarse one (its N read back from the name, as the run chose it).
    """
    from concdemo.explain.template import pair_spans, peak

    found = {}
    limit = result.wall_s if result.outcome == "hang" else float("inf")
    spans = [(s, e) for s, e in pair_spans(result.events)
             if s.span_name == "task" and e is not None and e.t <= limit]
    for phase in result.phases:
        size = phase.name.removeprefix("map chunksize=")
        if size == phase.name or not size.isdigit() or phase.seconds is None:
            continue
        end = phase.start_t + phase.seconds
        if end > limit:
            continue
        inside = [(s, e) for s, e in spans if phase.start_t <= s.t and e.t <= end]
        which = "fine" if int(size) == 1 else "coarse"
        found[f"{which}_chunksize"] = int(size)
        found[f"{which}_s"] = phase.seconds
        found[f"{which}_theory_s"] = phase.theory_s
        found[f"{which}_processes"] = len({s.pid for s, _ in inside}) or None
        found[f"{which}_peak"] = peak([(s.t, e.t) for s, e in inside]) or None
        if which == "coarse":
            tasks = result.spec.params.get("tasks")
            if tasks:
                found["coarse_chunks"] = math.ceil(tasks / int(size))
    if found.get("fine_s") and found.get("coarse_s"):
        found["coarse_ratio"] = found["coarse_s"] / found["fine_s"]
    return found
