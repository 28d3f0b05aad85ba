"""Simulator gaps that are known, tracked in docs/simulator.md ("What it does not model yet"),
and that the role runs into. A step whose divergence from olvm-dr is explained by one of them
is an expected failure (xfail) naming the gap, unless OLVM_DR_ROLE_STRICT=1; a divergence no
gap explains fails the step. Each gap is recognised by evidence, never assumed: the Engine's
answer in the role's output, or the simulator's own answer to a probe through the SDK.
Remove a gap here when docs/simulator.md drops its row."""

import os


# (item, what, signature in the role's output or None, probe(conn) -> evidence or None)
GAPS = [
    # None known at present: every gap the role ran into is modelled.
]


def strict():
    return os.environ.get("OLVM_DR_ROLE_STRICT") == "1"


def present(output="", conn=None):
    """The known gaps the evidence shows: [(item, what, evidence)]."""
    found = []
    for item, what, signature, probe in GAPS:
        if signature is not None and signature in output:
            found.append((item, what, f"role output: {signature}"))
            continue
        if probe is not None and conn is not None:
            evidence = probe(conn)
            if evidence:
                found.append((item, what, f"probe: {evidence}"))
    return found
