"""Mapping: load, typed read access, save, validate (offline and online), connect."""

from __future__ import annotations

import pathlib

import pytest

import olvm_dr
from olvm_dr.testing import Simulator, World

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "disaster_recovery_vars.yml"


def test_load_reads_every_part_of_the_file(world: World, mapping_file: pathlib.Path) -> None:
    m = olvm_dr.Mapping.load(mapping_file)
    assert m.path == str(mapping_file)
    assert len(m.sha256) == 64
    assert not m.has_errors
    facts = world.facts()

    primary = m.site("primary")
    assert primary.site == "primary"
    assert primary.url == "http://primary.fake.invalid/ovirt-engine/api"
    assert primary.username == "admin@internal"
    assert primary.ca_file is None and not primary.insecure and not primary.has_password
    assert set(m.sites) == {"primary", "secondary"}
    assert m.sites["secondary"].url == m.site("SECONDARY").url

    names = {(s.primary.name, s.secondary.name) for s in m.storages}
    assert names == {(d["name"], d["name"]) for d in facts["domains"]}
    by_type = {s.type: s for s in m.storages}
    assert set(by_type) == {"nfs", "iscsi", "fcp"}
    nfs = by_type["nfs"]
    assert nfs.primary.address and nfs.primary.path and nfs.secondary.address
    assert nfs.domain_type == "data" and nfs.domain_id is None
    assert nfs.site("secondary").dc_name == nfs.secondary.dc_name
    iscsi = by_type["iscsi"]
    assert iscsi.domain_id and iscsi.secondary.port == 3260
    assert iscsi.secondary.targets and iscsi.secondary.has_password
    # Every data center has one master on each side.
    for side in ("primary", "secondary"):
        masters = [s for s in m.storages if s.site(side).master]
        assert len({s.site(side).dc_name for s in masters}) == len(masters)

    pairs = {(c["from"], c["to"]) for c in facts["mappings"]["clusters"]}
    assert set(m.cluster_mappings) == pairs
    assert set(m.role_mappings) == {(r["from"], r["to"]) for r in facts["mappings"]["roles"]}
    assert len(m.affinity_group_mappings) == len(facts["mappings"]["affinity_groups"])
    assert len(m.affinity_label_mappings) == len(facts["mappings"]["affinity_labels"])
    assert len(m.domain_mappings) == len(facts["mappings"]["authz_domains"])

    profiles = {(p["primary"]["name"], p["secondary"]["name"]) for p in facts["mappings"]["vnic_profiles"]}
    assert {(n.primary.profile_name, n.secondary.profile_name) for n in m.network_mappings} == profiles
    assert all(n.secondary.network_dc for n in m.network_mappings)
    assert m.network_mappings[0].site("primary").network_name == m.network_mappings[0].primary.network_name

    (lun,) = m.lun_mappings
    assert lun.alias == facts["luns"][0]["alias"]
    assert lun.primary.logical_unit_id == facts["luns"][0]["primary"]["lun"]["lun_id"]
    assert lun.site("secondary").logical_unit_id == facts["luns"][0]["secondary"]["lun"]["lun_id"]
    assert "Mapping" in repr(m) and "3 storage domain(s)" in repr(m)


def test_typed_access_never_gives_out_a_password(mapping: olvm_dr.Mapping) -> None:
    chap = [line.split(": ", 1)[1] for line in mapping.to_yaml().splitlines() if "password:" in line]
    assert chap, "the world has CHAP passwords"
    seen: list[object] = [mapping.sites, mapping.storages, mapping.lun_mappings]
    for s in mapping.storages:
        seen += [s.primary, s.secondary, vars(type(s.primary))]
    for lun in mapping.lun_mappings:
        seen += [lun.primary, lun.secondary]
    text = " ".join(repr(x) for x in seen)
    text += " ".join(str(getattr(s.secondary, a)) for s in mapping.storages for a in dir(s.secondary) if not a.startswith("_"))
    for p in chap:
        assert p not in text


