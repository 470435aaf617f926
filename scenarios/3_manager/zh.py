"""Chinese (zh) for the manager scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py manager KEY --write`.
"""

TEXTS = {
    "title": ("0adb12ed", "共享数据 Manager：共享的列表和字典、关闭前先 join、丢失的更新"),
    "summary": ("de2c3dbd", "队列和管道传递消息；Manager 共享数据。它启动一个服务进程，真正的列表或字典归它所有，其他每个进程手里只有一个代理（proxy），每个操作都由代理发给服务进程。所以文章说要在 manager 关闭之前 join 子进程，也说应该尽量避免使用共享数据：每次代理操作都是进程之间的一次往返，而 `proxy.value += 1` 是两次往返，中间还可能插进另一个进程。"),
    "param/fixed": ("7af122ee", "no-join：在主进程结束之前 join 子进程（修正的做法）"),
    "param/racers": ("f1ca4e21", "race：对共享计数器做递增的进程数"),
    "param/increments": ("fd9a20f3", "race：每个进程的递增次数"),
    "variant/list/title": ("ec26d6c3", "Manager().list() 是共享的：五个子进程把 i**i 追加到 [11, 22, 33]。"),
    "variant/list/explanation": ("b75dba5a", "列表存放在 manager 的服务进程中；每个子进程拿到的是一个代理，它的 append() 被送到服务进程，所以父进程在 join 所有子进程之后能看到全部八个元素。后五个元素的顺序取决于哪个子进程先到达服务进程。"),
    "variant/dict/title": ("b975135d", "Manager().dict() 是共享的：五个子进程在 {'name': 'bob'} 旁边设置 d[i] = 'a'。"),
    "variant/dict/explanation": ("df1032cb", "和列表一样，字典存放在 manager 的服务进程中，每个子进程的 `d[k] = v` 都通过代理送到那里。join 所有子进程之后，父进程看到六个键：'name' 以及 0 到 4。"),
    "variant/no-join/title": ("88859484", "不 join 子进程，子进程就会失败：父进程结束时 manager 随之关闭。"),
    "variant/no-join/explanation": ("7f64deab", "这是去掉了 join 循环的列表示例。父进程启动五个子进程，立即打印列表（通常还是 [11, 22, 33]），然后走到脚本末尾。退出时，multiprocessing 先关闭 manager 的服务进程，之后才等待子进程，所以当某个子进程终于调用 append() 时，它的代理已经没有可以对话的对象，子进程就此死掉：这里是 FileNotFoundError，因为停止的服务进程删除了它的 socket 文件（如果服务进程在调用中途消失，得到的则是 BrokenPipeError、ConnectionResetError 或 EOFError）。这就是文章说的“必须要join,不然会执行报错”。用 --param fixed=true 再运行一次，先 join：每次 append 都送达，运行正常结束。"),
    "variant/race/title": ("4e4b1370", "多个进程执行 `proxy.value += 1` 会丢失更新；用 manager 的 Lock，计数就准确了。"),
    "variant/race/explanation": ("137d0217", "对代理执行 `counter.value += 1`，是与 manager 服务进程之间的两次往返，先读后写，而另一个进程可能在中间写入：它的那次自增就被覆盖、丢失了。在读和写的外面持有一个 manager 的 Lock，计数就准确了，代价是更多的往返。最后两个阶段对比一次代理操作与在本地对象上做同样操作的耗时：每次代理操作都要 pickle 一个请求、传到服务进程、再等待回答，这就是文章说应该尽量避免使用共享数据的原因。"),
    "tour": ("1e186740", "Manager 共享数据，而不是传递消息：一个服务进程拥有列表和字典，每个子进程持有指向它们的代理。五个子进程往同一个列表里追加，再往同一个字典里设置键。"),
    "check/the dict has 6 keys: 'name' and 0 to 4": ("7a1c96bc", "字典有 6 个键：'name' 以及 0 到 4"),
    "check/the list has 8 items: 11, 22, 33 and i**i for i in 0..4": ("1e840f50", "列表有 8 项：11、22、33，以及 i 从 0 到 4 的 i**i"),
    "check/a proxy operation costs far more than a local one (at least 10\u00d7)": ("f6b53b6b", "一次代理操作的开销远大于一次本地操作（至少 10 倍）"),
    "check/without a lock, increments were lost": ("f85200db", "不加锁时，有递增丢失了"),
    "check/with the Lock the count is exact": ("58679e4f", "加了 Lock 后计数准确"),
}
