"""Chinese (zh) for the gevent scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py gevent KEY --write`.
"""

TEXTS = {
    "title": ("049ad636", "gevent：协作式 sleep、猴子补丁、joinall 超时、DNS、CPU 密集型任务"),
    "summary": ("fb4a291d", "gevent 在事件循环（Linux 上是 libev）上运行 greenlet：当一个 greenlet 等待 gevent 能识别的东西（gevent.sleep、打过补丁的 socket）时，gevent 就切换到另一个 greenlet。它不能识别的阻塞调用（未打补丁的 time.sleep、CPU 计算）仍然会让该线程上的所有 greenlet 停下。文章中的时间（sleep 4 秒和 2 秒、joinall 超时 2 秒）都乘以 `scale`；用 --param scale=1 可恢复原值。"),
    "param/scale": ("04c9517e", "文章中时间的倍数（sleep 4 秒、2 秒；joinall 超时 2 秒）；1 = 原值"),
    "param/loops": ("3c817712", "cpu-bound 中每个任务的 CPU 计算循环次数（每个核心一个任务）"),
    "variant/sleep/title": ("b096d949", "gevent.sleep 是协作式的：foo 睡 4 秒，bar 睡 2 秒，总共用 4 秒而不是 6 秒。"),
    "variant/sleep/explanation": ("8093d079", "joinall 启动了两个 greenlet。foo 打印 ok1 后去睡眠；gevent.sleep 把控制权交给事件循环，事件循环运行了 bar：ok2。bar 的睡眠较短，先结束（ok4），foo 的后结束（ok3）。两次等待相互重叠，所以总耗时是较长的那次睡眠，而不是两者之和。spawn(fn, *args, **kwargs) 把参数（这里是缩放后的睡眠时间）传给各自的函数，每个 greenlet 的返回值都放在它的 .value 里。"),
    "variant/monkey/title": ("54ce8131", "time.sleep 只有在 monkey.patch_all() 之后才会协作：未打补丁时累加，打了补丁后重叠。"),
    "variant/monkey/explanation": ("f05c70f1", "同样的 foo 和 bar，用标准的 time.sleep 睡眠，运行了两次。第一次在一个单独的、未打补丁的进程里：gevent 看不到 time.sleep 内部，所以 foo 阻塞了整个线程（bar 连 ok2 都打印不出来），总耗时是两次睡眠之和，顺序为 ok1 ok3 ok2 ok4。然后在本进程里，它在导入任何其他东西之前就调用了 monkey.patch_all()：time.sleep 现在就是 gevent.sleep，等待相互重叠，总耗时是较长的那次睡眠，顺序为 ok1 ok2 ok4 ok3。这两半需要两个进程，因为补丁作用于整个进程，而且无法撤销。"),
    "variant/late-patch/title": ("279be90a", "补丁必须最先打：在 patch_all() 之前导入的 sleep 仍然会阻塞。"),
    "variant/late-patch/explanation": ("8a1bbaa6", "`from time import sleep` 在 monkey.patch_all() 之前执行，所以本模块中的名字 `sleep` 仍然指向原来那个阻塞的函数。补丁替换了 time 模块里的 time.sleep，但够不着其他模块早先复制出去的名字。因此 foo 的 sleep 阻塞了整个线程，bar 只能等它，总耗时是两次睡眠之和，就像什么补丁都没打一样。这就是文章说要把补丁放到文件的开头、放在 time、socket 以及任何导入它们的模块之前的原因。"),
    "variant/joinall-timeout/title": ("4b1b7231", "joinall(jobs, timeout=2) 到时即返回，不抛出异常；结果在 job.value 中。"),
    "variant/joinall-timeout/explanation": ("7cd64a83", "三次查询作为 greenlet 运行，就像文章中 gethostbyname 的例子。'localhost' 立刻从 /etc/hosts 得到结果，地址在 .value 中。一个格式错误的名字查询失败了：那个 greenlet 死掉了，joinall 并没有抛出异常，错误留在那个 job 的 .exception 里（它的 .value 是 None）。第三次查询比超时还慢：时间一到，joinall 就直接返回，让它继续运行，.value 为 None，看上去和“没有结果”完全一样。joinall 返回已经完成的 job；剩下的会一直运行，直到你 kill 它，所以脚本在退出前 kill 了它。"),
    "variant/dns/title": ("c8baf55f", "gevent.socket.gethostbyname 不会阻塞其他 greenlet：一个计时器一直在滴答。"),
    "variant/dns/explanation": ("82f8a2f9", "文章解析的是 www.google.com.hk 等名字；这里离线运行，所以解析的是 /etc/hosts 中的名字，外加一个不存在的名字。gevent 把每次查询交给它的解析器（在 Linux 上默认是一个运行系统 getaddrinfo 的原生线程池），所以在查询等待时，事件循环继续运行其他 greenlet：计时器一拍也没漏。那个不存在的名字以 socket.gaierror 失败，错误落在那个 job 的 .exception 中，而没有让程序停下；joinall 没有抛出异常。从 /etc/hosts 查询只需几毫秒；面对一个很慢的 DNS 服务器，计时器也会在每次查询期间一直滴答下去。"),
    "variant/cpu-bound/title": ("8044fbda", "greenlet 用不上第二个核心：CPU 密集型工作用 greenlet 毫无收益，用进程则加速约等于核心数。"),
    "variant/cpu-bound/explanation": ("0d9b4264", "每个核心一个任务（最多四个），做同样的纯 Python 算术：先单独运行一次（耗时 t），再作为 greenlet 和作为进程各跑三轮。作为 greenlet 时，任务一个接一个地运行：CPU 计算从不等待 I/O，所以 greenlet 从不让出控制权，时间线上的任务条互不重叠，总耗时约为 n·t。作为进程时（一个 multiprocessing Pool，每个任务一个工作进程），每个任务都有自己的核心，总耗时又约为 t。协程是用来等待的，不是用来计算的：要利用多核就需要多个进程（文章说：一个程序开启多个进程，每个进程内开启多个线程，每个线程内开启协程）。加速需要空闲的核心；其他程序让核心一直忙碌时，进程的收益会变小，所以取最好的一轮，检验结果中还会报告系统负载（load average）。"),
    "tour": ("cda5f7c3", "只要 greenlet 在等待 gevent 能识别的东西（比如 gevent.sleep），gevent 就会自动切换：一次 4 秒和一次 2 秒的睡眠（按比例缩短）总共用 4 秒，而不是 6 秒。"),
}
