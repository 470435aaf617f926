"""The scenario catalogue's texts in Chinese, the article's own language.

The English texts live next to each scenario (``about.py`` and the variant
scripts' docstrings) and reach the renderers through ``concdemo.catalog``; this
module holds their Chinese translations, keyed by scenario name and by
``"scenario/variant"``. A scenario without a translation (say one from
CONCDEMO_SCENARIO_PATH) is shown in English. tests/test_i18n.py keeps the two
in step: every shipped scenario, variant and note has its Chinese text, and no
Chinese text names something that is gone.
"""

from __future__ import annotations

from concdemo.catalog import Scenario, Variant

# scenario name -> {"title", "summary"}
SCENARIOS_ZH: dict[str, dict[str, str]] = {
    "queue": {
        "title": "进程队列 Queue：在哪里创建、超时、不可靠的大小、close() 与 join 死锁",
        "summary": (
            "进程队列是用 multiprocessing 模块生成的，而不是线程安全的 queue 模块。"
            "每个重新导入主脚本的进程都会得到一份自己的模块级名字，所以队列在哪里创建，"
            "决定了谁能拿到它。put() 和 get() 会阻塞，可以设超时；empty()、full() 和 "
            "qsize() 只是某一刻的快照；close() 和队列的后台（feeder）线程决定进程何时可以退出。"
        ),
    },
    "pipe": {
        "title": "管道 Pipe：全双工与单向连接、EOF、pickle 序列化、字节消息",
        "summary": (
            "管道就像生活中的管道：两头都能进能出（全双工），除非用 Pipe(False) 把它建成单向的。"
            "对象在 send 时被 pickle 序列化，在 recv 时反序列化；recv() 会阻塞，"
            "并且只有当另一端在所有进程中的每一份副本都关闭之后，才会抛出 EOFError。"
        ),
    },
    "manager": {
        "title": "共享数据 Manager：共享的列表和字典、关闭前先 join、丢失的更新",
        "summary": (
            "队列和管道传递消息；Manager 共享数据。它启动一个服务进程，真正的列表或字典归它所有，"
            "其他每个进程手里只有一个代理（proxy），每个操作都由代理发给服务进程。"
            "所以文章说要在 manager 关闭之前 join 子进程，也说应该尽量避免使用共享数据："
            "每次代理操作都是进程之间的一次往返，而 `proxy.value += 1` 是两次往返，"
            "中间还可能插进另一个进程。"
        ),
    },
    "pool": {
        "title": (
            "进程池 Pool：apply 与 apply_async、close/join、AsyncResult、回调、terminate、核心数；"
            "ProcessPoolExecutor"
        ),
        "summary": (
            "有几个 CPU 核心就开几个进程：开多了只会增加切换的开销。"
            "进程池让这么多工作进程一直活着，并把任务分给它们；所有工作进程都在忙时，任务就等下一个空闲的进程。"
            "apply() 一次只运行一个任务并等它完成；apply_async() 把任务交出去后立即返回一个 "
            "AsyncResult，于是各个工作进程可以同时运行。文章之外，executor-submit 和 "
            "executor-map 两个变体用 concurrent.futures.ProcessPoolExecutor 运行同样的任务。"
        ),
    },
    "yield": {
        "title": "yield：生成器实现的生产者/消费者、send() 与 close()、严格轮流；async/await",
        "summary": (
            "文章中的生产者/消费者：next(c) 启动消费者生成器，每次 c.send(n) 让它恢复运行到下一个 "
            "yield，c.close() 结束它。控制权在同一个线程上来回传递，严格轮流，"
            "所以没有任何东西同时运行，消费者的 sleep 时间只是简单地累加起来。"
            "文章之外，async-await 变体用 async def、await 和 asyncio.Queue 讲同一个故事："
            "同样严格轮流。"
        ),
    },
    "greenlet": {
        "title": "greenlet：手动切换（ok1..ok4）、第一次 switch 时传参、阻塞的 sleep",
        "summary": (
            "greenlet 是一种需要手动切换的协程：g.switch() 跳进它，另一个 switch() 再跳回来，"
            "都在同一个线程上。参数只在第一次 switch 时传入。没有任何东西会自动切换，"
            "所以像 time.sleep 这样的阻塞调用会让所有 greenlet 停下，节省不了时间。"
        ),
    },
    "gevent": {
        "title": "gevent：协作式 sleep、猴子补丁、joinall 超时、DNS、CPU 密集型任务",
        "summary": (
            "gevent 在事件循环（Linux 上是 libev）上运行 greenlet：当一个 greenlet 等待 gevent "
            "能识别的东西（gevent.sleep、打过补丁的 socket）时，gevent 就切换到另一个 greenlet。"
            "它不能识别的阻塞调用（未打补丁的 time.sleep、CPU 计算）仍然会让该线程上的所有 "
            "greenlet 停下。文章中的时间（sleep 4 秒和 2 秒、joinall 超时 2 秒）都乘以 "
            "`scale`；用 --param scale=1 可恢复原值。"
        ),
    },
    "gevent-crawler": {
        "title": (
            "gevent 爬虫：顺序抓取 vs gevent（打补丁/未打补丁）vs 线程 vs asyncio，本地 HTTP 服务器"
        ),
        "summary": (
            "文章的爬虫先调用 monkey.patch_all()，再为每个页面 spawn 一个 greenlet 并 joinall() "
            "等待它们，这样一个请求在等待回应时，其他请求可以发出去。这里的页面来自本场景在 "
            "127.0.0.1 上启动的真实 HTTP 服务器（每个页面在 `latency` 秒后才回应），"
            "所以结果与互联网无关：顺序抓取和未打补丁的 gevent 耗时为各延迟之和，"
            "打了补丁的 gevent 约为最长的那一个延迟，线程池则约为它分几轮完成所需的延迟。"
            "文章之外，asyncio 变体用 async/await 和一个 asyncio 的 HTTP 客户端（aiohttp）"
            "做同样的抓取：同样约为最长的那一个延迟，而且什么补丁都不用打。"
            "用 --param url=...（可重复）可以改为抓取真实的页面。"
        ),
    },
    "event-loop": {
        "title": "事件循环：后端与 LIBEV_FLAGS、各后端下的空闲描述符、FD_SETSIZE",
        "summary": (
            "gevent 的 hub 运行一个 libev 循环，用操作系统的某种轮询调用等待 I/O："
            "Linux 上是 select、poll 或 epoll。文章用 LIBEV_FLAGS=1/2/4/8 来选择；"
            "如今的 gevent 会忽略这个变量，真正起作用的是 GEVENT_BACKEND"
            "（或 gevent.config.libev_backend）。文章推荐 epoll 的理由用真实的 socket 来展示："
            "select 和 poll 每多监视一个空闲描述符就更慢一些，epoll 不会；"
            "而且 select 根本无法接受编号为 1024 及以上的描述符。"
        ),
    },
    # --- beyond the article: the cluster scenario (issue 12) ---------------------
    "cluster": {
        "title": "Dask 集群：在 LocalCluster 或已在运行的调度器上跑进程池的工作量（文章之外）",
        "summary": (
            "一台机器不够用时，Python 用户会转向 Dask：一个调度器把任务分给工作进程，"
            "这些进程可能在别的机器上。这里把文章中进程池的工作量（tasks × delay 分给 workers）"
            "放到 Dask 集群上运行：默认是场景自己启动并关闭的内嵌 LocalCluster"
            "（多个工作进程，每个一个线程）；--param scheduler=tcp://HOST:PORT 则使用一个正在运行的"
            "集群，它的工作进程的事件通过 Dask 自己的事件日志传回来。每个任务都比进程池的任务更贵，"
            "本次运行会测出贵多少。"
        ),
    },
    # --- end of the cluster scenario's texts --------------------------------------
}

