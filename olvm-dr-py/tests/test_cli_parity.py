"""A failover of the small world from Python gives the report the olvm-dr command gives.

Three identically seeded small worlds lose their primary the same way. The command fails
over the first through a simulator (HTTP, its lab's mapping and passwords files); Python fails
over the second through a simulator too (RestEngine, the same kind of files), and the third
in-process through its FakeEngines. Everything in the reports that does not depend on timing
must be equal: the verdict, every VM's registration, start and up outcomes, every storage
domain and template, every step's outcome, the step counts, the verification. Ids are the
same because the worlds are built from the same seed.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
from typing import Any

import olvm_dr
from olvm_dr.testing import World, start_simulator

SEED = 1


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The parts of a report that do not depend on timing, transport or run id."""
    verification = dict(report["verification"] or {})
    return {
        "kind": report["kind"],
        "target": report["target"],
        "verdict": report["verdict"],
        "counts": report["counts"],
        "vms": sorted(
            (v["site"], v["name"], v["id"], v["registered"], v["started"], v["up"], v["stopped"])
            for v in report["vms"]
        ),
        "storage_domains": sorted((d["site"], d["name"], d["id"], d["outcome"]) for d in report["storage_domains"]),
        "templates": sorted((t["site"], t["name"], t["id"], t["outcome"]) for t in report["templates"]),
        "steps": sorted((s["id"], s["phase"], s["site"], s["outcome"]) for s in report["steps"]),
        "verification": verification,
    }


def test_python_failover_of_the_small_world_matches_the_command(cli: pathlib.Path, tmp_path: pathlib.Path) -> None:
    by_command = World("small", seed=SEED)
    with start_simulator(by_command, dir=tmp_path / "lab-cli") as lab:
        by_command.lose("primary")
        done = subprocess.run(
            [
                str(cli),
                "failover",
                "--mapping", lab.mapping_file,
                "--passwords", lab.passwords_file,
                "--state-dir", str(tmp_path / "state-cli"),
                "--yes",
                "--no-progress",
                "--output", "json",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, done.stderr
    command = json.loads(done.stdout)

    over_http = World("small", seed=SEED)
    with start_simulator(over_http, dir=tmp_path / "lab-py") as lab:
        over_http.lose("primary")
        python_http = olvm_dr.failover(lab.mapping(), lab.engines(), state_dir=tmp_path / "state-py")

    in_process = World("small", seed=SEED)
    in_process.lose("primary")
    python_fake = olvm_dr.failover(in_process.mapping(), in_process.engines())

    assert command["verdict"] == "success"
    assert comparable(python_http.to_dict()) == comparable(command)
    assert comparable(python_fake.to_dict()) == comparable(command)
    # And the worlds ended in the same state.
    for w in (over_http, in_process):
        assert sorted((v.name, v.status, v.cluster) for v in w.vms("secondary")) == sorted(
            (v.name, v.status, v.cluster) for v in by_command.vms("secondary")
        )
