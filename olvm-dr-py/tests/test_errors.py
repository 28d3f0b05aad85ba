"""The exception classes: the hierarchy, the built-in bases, their attributes, and which
failure raises which."""

from __future__ import annotations

import pickle

import pytest

import olvm_dr
from olvm_dr import exceptions
from olvm_dr.testing import World

KINDS = {
    "not_found": exceptions.NotFoundError,
    "conflict": exceptions.ConflictError,
    "invalid_state": exceptions.InvalidStateError,
    "locked": exceptions.LockedError,
    "lease_held": exceptions.LeaseHeldError,
    "unauthenticated": exceptions.AuthenticationError,
    "forbidden": exceptions.ForbiddenError,
    "bad_request": exceptions.BadRequestError,
    "timeout": exceptions.EngineTimeoutError,
    "unavailable": exceptions.EngineUnavailableError,
    "internal": exceptions.EngineInternalError,
    "protocol": exceptions.ProtocolError,
    "unsupported": exceptions.UnsupportedError,
    # Nothing answered: the same class as a proxy's 503, for code that catches "cannot reach".
    "unreachable": exceptions.EngineUnavailableError,
    # No class of its own: the base class.
    "certificate": exceptions.EngineError,
}


def test_every_class_derives_from_the_base_and_is_exported() -> None:
    for name in exceptions.__all__:
        cls = getattr(exceptions, name)
        assert issubclass(cls, exceptions.OlvmDrError), name
        assert getattr(olvm_dr, name) is cls, name
    assert issubclass(exceptions.OlvmDrError, Exception)
    for cls in KINDS.values():
        assert issubclass(cls, exceptions.EngineError)
    assert issubclass(exceptions.NotFoundError, LookupError)
    assert issubclass(exceptions.EngineTimeoutError, TimeoutError)
    assert issubclass(exceptions.ConfigurationError, ValueError)
    assert issubclass(exceptions.FileError, OSError)
    assert set(KINDS.values()) | {
        exceptions.OlvmDrError,
        exceptions.EngineError,
        exceptions.ConfigurationError,
        exceptions.FileError,
        exceptions.ValidationError,
        exceptions.PlanningError,
        exceptions.RunStateError,
    } == {getattr(exceptions, n) for n in exceptions.__all__}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_engine_failure_kind_raises_its_class(world: World, kind: str) -> None:
    world.fail_next("primary", "api_info", kind=kind, detail=f"[Injected {kind} fault.]")
    with pytest.raises(KINDS[kind]) as e:
        world.engine("primary").api_info()
    err = e.value
    assert isinstance(err, exceptions.EngineError) and isinstance(err, olvm_dr.OlvmDrError)
    assert err.kind == kind and err.operation == "api_info"
    assert err.fault_reason == "Operation Failed" and err.fault_detail == f"[Injected {kind} fault.]"
    assert f"[Injected {kind} fault.]" in str(err), "the Engine's fault text is in the message"
    assert err.retryable == (
        kind in ("locked", "lease_held", "timeout", "unavailable", "unreachable")
    )
    assert pickle.loads(pickle.dumps(err)).args == err.args


def test_not_found_is_a_lookup_error_and_timeout_a_timeout_error(world: World) -> None:
    world.fail_next("secondary", "api_info", kind="not_found")
    with pytest.raises(LookupError):
        world.engine("secondary").api_info()
    world.fail_next("secondary", "api_info", kind="timeout")
    with pytest.raises(TimeoutError):
        world.engine("secondary").api_info()


def test_an_http_status_picks_the_kind_as_a_rest_client_would(world: World) -> None:
    world.fail_next("primary", "api_info", status=409, detail="[Cannot detach Storage. The relevant Storage Domain's status is Active.]")
    with pytest.raises(exceptions.InvalidStateError) as e:
        world.engine("primary").api_info()
    assert e.value.http_status == 409
    with pytest.raises(olvm_dr.ConfigurationError, match="kind= or status="):
        world.fail_next("primary", "api_info")
    with pytest.raises(olvm_dr.ConfigurationError, match="unknown error kind"):
        world.fail_next("primary", "api_info", kind="meltdown")
    with pytest.raises(olvm_dr.ConfigurationError, match="not an Engine operation"):
        world.fail_next("primary", "reboot_everything", kind="conflict")


def test_a_dark_site_is_unavailable(lost: World) -> None:
    with pytest.raises(exceptions.EngineUnavailableError) as e:
        lost.engine("primary").api_info()
    assert e.value.retryable


def test_planning_errors_name_the_site_and_the_place(lost: World, mapping: olvm_dr.Mapping) -> None:
    text = mapping.to_yaml().replace("dr_secondary_dc_name: dr-dc1", "dr_secondary_dc_name: nowhere-dc")
    m = olvm_dr.Mapping.from_yaml(text, "vars.yml")
    with pytest.raises(olvm_dr.PlanningError) as e:
        olvm_dr.plan_failover(m, lost.engines())
    assert e.value.diagnostics
    d = e.value.diagnostics[0]
    assert d.site == "secondary" and d.file == "vars.yml" and d.line and "nowhere-dc" in d.message
    assert "nowhere-dc" in str(e.value)
    # An Engine that cannot be read while planning raises its kind, with the site.
    lost.fail_next("secondary", "storage_domains", kind="forbidden", detail="[User is not authorized.]")
    with pytest.raises(exceptions.ForbiddenError) as f:
        olvm_dr.plan_failover(mapping, lost.engines())
    assert f.value.site == "secondary" and "cannot read the secondary site" in str(f.value)


def test_a_mapping_with_errors_is_refused_before_any_engine_call(world: World, mapping: olvm_dr.Mapping) -> None:
    text = mapping.to_yaml().replace("dr_secondary_name: nfs-data1", "dr_secondary_name:", 1)
    m = olvm_dr.Mapping.from_yaml(text, "vars.yml")
    calls = world.calls("secondary")
    with pytest.raises(olvm_dr.ValidationError) as e:
        olvm_dr.failover(m, world.engines())
    assert world.calls("secondary") == calls
    assert e.value.diagnostics[0].is_error
    assert "dr_secondary_name" in str(e.value)


def test_configuration_errors(world: World, mapping: olvm_dr.Mapping) -> None:
    with pytest.raises(olvm_dr.ConfigurationError, match="no connection"):
        olvm_dr.plan_failover(mapping, {"primary": world.engine("primary")})
    with pytest.raises(ValueError, match="unknown site"):
        world.engine("tertiary")
    with pytest.raises(olvm_dr.ConfigurationError, match="unknown world size"):
        World("huge")  # type: ignore[arg-type]
    with pytest.raises(olvm_dr.ConfigurationError, match="latency"):
        World(latency="glacial")  # type: ignore[arg-type]
    with pytest.raises(olvm_dr.ConfigurationError, match="seconds"):
        world.set_lease_timeout(-1)