# "scenario/variant" -> {"title", "explanation"}
VARIANTS_ZH: dict[str, dict[str, str]] = {
    # queue
    "queue/global-queue": {
        "title": "在模块级创建的 Queue，只有在子进程不重新导入脚本时才是共享的。",
        "explanation": (
            "文章说父进程的 get() 会永远阻塞，因为每个进程有自己的名称空间。在 spawn 和 "
            "forkserver 下确实如此：子进程会再次导入这个文件（作为 __mp_main__），于是再次执行 "
            "`q = multiprocessing.Queue()`，生成第二个毫不相干的队列；子进程往那个队列里放数据，"
            "父进程却在自己那个空队列上等待。数一数 “module-level Queue() created” 事件："
            "每个执行过模块代码的进程各有一个。（在 forkserver 下每个子进程也会重新执行它；"
            "只有带 CPython gh-126631 修复的 Python 才会让 fork server 只执行一次，"
            "再把那份副本交给它的子进程，而那仍然不是父进程的队列。）在 fork 下，"
            "子进程是父进程的副本，模块级队列也包括在内，所以父进程拿到了 "
            "[11, 'hello', True]，文章的说法不成立。"
        ),
    },
    "queue/main-guard-queue": {
        "title": (
            '在 `if __name__ == "__main__"` 下创建的 Queue：spawn 出来的子进程根本看不到它。'
        ),
        "explanation": (
            "文章说子进程会报错，提示 “name 'q' is not defined”。在 spawn 和 forkserver 下，"
            "子进程把这个文件作为 __mp_main__ 导入，被保护的代码块在那里从不执行，"
            "于是 foo() 抛出 NameError（即 `error` 事件）；而确实创建了 q 的父进程，"
            "随后在 get() 中等待一个永远不会到来的数据。在 fork 下，子进程是在 q 赋值之后"
            "复制出来的父进程副本，这个全局变量就在那里，示例直接就能运行。"
        ),
    },
    "queue/passed-queue": {
        "title": "把队列作为参数传给子进程，在每种启动方式下都能工作。",
        "explanation": (
            "父进程在 main 保护块下创建 x，通过 Process(args=(x,)) 交给子进程；"
            "子进程把 [11, 'hello', True] 放进的正是这个队列，父进程的 get() 就拿到了它。"
            "传递对象本身才是处处行得通的做法：在 fork 下它被继承，在 spawn 和 forkserver 下"
            "它被 pickle 序列化（连同管道句柄和锁）。“module-level code ran” 事件代表文章中的 "
            "print('test')：在 fork 下模块级代码只执行一次（只有父进程执行了这个文件），"
            "而在每个 spawn 出来的子进程中都会再执行一次，模块级的 Queue() 也不例外，"
            "因为子进程会把脚本作为 __mp_main__ 再导入一次。在 forkserver 下每个子进程同样会"
            "重新导入；在带 CPython gh-126631 修复的 Python 上，改由 fork server 导入一次，"
            "它的子进程继承那份副本。"
        ),
    },
    "queue/put-timeout": {
        "title": "对已满的 Queue(1) 调用 put()：超时后抛出 queue.Full，不阻塞时则立即抛出。",
        "explanation": (
            "这个队列只能容纳一个元素，所以第二次 put() 无处可放。block=True 并设了 timeout 时，"
            "它会等待这么久，然后抛出 queue.Full（文章写作 Queue.Full；这个异常在标准库的 "
            "queue 模块里）。block=False 或 put_nowait() 时，它立即抛出。最后，"
            "在父进程阻塞于 put() 时，一个消费者进程取走了第一个元素：一有空间，"
            "put 就会成功，不必等到超时。"
        ),
    },
    "queue/get-timeout": {
        "title": "对空 Queue 调用 get()：超时后抛出 queue.Empty，不阻塞时则立即抛出。",
        "explanation": (
            "还没有放入任何东西，所以 get(timeout=...) 会等待这么久，然后抛出 queue.Empty；"
            "get(block=False) 和 get_nowait() 则立即抛出。接着，在父进程阻塞于 get() 时，"
            "一个生产者进程放入一个包子：元素一到，get 就返回，远早于超时。"
        ),
    },
    "queue/stale-size": {
        "title": "empty()、full() 和 qsize() 只是快照：等你根据它行动时，它可能已经不对了。",
        "explanation": (
            "两个消费者都去问一个装着一个包子的队列 empty()，都得到 False；随后两者都调用 get()。"
            "一个拿到了包子，另一个等到超时也一无所获：这是一次“先检查、再行动”，"
            "而在检查和行动之间，结果已经过时（一个 barrier 让两者都先看、再行动，"
            "否则这种交错只是偶尔才会发生）。即使在同一个进程里，答案也可能互相矛盾："
            "刚 put() 之后，qsize() 已经把这个元素算进去，而 empty() 可能仍然返回 True，"
            "因为后台的 feeder 线程要稍后才把它写进管道。在 macOS 上，qsize() 根本没有实现"
            "（NotImplementedError）。"
        ),
    },
    "queue/close": {
        "title": "close() 的意思是“本进程不再发送数据”；它不会给消费者发送数据结束的信号。",
        "explanation": (
            "生产者放入一个包子，关闭它的队列后退出。消费者（父进程）拿到包子，再要下一个："
            "没有任何东西告诉它生产者已经走了，所以 get() 一直等到超时并抛出 queue.Empty"
            "（没有超时的话会永远等下去）。关闭不是一条消息：要表示“没有更多了”，"
            "应放入一个哨兵值，例如 None。最后父进程也关闭自己的句柄，close() 之后再 put() "
            "会抛出 ValueError。"
        ),
    },
    "queue/join-deadlock": {
        "title": "在 get() 取走子进程的大数据之前就 join() 它，两者会永远互相等待。",
        "explanation": (
            "往队列里放过数据的进程，要等它的 feeder 线程把数据全部写进管道之后才会退出"
            "（退出时会运行 join_thread()）。子进程的 1 MiB 数据远大于管道的缓冲区，"
            "所以 feeder 写了一部分就等着有人来读。读的人本该是父进程，可它卡在 p.join() 里"
            "等子进程退出：这就是死锁，表现为挂起。修正方法是先 get() 再 join()；"
            "用 --param fixed=true 再运行一次，就能看到它正常结束。"
            "（cancel_join_thread() 也能让子进程退出，代价是丢掉 feeder 还没写出去的数据。）"
        ),
    },
    # pipe
    "pipe/duplex": {
        "title": "Pipe() 是全双工的：子进程发送 'hello world'，父进程回复 'hi son'。",
        "explanation": (
            "默认 Pipe() 的两端都能发送和接收。子进程在它那一端写入，父进程从另一端读到；"
            "然后父进程在它刚才读取的同一端写回，子进程读到了回复。"
            "每条消息都作为 pickle 序列化的对象在两个进程之间传递。"
        ),
    },
    "pipe/simplex": {
        "title": "Pipe(False) 是单向的：第一端只能接收，第二端只能发送。",
        "explanation": (
            "文章把单向管道比作单行道。子进程在第二端发送，父进程在第一端接收。"
            "接着父进程试图在它那只能接收的一端发送，multiprocessing 以 OSError"
            "（'connection is read-only'）拒绝；从只能发送的一端读取也同样会被拒绝。"
        ),
    },
    "pipe/eof": {
        "title": "recv() 会一直阻塞到有消息到来，另一端关闭后则抛出 EOFError。",
        "explanation": (
            "父进程的第一次 recv() 在等子进程，而子进程先睡了一会儿才发送：recv() 会阻塞。"
            "子进程关闭了它的那一端之后（父进程也关闭了自己手里那一端的副本，"
            "子进程的那一端正是从父进程继承来的），管道里剩下的消息仍然被送达，"
            "直到这之后 recv() 才抛出 EOFError。"
        ),
    },
    "pipe/pickle": {
        "title": (
            "send() 用 pickle 序列化对象，recv() 反序列化出一个副本；不能 pickle 的东西就不能发送。"
        ),
        "explanation": (
            "一个由列表组成的字典传到子进程，再传回来时是一个相等但独立的对象："
            "管道传送的是 pickle 生成的字节，而不是对象本身。lambda 没有可导入的名字，"
            "所以 pickle 拒绝了它，send() 在发送进程中抛出 PicklingError，"
            "此时还没有任何东西写进管道。"
        ),
    },
    "pipe/producer-consumer": {
        "title": "生产者和消费者各自关闭自己不用的管道端，于是消费者收到 EOFError 并停止。",
        "explanation": (
            "文章中的包子示例。消费者子进程关闭了生产者的那一端；生产者关闭了消费者的那一端；"
            "主进程在生产完之后关闭了自己手里的两份副本。当发送端的最后一份副本在所有进程中"
            "都关闭时，消费者的 recv() 抛出 EOFError，循环结束：不需要哨兵值，"
            "因为操作系统会对打开的端点进行计数。"
        ),
    },
    "pipe/forgot-close": {
        "title": "忘了关闭不用的管道端，消费者就会永远挂在 recv() 上。",
        "explanation": (
            "同样的包子示例，只是去掉了 close() 调用。生产者已经结束，但消费者自己仍握着"
            "发送端的一份副本，所以管道从未在所有地方都关闭，recv() 一直在等一条只可能来自"
            "它自己的消息。主进程在 join() 中等待消费者。concdemo 在挂起超时后停止了这次运行，"
            "并询问了每个进程当时停在哪里。"
        ),
    },
    "pipe/bytes-maxlength": {
        "title": "消息长于 maxlength 时，recv_bytes(maxlength) 抛出 OSError，这一端从此无法再读。",
        "explanation": (
            "子进程发送了一条 100 字节的消息；父进程最多只要 10 个字节。multiprocessing 抛出 "
            "OSError('bad message length')，并把连接标记为不可读：第二次 recv_bytes() 也失败了，"
            "尽管它没有设任何上限。文章称之为 IOError，自 Python 3.3 起它就是 OSError 的别名。"
        ),
    },
    "pipe/bytes-into": {
        "title": (
            "缓冲区太小时，recv_bytes_into(buf) 抛出 BufferTooShort；消息就在 e.args[0] 里。"
        ),
        "explanation": (
            "第一条消息放得进 64 字节的 bytearray，recv_bytes_into() 返回了它的长度，"
            "消息写在指定的偏移位置。第二条（32 字节）放不进 8 字节的缓冲区："
            "抛出了 BufferTooShort，但整条消息并没有丢失，而是放在异常里交了出来。"
        ),
    },
    "pipe/poll": {
        "title": "poll(timeout) 告诉你数据是否就绪；poll(None) 需要等多久就等多久。",
        "explanation": (
            "子进程先睡了一会儿才发送。poll(0.2) 大约 0.2 秒后返回 False：数据还没到，"
            "也没有消耗掉任何东西。接着 poll(None) 一直等到消息到达并返回 True，"
            "recv() 立即读到了它。不带参数的 poll() 根本不等待。"
        ),
    },
    # manager
    "manager/list": {
        "title": "Manager().list() 是共享的：五个子进程把 i**i 追加到 [11, 22, 33]。",
        "explanation": (
            "列表存放在 manager 的服务进程中；每个子进程拿到的是一个代理，它的 append() "
            "被送到服务进程，所以父进程在 join 所有子进程之后能看到全部八个元素。"
            "后五个元素的顺序取决于哪个子进程先到达服务进程。"
        ),
    },
    "manager/dict": {
        "title": "Manager().dict() 是共享的：五个子进程在 {'name': 'bob'} 旁边设置 d[i] = 'a'。",
        "explanation": (
            "和列表一样，字典存放在 manager 的服务进程中，每个子进程的 `d[k] = v` "
            "都通过代理送到那里。join 所有子进程之后，父进程看到六个键：'name' 以及 0 到 4。"
        ),
    },
    "manager/no-join": {
        "title": "不 join 子进程，子进程就会失败：父进程结束时 manager 随之关闭。",
        "explanation": (
            "这是去掉了 join 循环的列表示例。父进程启动五个子进程，立即打印列表"
            "（通常还是 [11, 22, 33]），然后走到脚本末尾。退出时，multiprocessing 先关闭 "
            "manager 的服务进程，之后才等待子进程，所以当某个子进程终于调用 append() 时，"
            "它的代理已经没有可以对话的对象，子进程就此死掉：这里是 FileNotFoundError，"
            "因为停止的服务进程删除了它的 socket 文件（如果服务进程在调用中途消失，"
            "得到的则是 BrokenPipeError、ConnectionResetError 或 EOFError）。"
            "这就是文章说的“必须要join,不然会执行报错”。用 --param fixed=true 再运行一次，"
            "先 join：每次 append 都送达，运行正常结束。"
        ),
    },
    "manager/race": {
        "title": "多个进程执行 `proxy.value += 1` 会丢失更新；用 manager 的 Lock，计数就准确了。",
        "explanation": (
            "对代理执行 `counter.value += 1`，是与 manager 服务进程之间的两次往返，先读后写，"
            "而另一个进程可能在中间写入：它的那次自增就被覆盖、丢失了。"
            "在读和写的外面持有一个 manager 的 Lock，计数就准确了，代价是更多的往返。"
            "最后两个阶段对比一次代理操作与在本地对象上做同样操作的耗时：每次代理操作都要 "
            "pickle 一个请求、传到服务进程、再等待回答，"
            "这就是文章说应该尽量避免使用共享数据的原因。"
        ),
    },
    # pool
    "pool/apply": {
        "title": "apply() 是同步的：47 个任务一个接一个地运行，总耗时约为 tasks × delay。",
        "explanation": (
            "apply() 把一个任务交给一个工作进程，并等它的结果回来，循环才能交出下一个，"
            "所以任何时候最多只有一个工作进程在忙：任务条首尾相接地排成一行，"
            "尽管进程池有五个工作进程（也看看 pid：每个任务可能由不同的工作进程来做，"
            "但从不同时有两个）。实测时间接近 tasks × delay；可以和 apply_async 变体对比一下。"
        ),
    },
    "pool/apply_async": {
        "title": "apply_async() 让任务并发运行：总耗时约为 ceil(tasks / workers) × delay。",
        "explanation": (
            "apply_async() 只是把任务交出去就立即返回，所以循环马上把 47 个任务全部排进队列，"
            "五个工作进程同时运行它们，每次五个：一共十轮 delay，而不是 47 轮。"
            "随后 close() 表示不会再有新任务，join() 等待工作进程完成全部任务并退出。"
        ),
    },
    "pool/join-before-close": {
        "title": "join() 只能在 close() 或 terminate() 之后调用：先调用它会抛出 ValueError。",
        "explanation": (
            "join() 等待工作进程退出，而运行中的进程池的工作进程永远不会退出（可能还会有新任务），"
            "所以进程池立即以 “ValueError: Pool is still running” 拒绝，而不是永远等下去。"
            "close() 之后，同样的 join() 会等待排队的任务完成，然后返回。"
        ),
    },
    "pool/async-result": {
        "title": (
            "AsyncResult：ready()、successful()、wait(timeout) 和 get(timeout)，"
            "分别用在一个正常结果和一个错误上。"
        ),
        "explanation": (
            "apply_async() 立即返回一个 AsyncResult。任务还在运行时，ready() 为 False，"
            "successful() 拒绝回答（ValueError: not ready），wait(timeout) 在超时后直接返回，"
            "get(timeout) 抛出 multiprocessing.TimeoutError。任务完成后，get() 返回它的值。"
            "抛出异常的任务也算“就绪”（ready），但不算成功（successful），"
            "get() 会在父进程中重新抛出工作进程里的那个异常。"
        ),
    },
    "pool/callback": {
        "title": "阻塞的回调会拖住其他所有结果：apply_async 又慢回到 apply 的水平。",
        "explanation": (
            "apply_async(callback=...) 在父进程中、在进程池唯一的结果处理线程里调用回调，"
            "而这个线程要等回调返回之后才把结果标记为就绪。这里每个回调都睡得和一个任务一样久。"
            "工作进程仍然每次完成五个任务，但结果随后只能一个一个地处理，"
            "每个都要等它前面的回调：整个运行又要花大约 tasks × delay，和 apply() 一样。"
            "文章的规则是：callback 禁止执行任何阻塞操作。"
        ),
    },
    "pool/terminate": {
        "title": "terminate() 立即终止工作进程：正在运行的任务被中断，排队的任务永远不会运行。",
        "explanation": (
            "47 个任务全部用 apply_async() 排进队列。第一批结果回来后不久，父进程调用 "
            "terminate()（这是 Pool 的方法；文章把它列在 AsyncResult 下面）："
            "工作进程在任务中途被杀掉，所以有些任务条只有开始没有结束，"
            "仍在队列中等待的任务也永远不会开始。对比 close()，它会让每个排队的任务先完成。"
            "之后什么也不会再运行。"
        ),
    },
    "pool/cpu-sweep": {
        "title": "有几个核心就开几个进程：对于 CPU 密集型工作，更多的工作进程毫无帮助。",
        "explanation": (
            "同一个 CPU 密集型作业（48 份相同的算术计算）依次在 1、2……直到核心数两倍个"
            "工作进程的进程池上运行，每种大小是一个阶段。相对于一个工作进程的加速比不断增长，"
            "直到进程池中每个核心一个工作进程，然后趋于平缓：多出来的工作进程只是在同样的核心上"
            "轮流运行，还要付出切换的代价。这就是文章给出的进程池大小建议。每个阶段把作业运行"
            "三次，加速比取最快的一次，所以别的程序一时占用某个核心不会算进来；"
            "但在一直很忙的机器上，数字仍会漂移。（这个变体忽略 tasks、workers 和 delay 参数："
            "作业是固定的，这样各阶段才有可比性。）"
        ),
    },
    # yield
    "yield/producer-consumer": {
        "title": "生成器协程：生产者 send()，消费者回答 '200 Ok'，严格轮流。",
        "explanation": (
            "next(c) 让消费者运行到第一个 yield；每次 c.send(n) 都带着 n 恢复它，"
            "它一直运行到下一个 yield，把 r 交还给生产者。两条泳道从不重叠："
            "同一时刻只有其中一个在运行，在同一个线程上，每次交接都只是一次普通的函数调用。"
            "所以消费者的 time.sleep 一个接一个地累加，就像根本没有协程一样："
            "生成器是轮流执行，而不是并行等待。c.close() 向暂停中的消费者抛入 GeneratorExit，"
            "已关闭的生成器无法再恢复（send() 会抛出 StopIteration）。"
        ),
    },
    # greenlet
    "greenlet/switch": {
        "title": "greenlet.switch() 显式地交出控制权：ok1、ok2、ok3、ok4。",
        "explanation": (
            "g1.switch() 启动了 foo，它打印 ok1 后切换到 bar；bar 打印 ok2 后切换回 foo，"
            "恰好回到它停下的地方，于是 foo 打印 ok3；foo 的第二次 g2.switch() 恢复了 bar，"
            "bar 打印 ok4。每一次交接都写在代码里：没有调度器来决定下一个由谁运行。"
            "bar 返回时，控制权交给了它的父 greenlet（主 greenlet），所以 foo 再也没能越过"
            "它的最后一次 switch：它一直停在那里，直到被垃圾回收。"
        ),
    },
    "greenlet/args": {
        "title": "参数随第一次 switch 传入：natasha 吃饭，bob 玩手机，轮流进行。",
        "explanation": (
            "gr1.switch(name='natasha') 启动了 eat('natasha')；eat 中的 gr2.switch('bob') "
            "启动了 play_phone('bob')。之后的 switch 都不带参数：已经启动的 greenlet "
            "从它停下的地方继续，用的还是第一次得到的名字（传给之后某次 switch() 的值，"
            "会成为它正暂停在其中的那次 switch() 的返回值）。两条泳道轮流运行："
            "natasha eat food 1、bob play 1、natasha eat food 2、bob play 2。"
        ),
    },
    "greenlet/blocking": {
        "title": "单靠 greenlet 节省不了时间：time.sleep 会阻塞所有 greenlet，所以睡眠时间会累加。",
        "explanation": (
            "foo 和 bar 各自用 time.sleep 睡一会儿，然后切换到对方。greenlet 只在显式的 "
            "switch() 处交换控制权；它对 I/O 一无所知，所以 foo 睡着时 bar 无法运行，"
            "反之亦然。时间线上的 sleep 条一个接着一个，总耗时是两次睡眠之和。"
            "要并行地等待，需要能在 I/O 时自动切换的东西：那就是 gevent"
            "（见 `concdemo run gevent`）。"
        ),
    },
    # gevent
    "gevent/sleep": {
        "title": "gevent.sleep 是协作式的：foo 睡 4 秒，bar 睡 2 秒，总共用 4 秒而不是 6 秒。",
        "explanation": (
            "joinall 启动了两个 greenlet。foo 打印 ok1 后去睡眠；gevent.sleep 把控制权交给"
            "事件循环，事件循环运行了 bar：ok2。bar 的睡眠较短，先结束（ok4），"
            "foo 的后结束（ok3）。两次等待相互重叠，所以总耗时是较长的那次睡眠，而不是两者之和。"
            "spawn(fn, *args, **kwargs) 把参数（这里是缩放后的睡眠时间）传给各自的函数，"
            "每个 greenlet 的返回值都放在它的 .value 里。"
        ),
    },
    "gevent/monkey": {
        "title": (
            "time.sleep 只有在 monkey.patch_all() 之后才会协作：未打补丁时累加，打了补丁后重叠。"
        ),
        "explanation": (
            "同样的 foo 和 bar，用标准的 time.sleep 睡眠，运行了两次。第一次在一个单独的、"
            "未打补丁的进程里：gevent 看不到 time.sleep 内部，所以 foo 阻塞了整个线程"
            "（bar 连 ok2 都打印不出来），总耗时是两次睡眠之和，顺序为 ok1 ok3 ok2 ok4。"
            "然后在本进程里，它在导入任何其他东西之前就调用了 monkey.patch_all()："
            "time.sleep 现在就是 gevent.sleep，等待相互重叠，总耗时是较长的那次睡眠，"
            "顺序为 ok1 ok2 ok4 ok3。这两半需要两个进程，因为补丁作用于整个进程，而且无法撤销。"
        ),
    },
    "gevent/late-patch": {
        "title": "补丁必须最先打：在 patch_all() 之前导入的 sleep 仍然会阻塞。",
        "explanation": (
            "`from time import sleep` 在 monkey.patch_all() 之前执行，所以本模块中的名字 "
            "`sleep` 仍然指向原来那个阻塞的函数。补丁替换了 time 模块里的 time.sleep，"
            "但够不着其他模块早先复制出去的名字。因此 foo 的 sleep 阻塞了整个线程，"
            "bar 只能等它，总耗时是两次睡眠之和，就像什么补丁都没打一样。"
            "这就是文章说要把补丁放到文件的开头、放在 time、socket 以及任何导入它们的模块"
            "之前的原因。"
        ),
    },
    "gevent/joinall-timeout": {
        "title": "joinall(jobs, timeout=2) 到时即返回，不抛出异常；结果在 job.value 中。",
        "explanation": (
            "三次查询作为 greenlet 运行，就像文章中 gethostbyname 的例子。'localhost' "
            "立刻从 /etc/hosts 得到结果，地址在 .value 中。一个格式错误的名字查询失败了："
            "那个 greenlet 死掉了，joinall 并没有抛出异常，错误留在那个 job 的 .exception 里"
            "（它的 .value 是 None）。第三次查询比超时还慢：时间一到，joinall 就直接返回，"
            "让它继续运行，.value 为 None，看上去和“没有结果”完全一样。joinall 返回已经完成的 "
            "job；剩下的会一直运行，直到你 kill 它，所以脚本在退出前 kill 了它。"
        ),
    },
    "gevent/dns": {
        "title": "gevent.socket.gethostbyname 不会阻塞其他 greenlet：一个计时器一直在滴答。",
        "explanation": (
            "文章解析的是 www.google.com.hk 等名字；这里离线运行，所以解析的是 /etc/hosts "
            "中的名字，外加一个不存在的名字。gevent 把每次查询交给它的解析器（在 Linux 上"
            "默认是一个运行系统 getaddrinfo 的原生线程池），所以在查询等待时，事件循环继续运行"
            "其他 greenlet：计时器一拍也没漏。那个不存在的名字以 socket.gaierror 失败，"
            "错误落在那个 job 的 .exception 中，而没有让程序停下；joinall 没有抛出异常。"
            "从 /etc/hosts 查询只需几毫秒；面对一个很慢的 DNS 服务器，"
            "计时器也会在每次查询期间一直滴答下去。"
        ),
    },
    "gevent/cpu-bound": {
        "title": (
            "greenlet 用不上第二个核心：CPU 密集型工作用 greenlet 毫无收益，"
            "用进程则加速约等于核心数。"
        ),
        "explanation": (
            "每个核心一个任务（最多四个），做同样的纯 Python 算术：先单独运行一次（耗时 t），"
            "再作为 greenlet 和作为进程各跑三轮。作为 greenlet 时，任务一个接一个地运行："
            "CPU 计算从不等待 I/O，所以 greenlet 从不让出控制权，时间线上的任务条互不重叠，"
            "总耗时约为 n·t。作为进程时（一个 multiprocessing Pool，每个任务一个工作进程），"
            "每个任务都有自己的核心，总耗时又约为 t。协程是用来等待的，不是用来计算的："
            "要利用多核就需要多个进程（文章说：一个程序开启多个进程，每个进程内开启多个线程，"
            "每个线程内开启协程）。加速需要空闲的核心；其他程序让核心一直忙碌时，"
            "进程的收益会变小，所以取最好的一轮，检验结果中还会报告系统负载（load average）。"
        ),
    },
    # gevent-crawler
    "gevent-crawler/sequential": {
        "title": "一个接一个地抓取页面：总耗时是每个页面的延迟之和。",
        "explanation": (
            "爬虫请求一个页面，等完整的回应到达，再请求下一个。时间线上每个 fetch 条都从前一个"
            "结束的地方开始，总耗时是各延迟之和（每个请求再加一点点）。这就是文章中的 gevent "
            "爬虫要胜过的基准：慢的是等待，而这里在等待时什么别的事也没发生。"
        ),
    },
    "gevent-crawler/gevent": {
        "title": "文章的爬虫：patch_all、每个页面一个 greenlet、joinall：总耗时 ≈ 最长的那个延迟。",
        "explanation": (
            "monkey.patch_all() 最先执行，所以 urllib 用的 socket 是 gevent 的："
            "一个 greenlet 发出请求并等待时，它让出给事件循环，事件循环开始下一个 greenlet 的请求。"
            "在第一个回应回来之前，所有请求都已发出（fetch 条相互重叠），所以总耗时约为"
            "单个最长的延迟，而不是总和。这一切都由一个线程完成；服务器（一个单独的进程）"
            "并行地回应这些请求。"
        ),
    },
    "gevent-crawler/unpatched": {
        "title": "不调用 monkey.patch_all() 的 gevent：同样的 spawn + joinall 毫无收益。",
        "explanation": (
            "这些 greenlet 的 spawn 和 join 与 gevent 变体完全一样，但 urllib 用的是标准的、"
            "阻塞的 socket。第一个 greenlet 的请求阻塞了整个线程，直到它的回应到来，"
            "gevent 根本没有机会切换：抓取一个接一个地进行（时间线上没有重叠），"
            "总耗时是各延迟之和，和顺序抓取的爬虫一样。"
        ),
    },
    "gevent-crawler/threads": {
        "title": "线程池也能并行抓取页面：总耗时是线程池的轮数乘以延迟。",
        "explanation": (
            "每个工作线程取下一个页面，阻塞在它的请求里；在此期间操作系统切换到其他线程，"
            "所以最多同时有 THREADS 个抓取在进行。页面数不超过线程数时，总耗时约为最长的那个"
            "延迟，和 gevent 一样；页面更多时，线程池要分几轮完成（试试 --param pages=100）。"
            "线程不需要打补丁，但每个线程都要占用一个操作系统线程和它的栈，这就是为什么 gevent "
            "可以让成千上万个请求同时等待，而线程池只能维持几十个。"
        ),
    },
    # event-loop
    "event-loop/backends": {
        "title": "LIBEV_FLAGS 已经不能选择 gevent 的后端了：起作用的是 GEVENT_BACKEND。",
        "explanation": (
            "每种设置都在一个全新的 Python 进程中运行（循环只在创建 hub 时选定一次），"
            "由该进程报告 gevent.get_hub().loop.backend。GEVENT_BACKEND = select、poll 和 "
            "epoll 都得到了各自要求的后端。文章的 LIBEV_FLAGS=1（select）和 =2（poll）"
            "毫无作用：循环仍然是 epoll，也就是 Linux 上最快的那个，因为 gevent 创建 libev "
            "循环时带有 EVFLAG_NOENV，它让 libev 忽略 LIBEV_FLAGS。请使用环境变量 "
            "GEVENT_BACKEND，或者在 hub 存在之前设置 gevent.config.libev_backend，"
            "就像本进程最后所做的那样。"
        ),
    },
    "event-loop/idle-fds": {
        "title": "select 和 poll 每多一个空闲描述符就慢一些；epoll 的开销保持平稳。",
        "explanation": (
            "事件循环的每次迭代都做一次等待调用。这里这个调用监视 4 个忙碌的 socket"
            "（有数据在等待）外加 10 ... N 个空闲的 socket，对 libev 在 Linux 上能用的"
            "三种后端各测一遍。select 和 poll 每次调用都把整个列表交给内核，"
            "内核逐个检查每个描述符，所以每次调用的时间随空闲描述符增多而增长。"
            "epoll 把监视列表保存在内核中，只返回就绪的描述符，所以它的时间保持平稳："
            "这就是文章在大量连接、其中多数空闲的情况下推荐 epoll 的理由。"
            "select 只在所有描述符都小于 FD_SETSIZE（1024）时测量；参见 fd-setsize。"
        ),
    },
    "event-loop/fd-setsize": {
        "title": "select() 无法监视编号为 1024 及以上的描述符（FD_SETSIZE）；poll 和 epoll 可以。",
        "explanation": (
            "select() 接受 fd_set 位图，而一个 fd_set 只容得下 FD_SETSIZE = 1024 个描述符，"
            "编号 0 到 1023：限制的是描述符的编号，而不是监视的数量，所以一个已经打开了上千个"
            "文件的繁忙服务器，根本无法对它的下一个 socket 调用 select()。Python 在调用之前"
            "就检查这一点，抛出 ValueError('filedescriptor out of range in select()')，"
            "而不是越过位图写入。poll() 和 epoll 接受同一个描述符，毫无问题。还有一个意外，"
            "在一个子进程中做了检验：gevent 自己的 select 后端（libev）在 Linux 上维护着"
            "自己大小的位图，所以它也能应付描述符 1024。"
        ),
    },
    # --- beyond the article: the cluster scenario (issue 12) ---------------------
    "cluster/dask-submit": {
        "title": (
            "每个任务一次 client.submit()，再 gather()：Dask 上的进程池工作量，"
            "约 ceil(tasks / workers) × delay。"
        ),
        "explanation": (
            "和 apply_async() 一样，client.submit() 交出一个任务后立即返回一个 Future；"
            "gather() 等待全部完成。调度器一次只给每个工作线程一个任务，所以 47 个 0.1 秒的任务"
            "在五个单线程工作进程上分 ceil(47 / 5) = 10 轮跑完，并分散到每个工作进程上"
            "（时间线上每个工作进程一条泳道；别的机器上的工作进程通过 Dask 的事件日志汇报）。"
            "不过每个任务都比进程池的任务更贵，两个空任务阶段测出了贵多少：Dask 用 cloudpickle "
            "序列化函数和参数，调度器记录每个任务、挑选一个工作进程并把任务发过去，结果再经由"
            "工作进程 → 调度器 → 客户端传回，每个任务要经过好几条网络消息和一次调度决策；"
            "而 Pool.apply_async() 只是把调用 pickle 进一根管道，由空闲的工作进程读取。"
        ),
    },
    "cluster/dask-map": {
        "title": (
            "client.map()：一次调用把整个进程池工作量交给 Dask，约 ceil(tasks / workers) × delay。"
        ),
        "explanation": (
            "client.map(foo, range(47), ...) 一次调用就为每个任务生成一个 Future，"
            "像没有分块（chunk）的 Pool.map：每个任务仍然单独调度，每个工作线程一次一个，"
            "所以耗时和在工作进程间的分布都与 dask-submit 相同（每个工作进程一条泳道；"
            "别的机器上的工作进程通过 Dask 的事件日志汇报）。"
            "一次调用把整批任务用一条消息发给调度器，所以交出任务比 47 次 submit() 便宜；"
            "剩下的是 Dask 自己的每任务开销，两个空任务阶段"
            "把它和 Pool.apply_async() 相比：调度器为每个任务做的记录和决策，以及客户端 → 调度器 → "
            "工作进程 → 调度器 → 客户端的消息，每条都要序列化（cloudpickle、msgpack）；"
            "而进程池只是把调用 pickle 进一根管道，由空闲的工作进程读取。"
        ),
    },
    # --- end of the cluster scenario's texts --------------------------------------
}

