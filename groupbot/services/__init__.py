"""Use cases: each opens one unit of work, asks the domain, stores the result and commits."""
