"""`olvm-dr mapping normalize` writes files that Ansible's YAML loader (PyYAML safe_load) reads
back to the values the role uses, for every mapping fixture."""

import datetime

import pytest
import yaml

from conftest import FIXTURES, ROOT

MAPPINGS = sorted(
    [FIXTURES / "mapping" / "generated.yml", FIXTURES / "mapping" / "tricky.yml", ROOT / "examples" / "disaster_recovery_vars.yml"]
    + list((FIXTURES / "mapping" / "filled").glob("*.yml"))
)

INT_KEYS = {"dr_critical_space_action_blocker", "dr_warning_low_space", "dr_primary_port", "dr_secondary_port",
            "primary_logical_unit_port", "secondary_logical_unit_port"}
BOOL_KEYS = {"dr_wipe_after_delete", "dr_backup", "dr_discard_after_delete", "dr_primary_master_domain",
             "dr_secondary_master_domain", "wipe_after_delete", "shareable", "dr_sites_primary_insecure",
             "dr_sites_secondary_insecure"}
LIST_KEYS = {"dr_primary_target", "dr_secondary_target"}
# Keys whose values olvm-dr reads (everything else is kept exactly as written).
MODELLED_LISTS = {"dr_import_storages", "dr_cluster_mappings", "dr_affinity_group_mappings", "dr_affinity_label_mappings",
                  "dr_domain_mappings", "dr_role_mappings", "dr_network_mappings", "dr_lun_mappings"}
ANSIBLE_TRUE = {"y", "yes", "on", "1", "true", "t"}


def python_text(value):
    """What an Ansible module receives for a text option: Python's str() of the YAML value."""
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def ansible_bool(value):
    if value is None or isinstance(value, bool):
        return value
    return str(value).lower() in ANSIBLE_TRUE


def normalize_entry(entry):
    """The values the role uses for one mapping entry, by each key's type."""
    entry = dict(entry)
    if "dr_master_domain" in entry:  # the old spelling applies to both sites
        legacy = entry.pop("dr_master_domain")
        for site in ("primary", "secondary"):
            entry.setdefault(f"dr_{site}_master_domain", legacy)
    out = {}
    for key, value in entry.items():
        if key in INT_KEYS:
            out[key] = None if value is None else int(value)
        elif key in BOOL_KEYS:
            out[key] = ansible_bool(value)
        elif key in LIST_KEYS:
            out[key] = [value] if isinstance(value, str) else value
        elif hasattr(value, "_ciphertext") or type(value).__name__ == "AnsibleVaultEncryptedUnicode":
            out[key] = str(value._ciphertext)
        else:
            out[key] = python_text(value)
    return out


def normalize(doc):
    out = {}
    for key, value in doc.items():
        if key in MODELLED_LISTS:
            out[key] = None if value is None else [normalize_entry(e) for e in value]
        elif key.startswith("dr_sites_"):
            out[key] = ansible_bool(value) if key in BOOL_KEYS else python_text(value)
        else:
            out[key] = value
    return out


class VaultLoader(yaml.SafeLoader):
    """SafeLoader plus Ansible's `!vault` tag (kept as its envelope text)."""


VaultLoader.add_constructor("!vault", lambda loader, node: "VAULT:" + loader.construct_scalar(node).strip())


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=VaultLoader)  # noqa: S506 - SafeLoader subclass


def normalize_vault(doc):
    """Envelopes compare by their hex lines, whatever the indentation."""
    if isinstance(doc, dict):
        return {k: normalize_vault(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [normalize_vault(v) for v in doc]
    if isinstance(doc, str) and doc.startswith("VAULT:"):
        return "VAULT:" + "".join(line.strip() for line in doc[6:].splitlines())
    return doc


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.name)
def test_normalized_file_loads_to_the_same_values(path, olvm_dr, tmp_path):
    out = tmp_path / "normalized.yml"
    result = olvm_dr("mapping", "normalize", path, "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    original = normalize_vault(normalize(load(path)))
    saved = normalize_vault(load(out))
    assert normalize(saved) == original
    # Values that PyYAML types (booleans, numbers) keep their type where olvm-dr models them.
    assert saved == normalize(saved), "the saved file needs no interpretation"


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.name)
def test_normalizing_twice_changes_nothing(path, olvm_dr, tmp_path):
    first, second = tmp_path / "1.yml", tmp_path / "2.yml"
    assert olvm_dr("mapping", "normalize", path, "-o", first).returncode == 0
    assert olvm_dr("mapping", "normalize", first, "-o", second).returncode == 0
    assert first.read_text() == second.read_text()


def test_placeholders_stay_placeholders(olvm_dr, tmp_path):
    out = tmp_path / "g.yml"
    assert olvm_dr("mapping", "normalize", FIXTURES / "mapping" / "generated.yml", "-o", out).returncode == 0
    text = out.read_text()
    assert "  dr_secondary_name: # data1\n" in text
    assert load(out)["dr_import_storages"][0]["dr_secondary_name"] is None