# --- beyond the article (issue 12) ------------------------------------------------
# The variants that carry the article's story on to asyncio and concurrent.futures,
# one block per scenario so that each can move as a whole; merged into VARIANTS_ZH below.

# pool: beyond the article
_BEYOND_POOL_ZH: dict[str, dict[str, str]] = {
    "pool/executor-submit": {
        "title": (
            "concurrent.futures：ProcessPoolExecutor.submit() 就是 apply_async()："
            "耗时约为 ceil(任务数 / 工作进程数) × delay。"
        ),
        "explanation": (
            "文章之外：ProcessPoolExecutor 是标准库里同一个思路的新面孔。submit() 把任务交出去，"
            "立即返回一个 Future，就像 apply_async() 返回 AsyncResult 一样，所以 47 个任务"
            "一下子全部排好队，五个工作进程每次同时运行五个：十轮 delay，和 apply_async 一样。"
            "离开 `with` 块相当于一次做完 close() 和 join()：等每个排队的任务完成，"
            "再等工作进程退出。工作进程在这个阶段开始之前就已启动并等待就绪，"
            "所以阶段只计任务本身的时间。"
        ),
    },
    "pool/executor-map": {
        "title": "executor.map(chunksize=c) 每次分发 c 个任务：块太大，工作进程就会闲着。",
        "explanation": (
            "文章之外：ProcessPoolExecutor.map(fn, items) 默认每个元素提交一个任务"
            "（chunksize=1）：第一个阶段和 apply_async 一样，约为 ceil(任务数 / 工作进程数) × "
            "delay。用 chunksize=c 时，元素按每块 c 个送到工作进程，每块只往返一次，而不是每个"
            "任务一次（这正是分块的用处：大量很小的任务），但一块从头到尾都在同一个工作进程上"
            "运行。第二个阶段的块大小是任务数的一半：只有两个工作进程分到活，每个依次运行"
            "自己那一块里的任务，阶段耗时约为 c × delay。结果仍然按顺序返回。"
        ),
    },
}

