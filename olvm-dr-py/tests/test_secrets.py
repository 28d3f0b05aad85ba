"""Secrets stay secret: repr() shows <redacted>, nothing that holds a credential pickles, and
no error message carries a password."""

from __future__ import annotations

import pickle
import re

import pytest

import olvm_dr
from olvm_dr.testing import Simulator, World, start_simulator

PASSWORD = "s3cr3t p@ss&w=rd"


def test_rest_engine_repr_hides_the_password() -> None:
    e = olvm_dr.RestEngine("https://engine.example/ovirt-engine/api", "admin@internal", PASSWORD, insecure=True)
    text = repr(e) + str(e)
    assert PASSWORD not in text
    assert "<redacted>" in repr(e)
    assert repr(e).startswith("RestEngine(url='https://engine.example/ovirt-engine/api', username='admin@internal'")
    assert e.insecure and e.ca_file is None and e.username == "admin@internal"


def test_simulator_repr_hides_the_password(world: World) -> None:
    with start_simulator(world, password=PASSWORD) as sim:
        assert sim.password == PASSWORD
        assert PASSWORD not in repr(sim) and "<redacted>" in repr(sim)
        assert sim.sdk_connection("primary")["password"] == PASSWORD


def test_nothing_with_credentials_pickles(world: World, mapping: olvm_dr.Mapping, simulator: Simulator) -> None:
    holders: list[object] = [
        olvm_dr.RestEngine("https://e/ovirt-engine/api", "admin@internal", PASSWORD),
        world.engine("primary"),
        simulator.engine("secondary"),
        mapping,
        world,
        simulator,
    ]
    for obj in holders:
        with pytest.raises(TypeError, match="cannot be pickled") as e:
            pickle.dumps(obj)
        assert PASSWORD not in str(e.value)


def test_an_authentication_failure_does_not_show_the_password(simulator: Simulator) -> None:
    wrong = olvm_dr.RestEngine(simulator.api_url("primary"), simulator.username, PASSWORD, ca_file=simulator.ca_file)
    with pytest.raises(olvm_dr.AuthenticationError) as e:
        wrong.api_info()
    for text in (str(e.value), repr(e.value), repr(vars(e.value))):
        assert PASSWORD not in text
        assert simulator.password not in text
    assert e.value.kind == "unauthenticated"


def test_validation_messages_never_quote_chap_passwords(mapping: olvm_dr.Mapping) -> None:
    chap = sorted({line.split(": ", 1)[1] for line in mapping.to_yaml().splitlines() if "password:" in line})
    assert chap
    text = re.sub(r"dr_secondary_name: .*", "dr_secondary_name:", mapping.to_yaml())
    broken = olvm_dr.Mapping.from_yaml(text, "vars.yml")
    with pytest.raises(olvm_dr.ValidationError) as e:
        olvm_dr.plan_failover(broken, None)
    shown = str(e.value) + " ".join(str(d) for d in e.value.diagnostics)
    shown += " ".join(str(d) for d in olvm_dr.validate(broken))
    for p in chap:
        assert p not in shown
