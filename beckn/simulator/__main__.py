"""`python -m beckn.simulator`: see beckn.simulator.cli."""

import sys

from beckn.simulator.cli import main

sys.exit(main())