# yield: beyond the article
_BEYOND_YIELD_ZH: dict[str, dict[str, str]] = {
    "yield/async-await": {
        "title": "async def / await 加 asyncio.Queue：同样的生产者/消费者，仍然严格轮流。",
        "explanation": (
            "文章之外：这是文章里生成器协程的现代写法。生产者和消费者是两个 asyncio 任务"
            "（各占一条泳道）；生产者不再调用 c.send(n)，而是把 n 放进一个队列，"
            "再在第二个队列上 await 消费者的回答；`await` 就是一个任务让另一个任务运行的地方，"
            "正如原来的 `yield`。两条泳道仍然从不重叠，严格轮流：每一方都在等另一方，"
            "所以即使 asyncio.sleep 不会阻塞线程，消费者的 sleep 时间也一项一项累加起来，"
            "和生成器版本一样。队列里的 None 结束消费者，就像 c.close() 结束生成器。"
        ),
    },
}

# gevent-crawler: beyond the article
_BEYOND_CRAWLER_ZH: dict[str, dict[str, str]] = {
    "gevent-crawler/asyncio": {
        "title": (
            "用 asyncio 和 aiohttp 做同样的抓取：每个页面一个任务，gather()：总耗时≈最长的延迟。"
        ),
        "explanation": (
            "文章之外：asyncio 是标准库如今对同一个问题的回答。每个页面有自己的任务"
            "（时间线上的一条泳道，就像一个 greenlet）；`await session.get(url)` 在请求等待时"
            "把控制权交还给事件循环，所以第一个回应回来之前，所有请求都已发出。不需要猴子补丁："
            "每个 `await` 都明确写出了等待，HTTP 客户端（aiohttp）本来就是为 asyncio 写的。"
            "这一切都在一个线程上完成，总耗时约为最长的那一个延迟，和打了补丁的 gevent 一样。"
        ),
    },
}