def test_save_round_trips_and_to_yaml_is_what_is_saved(mapping: olvm_dr.Mapping, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "out" / "vars.yml"
    path.parent.mkdir()
    mapping.save(path)
    assert path.read_text() == mapping.to_yaml()
    again = olvm_dr.Mapping.load(path)
    assert again.to_yaml() == mapping.to_yaml()
    assert again.sha256 == mapping.sha256
    with pytest.raises(olvm_dr.FileError) as e:
        mapping.save(tmp_path / "missing-dir" / "vars.yml")
    assert isinstance(e.value, OSError) and e.value.errno is not None


def test_from_yaml_keeps_positions_and_names_the_file() -> None:
    text = "dr_sites_primary_url: https://e1/ovirt-engine/api\ndr_sites_secondary_url: # https://e1/ovirt-engine/api\n"
    m = olvm_dr.Mapping.from_yaml(text, "vars.yml")
    assert m.path == "vars.yml"
    assert m.site("secondary").url is None
    found = olvm_dr.validate(m, check_ca_files=False)
    not_filled = [d for d in found if d.key == "dr_sites_secondary_url"]
    assert not_filled and not_filled[0].line == 2 and not_filled[0].file == "vars.yml"
    assert not_filled[0].is_error and not_filled[0].hint


def test_load_errors() -> None:
    with pytest.raises(olvm_dr.FileError) as e:
        olvm_dr.Mapping.load("/nonexistent/vars.yml")
    assert e.value.filename == "/nonexistent/vars.yml"
    assert isinstance(e.value, OSError) and isinstance(e.value, olvm_dr.OlvmDrError)
    with pytest.raises(olvm_dr.ValidationError) as v:
        olvm_dr.Mapping.from_yaml("- just\n- a list\n")
    assert v.value.diagnostics and v.value.diagnostics[0].is_error
    with pytest.raises(olvm_dr.ValidationError) as v:
        olvm_dr.Mapping.from_yaml("dr_sites_primary_url: [unclosed\n", "vars.yml")
    (syntax,) = v.value.diagnostics
    assert (syntax.file, syntax.line, syntax.column) == ("vars.yml", 1, 23)
    assert "vars.yml:1:23" in str(v.value)


def test_loading_findings_are_diagnostics(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "vars.yml"
    path.write_text("dr_sites_primary_urll: https://e1/ovirt-engine/api\n")
    m = olvm_dr.Mapping.load(path)
    unknown = [d for d in m.diagnostics if "dr_sites_primary_url" in (d.hint or "") + d.message]
    assert unknown, m.diagnostics
    d = unknown[0]
    assert (d.file, d.line, d.column) == (str(path), 1, 1)
    assert d.code.startswith("DR")
    as_dict = d.to_dict()
    assert as_dict["code"] == d.code and as_dict["line"] == 1 and as_dict["message"] == d.message
    assert d.code in str(d) and d.code in repr(d)


def test_validate_offline_of_the_example_and_of_a_path(tmp_path: pathlib.Path) -> None:
    found = olvm_dr.validate(EXAMPLE)
    assert all(isinstance(d, olvm_dr.Diagnostic) for d in found)
    # The same findings from a loaded mapping.
    assert [str(d) for d in olvm_dr.validate(olvm_dr.Mapping.load(EXAMPLE))] == [str(d) for d in found]
    # A path whose text is not a mapping gives diagnostics, not an exception.
    path = tmp_path / "list.yml"
    path.write_text("- a\n- b\n")
    assert any(d.is_error for d in olvm_dr.validate(path))
    with pytest.raises(olvm_dr.FileError):
        olvm_dr.validate(tmp_path / "missing.yml")
    with pytest.raises(TypeError):
        olvm_dr.validate(42)  # type: ignore[arg-type]


def test_validate_sorts_by_position_and_flags_errors(mapping: olvm_dr.Mapping) -> None:
    text = mapping.to_yaml().replace("dr_secondary_name: nfs-data1", "dr_secondary_name:", 1)
    m = olvm_dr.Mapping.from_yaml(text, "vars.yml")
    found = olvm_dr.validate(m)
    errors = [d for d in found if d.is_error]
    assert errors and errors[0].key == "dr_import_storages[0].dr_secondary_name"
    lines = [d.line for d in found if d.line is not None]
    assert lines == sorted(lines)


def test_validate_online_against_the_world(world: World, mapping: olvm_dr.Mapping) -> None:
    found = olvm_dr.validate(mapping, offline=False, engines=world.engines())
    assert not [d for d in found if d.is_error], found
    # A cluster mapping to a cluster the secondary does not have.
    secondary_cluster = mapping.cluster_mappings[0][1]
    assert secondary_cluster
    text = mapping.to_yaml().replace(f"secondary_name: {secondary_cluster}\n", "secondary_name: no-such-cluster\n", 1)
    bad = olvm_dr.Mapping.from_yaml(text, "vars.yml")
    found = olvm_dr.validate(bad, offline=False, engines=world.engines())
    missing = [d for d in found if d.is_error and "no-such-cluster" in d.message]
    assert missing and missing[0].site == "secondary" and missing[0].line
    with pytest.raises(olvm_dr.ConfigurationError):
        olvm_dr.validate(mapping, offline=False)


def test_validate_online_tells_a_stale_ovf_store(world: World, mapping: olvm_dr.Mapping) -> None:
    def stale(found: list[olvm_dr.Diagnostic]) -> list[olvm_dr.Diagnostic]:
        return [d for d in found if d.code == "DR0815" and d.severity == "warning"]

    assert not stale(olvm_dr.validate(mapping, offline=False, engines=world.engines()))
    domain = world.facts()["domains"][0]["name"]
    assert world.age_ovf_store("primary", domain, 2 * 3600)
    warned = stale(olvm_dr.validate(mapping, offline=False, engines=world.engines()))
    assert len(warned) == 1 and warned[0].site == "primary" and domain in (warned[0].entity or ""), warned
    relaxed = olvm_dr.validate(mapping, offline=False, engines=world.engines(), max_ovf_age_minutes=180)
    assert not stale(relaxed)
    with pytest.raises(ValueError):
        olvm_dr.validate(mapping, offline=False, engines=world.engines(), max_ovf_age_minutes=0)


def test_validate_online_with_the_source_down(lost: World, mapping: olvm_dr.Mapping) -> None:
    strict = olvm_dr.validate(mapping, offline=False, engines=lost.engines())
    assert any(d.is_error and d.site == "primary" for d in strict)
    tolerant = olvm_dr.validate(mapping, offline=False, engines=lost.engines(), source_may_be_down=True)
    assert not [d for d in tolerant if d.is_error and d.site == "primary"]
    before_failback = olvm_dr.validate(mapping, offline=False, engines=lost.engines(), target="primary")
    assert any(d.is_error for d in before_failback)


def test_connect_builds_rest_engines_from_the_passwords_file(simulator: Simulator, tmp_path: pathlib.Path) -> None:
    m = simulator.mapping()
    engines = m.connect(passwords=simulator.passwords_file)
    assert set(engines) == {"primary", "secondary"}
    assert all(isinstance(e, olvm_dr.RestEngine) for e in engines.values())
    assert engines["secondary"].url == simulator.api_url("secondary")
    assert engines["primary"].api_info()["product_name"]
    only = m.connect(simulator.passwords_file, sites=["secondary"])
    assert list(only) == ["secondary"]
    empty = tmp_path / "passwords.yml"
    empty.write_text("dr_sites_primary_password: x\n")
    with pytest.raises(olvm_dr.ConfigurationError, match="dr_sites_secondary_password"):
        m.connect(empty)
    with pytest.raises(olvm_dr.FileError):
        m.connect(tmp_path / "none.yml")
    no_url = olvm_dr.Mapping.from_yaml("dr_sites_primary_username: admin@internal\n")
    with pytest.raises(olvm_dr.ConfigurationError, match="dr_sites_primary_url"):
        no_url.connect(simulator.passwords_file, sites=["primary"])
    with pytest.raises(olvm_dr.ConfigurationError, match="unknown site"):
        m.connect(simulator.passwords_file, sites=["tertiary"])
