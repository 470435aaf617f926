"""Chinese (zh) for the pipe scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py pipe KEY --write`.
"""

TEXTS = {
    "title": ("00f07e5d", "管道 Pipe：全双工与单向连接、EOF、pickle 序列化、字节消息"),
    "summary": ("1fa56e02", "管道就像生活中的管道：两头都能进能出（全双工），除非用 Pipe(False) 把它建成单向的。对象在 send 时被 pickle 序列化，在 recv 时反序列化；recv() 会阻塞，并且只有当另一端在所有进程中的每一份副本都关闭之后，才会抛出 EOFError。"),
    "param/items": ("bb44c83c", "生产者在 producer-consumer 和 forgot-close 中发送的包子数"),
    "variant/duplex/title": ("754c0977", "Pipe() 是全双工的：子进程发送 'hello world'，父进程回复 'hi son'。"),
    "variant/duplex/explanation": ("98be8bc5", "默认 Pipe() 的两端都能发送和接收。子进程在它那一端写入，父进程从另一端读到；然后父进程在它刚才读取的同一端写回，子进程读到了回复。每条消息都作为 pickle 序列化的对象在两个进程之间传递。"),
    "variant/simplex/title": ("bd63fcdf", "Pipe(False) 是单向的：第一端只能接收，第二端只能发送。"),
    "variant/simplex/explanation": ("a075dfd3", "文章把单向管道比作单行道。子进程在第二端发送，父进程在第一端接收。接着父进程试图在它那只能接收的一端发送，multiprocessing 以 OSError（'connection is read-only'）拒绝；从只能发送的一端读取也同样会被拒绝。"),
    "variant/eof/title": ("ee58303b", "recv() 会一直阻塞到有消息到来，另一端关闭后则抛出 EOFError。"),
    "variant/eof/explanation": ("c966249b", "父进程的第一次 recv() 在等子进程，而子进程先睡了一会儿才发送：recv() 会阻塞。子进程关闭了它的那一端之后（父进程也关闭了自己手里那一端的副本，子进程的那一端正是从父进程继承来的），管道里剩下的消息仍然被送达，直到这之后 recv() 才抛出 EOFError。"),
    "variant/pickle/title": ("114b5d58", "send() 用 pickle 序列化对象，recv() 反序列化出一个副本；不能 pickle 的东西就不能发送。"),
    "variant/pickle/explanation": ("7d3978b0", "一个由列表组成的字典传到子进程，再传回来时是一个相等但独立的对象：管道传送的是 pickle 生成的字节，而不是对象本身。lambda 没有可导入的名字，所以 pickle 拒绝了它，send() 在发送进程中抛出 PicklingError，此时还没有任何东西写进管道。"),
    "variant/producer-consumer/title": ("3ab55e1c", "生产者和消费者各自关闭自己不用的管道端，于是消费者收到 EOFError 并停止。"),
    "variant/producer-consumer/explanation": ("e893e3dc", "文章中的包子示例。消费者子进程关闭了生产者的那一端；生产者关闭了消费者的那一端；主进程在生产完之后关闭了自己手里的两份副本。当发送端的最后一份副本在所有进程中都关闭时，消费者的 recv() 抛出 EOFError，循环结束：不需要哨兵值，因为操作系统会对打开的端点进行计数。"),
    "variant/forgot-close/title": ("e712e9df", "忘了关闭不用的管道端，消费者就会永远挂在 recv() 上。"),
    "variant/forgot-close/explanation": ("0e24bd98", "同样的包子示例，只是去掉了 close() 调用。生产者已经结束，但消费者自己仍握着发送端的一份副本，所以管道从未在所有地方都关闭，recv() 一直在等一条只可能来自它自己的消息。主进程在 join() 中等待消费者。concdemo 在挂起超时后停止了这次运行，并询问了每个进程当时停在哪里。"),
    "variant/bytes-maxlength/title": ("19557239", "消息长于 maxlength 时，recv_bytes(maxlength) 抛出 OSError，这一端从此无法再读。"),
    "variant/bytes-maxlength/explanation": ("4ffc70d6", "子进程发送了一条 100 字节的消息；父进程最多只要 10 个字节。multiprocessing 抛出 OSError('bad message length')，并把连接标记为不可读：第二次 recv_bytes() 也失败了，尽管它没有设任何上限。文章称之为 IOError，自 Python 3.3 起它就是 OSError 的别名。"),
    "variant/bytes-into/title": ("9eef5323", "缓冲区太小时，recv_bytes_into(buf) 抛出 BufferTooShort；消息就在 e.args[0] 里。"),
    "variant/bytes-into/explanation": ("4ea6801d", "第一条消息放得进 64 字节的 bytearray，recv_bytes_into() 返回了它的长度，消息写在指定的偏移位置。第二条（32 字节）放不进 8 字节的缓冲区：抛出了 BufferTooShort，但整条消息并没有丢失，而是放在异常里交了出来。"),
    "variant/poll/title": ("e021011a", "poll(timeout) 告诉你数据是否就绪；poll(None) 需要等多久就等多久。"),
    "variant/poll/explanation": ("a9e56f24", "子进程先睡了一会儿才发送。poll(0.2) 大约 0.2 秒后返回 False：数据还没到，也没有消耗掉任何东西。接着 poll(None) 一直等到消息到达并返回 True，recv() 立即读到了它。不带参数的 poll() 根本不等待。"),
    "tour": ("2f5471f5", "接下来是 Pipe：两个相连的端点。duplex 双向发送；producer-consumer 是文章中的包子示例，正是关闭不用的端点，才让消费者看到 EOFError 并停下来。"),
}