VARIANTS_ZH.update(_BEYOND_POOL_ZH)
VARIANTS_ZH.update(_BEYOND_YIELD_ZH)
VARIANTS_ZH.update(_BEYOND_CRAWLER_ZH)

# "scenario/variant" -> {start method or "*": note}, for the variants that have NOTES
NOTES_ZH: dict[str, dict[str, str]] = {
    "queue/global-queue": {
        "fork": "子进程是父进程的副本，所以两者用的是同一个队列：在 fork 下文章的说法不成立。",
        "spawn": "子进程重新导入了脚本，创建了自己的队列；父进程在一个空队列上等待。",
        "forkserver": (
            "子进程（在带 gh-126631 修复的 Python 上则是 fork server）重新导入了脚本，"
            "创建了自己的队列；父进程在一个空队列上等待。"
        ),
    },
    "queue/main-guard-queue": {
        "fork": "fork 出来的子进程继承了父进程的全局变量 q：没有 NameError，示例正常运行。",
        "spawn": "子进程因 NameError 失败；父进程仍阻塞在 q.get() 中。",
        "forkserver": "子进程因 NameError 失败；父进程仍阻塞在 q.get() 中。",
    },
    "queue/passed-queue": {
        "forkserver": (
            "Python 可能会在退出时警告有泄漏的信号量（semaphore）："
            "每个子进程在重新导入时创建的模块级队列从未被清理。"
        ),
    },
}

