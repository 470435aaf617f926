"""Chinese (zh) for the pool scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py pool KEY --write`.
"""

TEXTS = {
    "title": ("58754fa2", "进程池 Pool：apply 与 apply_async、close/join、AsyncResult、回调、terminate、核心数"),
    "summary": ("7405f984", "有几个 CPU 核心就开几个进程：开多了只会增加切换的开销。进程池让这么多工作进程一直活着，并把任务分给它们；所有工作进程都在忙时，任务就等下一个空闲的进程。apply() 一次只运行一个任务并等它完成；apply_async() 把任务交出去后立即返回一个 AsyncResult，于是各个工作进程可以同时运行。"),
    "param/tasks": ("3e6b8866", "交给进程池的任务数（文章用的是 47）"),
    "param/workers": ("e71930e0", "进程池中的工作进程数（文章用的是 5）"),
    "param/delay": ("bb99e975", "每个任务 sleep 的秒数（文章用的是 1.0）"),
    "variant/apply/title": ("d7285fea", "apply() 是同步的：47 个任务一个接一个地运行，总耗时约为 tasks × delay。"),
    "variant/apply/explanation": ("b85a7c7f", "apply() 把一个任务交给一个工作进程，并等它的结果回来，循环才能交出下一个，所以任何时候最多只有一个工作进程在忙：任务条首尾相接地排成一行，尽管进程池有五个工作进程（也看看 pid：每个任务可能由不同的工作进程来做，但从不同时有两个）。实测时间接近 tasks × delay；可以和 apply_async 变体对比一下。"),
    "variant/apply_async/title": ("975899e7", "apply_async() 让任务并发运行：总耗时约为 ceil(tasks / workers) × delay。"),
    "variant/apply_async/explanation": ("c622296c", "apply_async() 只是把任务交出去就立即返回，所以循环马上把 47 个任务全部排进队列，五个工作进程同时运行它们，每次五个：一共十轮 delay，而不是 47 轮。随后 close() 表示不会再有新任务，join() 等待工作进程完成全部任务并退出。"),
    "variant/join-before-close/title": ("5b30c1a8", "join() 只能在 close() 或 terminate() 之后调用：先调用它会抛出 ValueError。"),
    "variant/join-before-close/explanation": ("60728c9d", "join() 等待工作进程退出，而运行中的进程池的工作进程永远不会退出（可能还会有新任务），所以进程池立即以 “ValueError: Pool is still running” 拒绝，而不是永远等下去。close() 之后，同样的 join() 会等待排队的任务完成，然后返回。"),
    "variant/async-result/title": ("09cf0d8f", "AsyncResult：ready()、successful()、wait(timeout) 和 get(timeout)，分别用在一个正常结果和一个错误上。"),
    "variant/async-result/explanation": ("3efb78b8", "apply_async() 立即返回一个 AsyncResult。任务还在运行时，ready() 为 False，successful() 拒绝回答（ValueError: not ready），wait(timeout) 在超时后直接返回，get(timeout) 抛出 multiprocessing.TimeoutError。任务完成后，get() 返回它的值。抛出异常的任务也算“就绪”（ready），但不算成功（successful），get() 会在父进程中重新抛出工作进程里的那个异常。"),
    "variant/callback/title": ("486a84e0", "阻塞的回调会拖住其他所有结果：apply_async 又慢回到 apply 的水平。"),
    "variant/callback/explanation": ("676f00c3", "apply_async(callback=...) 在父进程中、在进程池唯一的结果处理线程里调用回调，而这个线程要等回调返回之后才把结果标记为就绪。这里每个回调都睡得和一个任务一样久。工作进程仍然每次完成五个任务，但结果随后只能一个一个地处理，每个都要等它前面的回调：整个运行又要花大约 tasks × delay，和 apply() 一样。文章的规则是：callback 禁止执行任何阻塞操作。"),
    "variant/terminate/title": ("840d2ce3", "terminate() 立即终止工作进程：正在运行的任务被中断，排队的任务永远不会运行。"),
    "variant/terminate/explanation": ("5ec1add9", "47 个任务全部用 apply_async() 排进队列。第一批结果回来后不久，父进程调用 terminate()（这是 Pool 的方法；文章把它列在 AsyncResult 下面）：工作进程在任务中途被杀掉，所以有些任务条只有开始没有结束，仍在队列中等待的任务也永远不会开始。对比 close()，它会让每个排队的任务先完成。之后什么也不会再运行。"),
    "variant/cpu-sweep/title": ("2ad4fcc0", "有几个核心就开几个进程：对于 CPU 密集型工作，更多的工作进程毫无帮助。"),
    "variant/cpu-sweep/explanation": ("f908863a", "同一个 CPU 密集型作业（48 份相同的算术计算）依次在 1、2……直到核心数两倍个工作进程的进程池上运行，每种大小是一个阶段。相对于一个工作进程的加速比不断增长，直到进程池中每个核心一个工作进程，然后趋于平缓：多出来的工作进程只是在同样的核心上轮流运行，还要付出切换的代价。这就是文章给出的进程池大小建议。每个阶段把作业运行三次，加速比取最快的一次，所以别的程序一时占用某个核心不会算进来；但在一直很忙的机器上，数字仍会漂移。（这个变体忽略 tasks、workers 和 delay 参数：作业是固定的，这样各阶段才有可比性。）"),
    "tour": ("8e438249", "一个有 5 个工作进程、47 个任务的 Pool：apply() 依次等待每个任务，apply_async() 一次把它们全部交出去。把每个阶段的耗时和它的理论值比较一下。"),
}
