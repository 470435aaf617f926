"""Chinese (zh) for the cluster scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py cluster KEY --write`.
"""

TEXTS = {
    "title": ("338c7755", "Dask 集群：在 LocalCluster 或已在运行的调度器上跑进程池的工作量（文章之外）"),
    "summary": ("980ef8d7", "一台机器不够用时，Python 用户会转向 Dask：一个调度器把任务分给工作进程，这些进程可能在别的机器上。这里把文章中进程池的工作量（tasks × delay 分给 workers）放到 Dask 集群上运行：默认是场景自己启动并关闭的内嵌 LocalCluster（多个工作进程，每个一个线程）；--param scheduler=tcp://HOST:PORT 则使用一个正在运行的集群，它的工作进程的事件通过 Dask 自己的事件日志传回来。每个任务都比进程池的任务更贵，本次运行会测出贵多少。"),
    "param/tasks": ("87dfaf76", "交给集群的任务数（文章的进程池用的是 47）"),
    "param/workers": ("dba50406", "LocalCluster 的工作进程数；指定了 scheduler= 时，是要等待的工作进程数"),
    "param/delay": ("bb99e975", "每个任务 sleep 的秒数（文章用的是 1.0）"),
    "param/scheduler": ("2febfad3", "none：内嵌的 LocalCluster；tcp://HOST:PORT：一个正在运行的 Dask 调度器"),
    "param/scheduler/pattern_help": ("8360dc35", "none 或 tcp://HOST:PORT"),
    "variant/dask-submit/title": ("898fb162", "每个任务一次 client.submit()，再 gather()：Dask 上的进程池工作量，约 ceil(tasks / workers) × delay。"),
    "variant/dask-submit/explanation": ("654d7219", "和 apply_async() 一样，client.submit() 交出一个任务后立即返回一个 Future；gather() 等待全部完成。调度器一次只给每个工作线程一个任务，所以 47 个 0.1 秒的任务在五个单线程工作进程上分 ceil(47 / 5) = 10 轮跑完，并分散到每个工作进程上（时间线上每个工作进程一条泳道；别的机器上的工作进程通过 Dask 的事件日志汇报）。不过每个任务都比进程池的任务更贵，两个空任务阶段测出了贵多少：Dask 用 cloudpickle 序列化函数和参数，调度器记录每个任务、挑选一个工作进程并把任务发过去，结果再经由 工作进程 → 调度器 → 客户端 传回，每个任务要经过好几条网络消息和一次调度决策；而 Pool.apply_async() 只是把调用 pickle 进一根管道，由空闲的工作进程读取。"),
    "variant/dask-map/title": ("99668a66", "client.map()：一次调用把整个进程池工作量交给 Dask，约 ceil(tasks / workers) × delay。"),
    "variant/dask-map/explanation": ("f975230b", "client.map(foo, range(47), ...) 一次调用就为每个任务生成一个 Future，像没有分块（chunk）的 Pool.map：每个任务仍然单独调度，每个工作线程一次一个，所以耗时和在工作进程间的分布都与 dask-submit 相同（每个工作进程一条泳道；别的机器上的工作进程通过 Dask 的事件日志汇报）。一次调用把整批任务用一条消息发给调度器，所以交出任务比 47 次 submit() 便宜；剩下的是 Dask 自己的每任务开销，两个空任务阶段把它和 Pool.apply_async() 相比：调度器为每个任务做的记录和决策，以及 客户端 → 调度器 → 工作进程 → 调度器 → 客户端 的消息，每条都要序列化（cloudpickle、msgpack）；而进程池只是把调用 pickle 进一根管道，由空闲的工作进程读取。"),
    "check/no more than the cluster's {} threads ran tasks at once": ("ffb79286", "同时运行任务的不超过集群的 {0} 个线程"),
    "check/Dask's per-task overhead {} ms is bounded (\u2264 {} ms); Pool.apply_async: {} ms": ("d2061e09", "Dask 每个任务的额外开销 {0} 毫秒有上限（≤ {1} 毫秒）；Pool.apply_async：{2} 毫秒"),
    "check/every remote task's events came home through Dask's event log": ("942c696f", "每个远程任务的事件都经由 Dask 的事件日志传了回来"),
    "check/the tasks spread over all {} workers": ("c15b07b6", "任务分散到了全部 {0} 个工作进程上"),
    "check/clearly faster than one after another: under halfway from theory to tasks \u00d7 delay": ("a0d1df97", "明显快于一个接一个地运行：低于从理论值到 tasks × delay 的一半处"),
}
