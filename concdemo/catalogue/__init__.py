"""What can be run and what is said about it: the scenarios and their parameters
(and checks on their values), a user's script as a target, the plan of runs,
the article's claims and concdemo's verdicts on them."""
