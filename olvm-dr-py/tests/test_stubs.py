"""The hand-written stubs (_olvm_dr.pyi) and the extension agree: every name in the stubs
exists at runtime and every public runtime name is in the stubs, for the module and for each
class; the package's __all__ lists exist; mypy accepts the example scripts."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import pathlib
import subprocess
import sys

import olvm_dr
import olvm_dr.testing
from olvm_dr import _olvm_dr, exceptions

from conftest import ROOT, need

STUB = pathlib.Path(_olvm_dr.__file__).with_name("_olvm_dr.pyi")
# Dunders a class of the package may define on purpose; others come from `object`.
DUNDERS = {"__init__", "__enter__", "__exit__", "__len__"}


def stub_names() -> tuple[set[str], dict[str, set[str]]]:
    tree = ast.parse(STUB.read_text())
    names: set[str] = set()
    classes: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            classes[node.name] = members
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_") or n == "__version__"}, classes


def runtime_members(cls: type) -> set[str]:
    """A class's own public members; a constructor (pyo3's __new__) counts as __init__, which
    is how the stubs spell it."""
    own = set(vars(cls))
    members = {n for n in own if not n.startswith("_")} | (own & DUNDERS)
    if "__new__" in own:
        members.add("__init__")
    return members


def test_every_stub_name_exists_and_every_runtime_name_is_stubbed() -> None:
    names, classes = stub_names()
    runtime = {n for n in dir(_olvm_dr) if not n.startswith("_") or n == "__version__"}
    assert names - runtime == set(), "in the stubs but not in the extension"
    assert runtime - names == set(), "in the extension but not in the stubs"
    for name, members in classes.items():
        have = runtime_members(getattr(_olvm_dr, name))
        members = {m for m in members if not m.startswith("_") or m in DUNDERS}
        assert members - have == set(), f"{name}: in the stubs but not at runtime"
        assert have - members == set(), f"{name}: at runtime but not in the stubs"


def test_stub_signatures_match_the_functions() -> None:
    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        sig = inspect.signature(getattr(_olvm_dr, node.name))
        a = node.args
        stub = [p.arg for p in a.posonlyargs + a.args] + [p.arg for p in a.kwonlyargs]
        assert stub == list(sig.parameters), node.name
        kwonly = {n for n, p in sig.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        assert kwonly == {p.arg for p in a.kwonlyargs}, node.name


def test_the_package_exports() -> None:
    for module in (olvm_dr, olvm_dr.testing, exceptions):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
    public = {n for n in dir(_olvm_dr) if not n.startswith("_")}
    testing = set(olvm_dr.testing.__all__)
    assert public - testing <= set(olvm_dr.__all__)
    assert set(exceptions.__all__) <= set(olvm_dr.__all__)
    for name in testing:
        obj = getattr(olvm_dr.testing, name)
        if isinstance(obj, type):
            assert obj.__module__ == "olvm_dr.testing", name
    assert olvm_dr.Mapping.__module__ == "olvm_dr"
    assert olvm_dr.__version__ == "0.1.0"


def test_mypy_accepts_the_example_scripts() -> None:
    need(importlib.util.find_spec("mypy") is not None, "mypy is not installed")
    examples = ROOT / "examples" / "python"
    scripts = [
        "failover_drill.py",
        "test_failover_drill.py",
        "my_automation.py",
        "discreet_drill.py",
        "test_discreet_drill.py",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *(str(examples / s) for s in scripts)],
        capture_output=True,
        text=True,
        cwd=examples,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # mypy catches a misuse through the stubs.
    bad = "import olvm_dr\nr = olvm_dr.failover('vars.yml', None, concurency=4)\nx: int = r.verdict\n"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-c", bad], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "concurency" in done.stdout and "<string>:3: error" in done.stdout
