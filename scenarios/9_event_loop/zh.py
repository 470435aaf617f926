"""Chinese (zh) for the event-loop scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py event-loop KEY --write`.
"""

TEXTS = {
    "title": ("bb8e29b8", "事件循环：后端与 LIBEV_FLAGS、各后端下的空闲描述符、FD_SETSIZE"),
    "summary": ("883a8505", "gevent 的 hub 运行一个 libev 循环，用操作系统的某种轮询调用等待 I/O：Linux 上是 select、poll 或 epoll。文章用 LIBEV_FLAGS=1/2/4/8 来选择；如今的 gevent 会忽略这个变量，真正起作用的是 GEVENT_BACKEND（或 gevent.config.libev_backend）。文章推荐 epoll 的理由用真实的 socket 来展示：select 和 poll 每多监视一个空闲描述符就更慢一些，epoll 不会；而且 select 根本无法接受编号为 1024 及以上的描述符。"),
    "param/idle": ("9166039b", "idle-fds 中监视的空闲描述符的最大数目（依次为 10、100、1000……直到 idle）"),
    "variant/backends/title": ("836837da", "LIBEV_FLAGS 已经不能选择 gevent 的后端了：起作用的是 GEVENT_BACKEND。"),
    "variant/backends/explanation": ("e459a185", "每种设置都在一个全新的 Python 进程中运行（循环只在创建 hub 时选定一次），由该进程报告 gevent.get_hub().loop.backend。GEVENT_BACKEND = select、poll 和 epoll 都得到了各自要求的后端。文章的 LIBEV_FLAGS=1（select）和 =2（poll）毫无作用：循环仍然是 epoll，也就是 Linux 上最快的那个，因为 gevent 创建 libev 循环时带有 EVFLAG_NOENV，它让 libev 忽略 LIBEV_FLAGS。请使用环境变量 GEVENT_BACKEND，或者在 hub 存在之前设置 gevent.config.libev_backend，就像本进程最后所做的那样。"),
    "variant/idle-fds/title": ("7ae08d1e", "select 和 poll 每多一个空闲描述符就慢一些；epoll 的开销保持平稳。"),
    "variant/idle-fds/explanation": ("236e8484", "事件循环的每次迭代都做一次等待调用。这里这个调用监视 4 个忙碌的 socket（有数据在等待）外加 10 ... N 个空闲的 socket，对 libev 在 Linux 上能用的三种后端各测一遍。select 和 poll 每次调用都把整个列表交给内核，内核逐个检查每个描述符，所以每次调用的时间随空闲描述符增多而增长。epoll 把监视列表保存在内核中，只返回就绪的描述符，所以它的时间保持平稳：这就是文章在大量连接、其中多数空闲的情况下推荐 epoll 的理由。select 只在所有描述符都小于 FD_SETSIZE（1024）时测量；参见 fd-setsize。"),
    "variant/fd-setsize/title": ("139d7484", "select() 无法监视编号为 1024 及以上的描述符（FD_SETSIZE）；poll 和 epoll 可以。"),
    "variant/fd-setsize/explanation": ("658dad08", "select() 接受 fd_set 位图，而一个 fd_set 只容得下 FD_SETSIZE = 1024 个描述符，编号 0 到 1023：限制的是描述符的编号，而不是监视的数量，所以一个已经打开了上千个文件的繁忙服务器，根本无法对它的下一个 socket 调用 select()。Python 在调用之前就检查这一点，抛出 ValueError('filedescriptor out of range in select()')，而不是越过位图写入。poll() 和 epoll 接受同一个描述符，毫无问题。还有一个意外，在一个子进程中做了检验：gevent 自己的 select 后端（libev）在 Linux 上维护着自己大小的位图，所以它也能应付描述符 1024。"),
    "tour": ("4de9d429", "接着是底层的事件循环：gevent 用的是哪个 libev 后端，以及为什么文章中的 LIBEV_FLAGS 已经选不了它（GEVENT_BACKEND 才行）。"),
    "check/by default the loop uses epoll on Linux": ("ea9f1e1b", "在 Linux 上，循环默认使用 epoll"),
    "check/gevent.config.libev_backend set in code works too": ("9aa6c205", "在代码中设置 gevent.config.libev_backend 也有效"),
    "check/GEVENT_BACKEND={} gives {}": ("6389a8cb", "GEVENT_BACKEND={0} 得到的是 {1}"),
    "check/LIBEV_FLAGS={} (the article: {}) is ignored: still {}": ("d97ca55a", "LIBEV_FLAGS={0}（文章说：{1}）被忽略：仍是 {2}"),
    "check/this process may open descriptor 1024 (RLIMIT_NOFILE)": ("3151ae57", "本进程可以打开描述符 1024（RLIMIT_NOFILE）"),
    "check/descriptors 1023 and 1024 are free": ("2fc2d0cc", "描述符 1023 和 1024 空闲"),
    "check/select() takes descriptor 1023": ("aaca738f", "select() 接受描述符 1023"),
    "check/the message names the problem": ("b780a7de", "消息指出了问题所在"),
    "check/poll() takes descriptor 1024": ("3f62a179", "poll() 接受描述符 1024"),
    "check/epoll takes descriptor 1024": ("9b55ad66", "epoll 接受描述符 1024"),
    "check/gevent's libev select backend copes with descriptor 1024 on Linux": ("b463ebe4", "gevent 的 libev select 后端在 Linux 上能应付描述符 1024"),
    "check/select() refuses descriptor 1024": ("224dc43e", "select() 拒绝描述符 1024"),
    "check/{} slows down with idle descriptors (10 \u2192 {})": ("f36a8206", "空闲描述符增多（10 → {1}）时，{0} 变慢"),
    "check/epoll stays flat with idle descriptors (10 \u2192 {})": ("d11bf803", "空闲描述符增多（10 → {0}）时，epoll 保持不变"),
}