# `concdemo tour`: the word before each scenario (English: concdemo.tour.NARRATION)
NARRATION_ZH: dict[str, str] = {
    "queue": (
        "首先是 multiprocessing.Queue。文章的第三个示例把队列作为参数传给子进程，"
        "这种做法在每种启动方式下都行得通：看子进程 put，父进程 get。"
    ),
    "pipe": (
        "接下来是 Pipe：两个相连的端点。duplex 双向发送；producer-consumer 是文章中的包子示例，"
        "正是关闭不用的端点，才让消费者看到 EOFError 并停下来。"
    ),
    "manager": (
        "Manager 共享数据，而不是传递消息：一个服务进程拥有列表和字典，"
        "每个子进程持有指向它们的代理。五个子进程往同一个列表里追加，再往同一个字典里设置键。"
    ),
    "pool": (
        "一个有 5 个工作进程、47 个任务的 Pool：apply() 依次等待每个任务，"
        "apply_async() 一次把它们全部交出去。把每个阶段的耗时和它的理论值比较一下。"
    ),
    "yield": (
        "从进程转到协程。生成器是最简单的协程：生产者 send()，消费者恢复运行，"
        "在同一个线程上严格轮流，节省不了任何时间。"
    ),
    "greenlet": (
        "greenlet 靠手动切换：跟着 ok1 到 ok4 在 foo 和 bar 之间跳转，"
        "然后看参数只在第一次 switch 时传入。"
    ),
    "gevent": (
        "只要 greenlet 在等待 gevent 能识别的东西（比如 gevent.sleep），gevent 就会自动切换："
        "一次 4 秒和一次 2 秒的睡眠（按比例缩短）总共用 4 秒，而不是 6 秒。"
    ),
    "gevent-crawler": (
        "文章的爬虫，对着一个本地 web 服务器：同样的页面先一个接一个地抓取，"
        "再在 monkey.patch_all() 之后由 gevent 一次全部抓取。"
    ),
    "event-loop": (
        "最后是底层的事件循环：gevent 用的是哪个 libev 后端，"
        "以及为什么文章中的 LIBEV_FLAGS 已经选不了它（GEVENT_BACKEND 才行）。"
    ),
}


