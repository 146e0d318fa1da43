"""The labelled synthetic district generator (shipped in the package as groupbot.synthetic).

Run: python -m tests.bench.district --groups N [--seed S] [--csv out.csv]
"""

from groupbot.synthetic import *  # noqa: F403 - this module is the generator's old home
from groupbot.synthetic import main

if __name__ == "__main__":
    main()
