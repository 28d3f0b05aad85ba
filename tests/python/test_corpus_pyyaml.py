"""The broken-file corpus against PyYAML itself: files whose expected finding is a YAML error fail
in PyYAML at the same line; the YAML 1.1 surprises load the way olvm-dr says they do."""

import pathlib
import re

import pytest
import yaml

from conftest import FIXTURES

CORPUS = sorted((FIXTURES / "mapping" / "broken").glob("*.yml"))
SYNTAX = {"DR0100", "DR0101", "DR0105"}


def expected(path: pathlib.Path):
    header = path.read_text(encoding="utf-8").splitlines()[0]
    return [(c, int(line)) for c, line in re.findall(r"(DR\d{4})@(\d+)", header)]


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 30


def is_list_item_string(path):
    """`key:value` where a node starts (a list entry, the whole document) is valid YAML: a text,
    not a key. olvm-dr reports it all the same (DR0101)."""
    return "first-key-of-entry" in path.name or "only-line" in path.name


@pytest.mark.parametrize("path", [p for p in CORPUS if {c for c, _ in expected(p)} & SYNTAX and not is_list_item_string(p)], ids=lambda p: p.name)
def test_yaml_errors_are_errors_for_pyyaml_at_the_same_line(path):
    with pytest.raises(yaml.YAMLError) as info:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    e = info.value
    mark = e.context_mark if "simple key" in (e.context or "") else e.problem_mark
    lines = [line for code, line in expected(path) if code in SYNTAX]
    assert mark.line + 1 in lines, f"PyYAML: {e}"


@pytest.mark.parametrize("path", [p for p in CORPUS if not {c for c, _ in expected(p)} & (SYNTAX | {"DR0103", "DR0104"})], ids=lambda p: p.name)
def test_other_broken_files_are_valid_yaml_for_pyyaml(path):
    yaml.safe_load(path.read_text(encoding="utf-8"))


def test_missing_space_where_a_node_starts_is_text_for_pyyaml():
    entry, only = sorted((p for p in CORPUS if is_list_item_string(p)), key=lambda p: "only-line" in p.name)
    assert yaml.safe_load(entry.read_text(encoding="utf-8"))["dr_cluster_mappings"] == ["primary_name:prod_cluster"]
    assert yaml.safe_load(only.read_text(encoding="utf-8")).startswith("dr_sites_primary_url:https")


def test_python_tags_are_refused_by_safe_load():
    path = next(p for p in CORPUS if "python-tag" in p.name)
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, key, value", [("norway-problem", "secondary_name", False), ("octal-name", "secondary_name", 493)])
def test_yaml_1_1_surprises(name, key, value):
    path = next(p for p in CORPUS if name in p.name)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = [e[key] for lst in doc.values() if isinstance(lst, list) for e in lst if isinstance(e, dict) and key in e]
    assert value in values
