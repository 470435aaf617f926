"""Chinese (zh) for the queue scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py queue KEY --write`.
"""

TEXTS = {
    "title": ("a2602ebf", "进程队列 Queue：在哪里创建、超时、不可靠的大小、close() 与 join 死锁"),
    "summary": ("4c8a15fb", "进程队列是用 multiprocessing 模块生成的，而不是线程安全的 queue 模块。每个重新导入主脚本的进程都会得到一份自己的模块级名字，所以队列在哪里创建，决定了谁能拿到它。put() 和 get() 会阻塞，可以设超时；empty()、full() 和 qsize() 只是某一刻的快照；close() 和队列的后台（feeder）线程决定进程何时可以退出。"),
    "param/timeout": ("dbbd12fc", "put()/get() 放弃之前等待的秒数（put-timeout、get-timeout、close）"),
    "param/fixed": ("4ef197a7", "join-deadlock：先 get() 再 join()（修正的做法），而不是先 join() 再 get()"),
    "variant/global-queue/title": ("b7692313", "在模块级创建的 Queue，只有在子进程不重新导入脚本时才是共享的。"),
    "variant/global-queue/explanation": ("7540ca0e", "文章说父进程的 get() 会永远阻塞，因为每个进程有自己的名称空间。在 spawn 和 forkserver 下确实如此：子进程会再次导入这个文件（作为 __mp_main__），于是再次执行 `q = multiprocessing.Queue()`，生成第二个毫不相干的队列；子进程往那个队列里放数据，父进程却在自己那个空队列上等待。数一数 “module-level Queue() created” 事件：每个执行过模块代码的进程各有一个。（在 forkserver 下每个子进程也会重新执行它；只有带 CPython gh-126631 修复的 Python 才会让 fork server 只执行一次，再把那份副本交给它的子进程，而那仍然不是父进程的队列。）在 fork 下，子进程是父进程的副本，模块级队列也包括在内，所以父进程拿到了 [11, 'hello', True]，文章的说法不成立。"),
    "variant/global-queue/note/fork": ("2cfce901", "子进程是父进程的副本，所以两者用的是同一个队列：在 fork 下文章的说法不成立。"),
    "variant/global-queue/note/spawn": ("c499acb9", "子进程重新导入了脚本，创建了自己的队列；父进程在一个空队列上等待。"),
    "variant/global-queue/note/forkserver": ("b742f283", "子进程（在带 gh-126631 修复的 Python 上则是 fork server）重新导入了脚本，创建了自己的队列；父进程在一个空队列上等待。"),
    "variant/main-guard-queue/title": ("61e927c8", "在 `if __name__ == \"__main__\"` 下创建的 Queue：spawn 出来的子进程根本看不到它。"),
    "variant/main-guard-queue/explanation": ("f06ee78f", "文章说子进程会报错，提示 “name 'q' is not defined”。在 spawn 和 forkserver 下，子进程把这个文件作为 __mp_main__ 导入，被保护的代码块在那里从不执行，于是 foo() 抛出 NameError（即 `error` 事件）；而确实创建了 q 的父进程，随后在 get() 中等待一个永远不会到来的数据。在 fork 下，子进程是在 q 赋值之后复制出来的父进程副本，这个全局变量就在那里，示例直接就能运行。"),
    "variant/main-guard-queue/note/fork": ("60ce5666", "fork 出来的子进程继承了父进程的全局变量 q：没有 NameError，示例正常运行。"),
    "variant/main-guard-queue/note/spawn": ("dd579c79", "子进程因 NameError 失败；父进程仍阻塞在 q.get() 中。"),
    "variant/main-guard-queue/note/forkserver": ("dd579c79", "子进程因 NameError 失败；父进程仍阻塞在 q.get() 中。"),
    "variant/passed-queue/title": ("6341827c", "把队列作为参数传给子进程，在每种启动方式下都能工作。"),
    "variant/passed-queue/explanation": ("7bd6e443", "父进程在 main 保护块下创建 x，通过 Process(args=(x,)) 交给子进程；子进程把 [11, 'hello', True] 放进的正是这个队列，父进程的 get() 就拿到了它。传递对象本身才是处处行得通的做法：在 fork 下它被继承，在 spawn 和 forkserver 下它被 pickle 序列化（连同管道句柄和锁）。“module-level code ran” 事件代表文章中的 print('test')：在 fork 下模块级代码只执行一次（只有父进程执行了这个文件），而在每个 spawn 出来的子进程中都会再执行一次，模块级的 Queue() 也不例外，因为子进程会把脚本作为 __mp_main__ 再导入一次。在 forkserver 下每个子进程同样会重新导入；在带 CPython gh-126631 修复的 Python 上，改由 fork server 导入一次，它的子进程继承那份副本。"),
    "variant/passed-queue/note/forkserver": ("4bf8e15c", "Python 可能会在退出时警告有泄漏的信号量（semaphore）：每个子进程在重新导入时创建的模块级队列从未被清理。"),
    "variant/put-timeout/title": ("f601ad21", "对已满的 Queue(1) 调用 put()：超时后抛出 queue.Full，不阻塞时则立即抛出。"),
    "variant/put-timeout/explanation": ("955b127a", "这个队列只能容纳一个元素，所以第二次 put() 无处可放。block=True 并设了 timeout 时，它会等待这么久，然后抛出 queue.Full（文章写作 Queue.Full；这个异常在标准库的 queue 模块里）。block=False 或 put_nowait() 时，它立即抛出。最后，在父进程阻塞于 put() 时，一个消费者进程取走了第一个元素：一有空间，put 就会成功，不必等到超时。"),
    "variant/get-timeout/title": ("2ad3397f", "对空 Queue 调用 get()：超时后抛出 queue.Empty，不阻塞时则立即抛出。"),
    "variant/get-timeout/explanation": ("115a81c2", "还没有放入任何东西，所以 get(timeout=...) 会等待这么久，然后抛出 queue.Empty；get(block=False) 和 get_nowait() 则立即抛出。接着，在父进程阻塞于 get() 时，一个生产者进程放入一个包子：元素一到，get 就返回，远早于超时。"),
    "variant/stale-size/title": ("755339c6", "empty()、full() 和 qsize() 只是快照：等你根据它行动时，它可能已经不对了。"),
    "variant/stale-size/explanation": ("638d3602", "两个消费者都去问一个装着一个包子的队列 empty()，都得到 False；随后两者都调用 get()。一个拿到了包子，另一个等到超时也一无所获：这是一次“先检查、再行动”，而在检查和行动之间，结果已经过时（一个 barrier 让两者都先看、再行动，否则这种交错只是偶尔才会发生）。即使在同一个进程里，答案也可能互相矛盾：刚 put() 之后，qsize() 已经把这个元素算进去，而 empty() 可能仍然返回 True，因为后台的 feeder 线程要稍后才把它写进管道。在 macOS 上，qsize() 根本没有实现（NotImplementedError）。"),
    "variant/close/title": ("ac5876bb", "close() 的意思是“本进程不再发送数据”；它不会给消费者发送数据结束的信号。"),
    "variant/close/explanation": ("f60e05e1", "生产者放入一个包子，关闭它的队列后退出。消费者（父进程）拿到包子，再要下一个：没有任何东西告诉它生产者已经走了，所以 get() 一直等到超时并抛出 queue.Empty（没有超时的话会永远等下去）。关闭不是一条消息：要表示“没有更多了”，应放入一个哨兵值，例如 None。最后父进程也关闭自己的句柄，close() 之后再 put() 会抛出 ValueError。"),
    "variant/join-deadlock/title": ("3a197798", "在 get() 取走子进程的大数据之前就 join() 它，两者会永远互相等待。"),
    "variant/join-deadlock/explanation": ("e79df680", "往队列里放过数据的进程，要等它的 feeder 线程把数据全部写进管道之后才会退出（退出时会运行 join_thread()）。子进程的 1 MiB 数据远大于管道的缓冲区，所以 feeder 写了一部分就等着有人来读。读的人本该是父进程，可它卡在 p.join() 里等子进程退出：这就是死锁，表现为挂起。修正方法是先 get() 再 join()；用 --param fixed=true 再运行一次，就能看到它正常结束。（cancel_join_thread() 也能让子进程退出，代价是丢掉 feeder 还没写出去的数据。）"),
    "tour": ("58482708", "首先是 multiprocessing.Queue。文章的第三个示例把队列作为参数传给子进程，这种做法在每种启动方式下都行得通：看子进程 put，父进程 get。"),
}
