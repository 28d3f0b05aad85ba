"""The storage administrator of a lab's drill, as a storage-ready command: at each gate
(OLVM_DR_GATE) the replication change the arrays would make, through the lab's control
endpoint given as the only argument."""

import json
import os
import sys
import urllib.request

ACTIONS = {"split-replication": "split", "resume-replication": "resync"}

gate = os.environ.get("OLVM_DR_GATE", "")
if gate not in ACTIONS:
    sys.exit(f"unexpected gate {gate!r}")
body = json.dumps({"action": ACTIONS[gate], "target": "all"}).encode()
request = urllib.request.Request(sys.argv[1] + "/replication", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=30) as answer:
    print(f"{gate}: replication {ACTIONS[gate]} ({answer.status})")