def _key(variant: Variant) -> str:
    return f"{variant.scenario}/{variant.name}"


def scenario_text(scenario: Scenario, lang: str) -> tuple[str, str]:
    """(title, summary) in ``lang``; English where there is no translation."""
    zh = SCENARIOS_ZH.get(scenario.name) if lang == "zh" else None
    if zh is None:
        return scenario.title, scenario.summary
    return zh["title"], zh["summary"]


def variant_text(variant: Variant, lang: str) -> tuple[str, str]:
    """(title, explanation) in ``lang``; English where there is no translation."""
    zh = VARIANTS_ZH.get(_key(variant)) if lang == "zh" else None
    if zh is None:
        return variant.title, variant.explanation
    return zh["title"], zh["explanation"]


def variant_notes(variant: Variant, lang: str) -> dict[str, str]:
    """Every note of the variant (start method or "*" -> text), as `show --variant` lists them."""
    if lang != "zh" or not variant.notes:
        return dict(variant.notes)
    zh = NOTES_ZH.get(_key(variant), {})
    return {method: zh.get(method, note) for method, note in variant.notes.items()}


def variant_note(variant: Variant, start_method: str, lang: str) -> str:
    """The note shown after a run under ``start_method`` (like ``Variant.note``), in ``lang``."""
    notes = variant_notes(variant, lang)
    return notes.get(start_method) or notes.get("*", "")


def narration_text(scenario: Scenario, english: str, lang: str) -> str:
    """The tour's word before ``scenario``: ``english`` unless Chinese is asked and known."""
    if lang == "zh" and scenario.name in NARRATION_ZH:
        return NARRATION_ZH[scenario.name]
    return english
