"""`python -m concdemo` runs the same CLI as the `concdemo` command."""

from concdemo.commands.cli import main

main()
