"""Many runs, one answer: ``compare`` times variants over repeated fresh runs, ``verify``
judges every claim per start method, ``busy`` says whether the machine let a timing be
judged at all. The results are plain data classes; views and JSON documents are made
from them higher up (``concdemo.render``, ``concdemo.commands.report``)."""
