"""`python -m concdemo` runs the same CLI as the `concdemo` command."""

from concdemo.cli import main

main()
