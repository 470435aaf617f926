"""The command line and each command's work: ``run``, ``compare``, ``verify``,
``tour``, ``bench``, the picker, the live screens and the JSON documents."""
