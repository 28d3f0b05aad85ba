"""Stands in for the get-pip script ansible-test downloads from ci-files.testing.ansible.com
(a host CI machines may not reach) when it bootstraps pip into its sanity venvs: pip comes
from the standard library's ensurepip, then the packages ansible-test asked for (its pinned
pip) from the package index. ansible-test runs this file as __main__ with get-pip's arguments.
"""

import subprocess
import sys

# In a process of its own: ensurepip points PIP_CONFIG_FILE at /dev/null in its environment,
# and the install below must read pip's configuration (an index, a CA bundle).
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"], stdout=subprocess.DEVNULL)
# get-pip's own switches; pip install has no such options.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *args])
