"""The stubs and the runtime agree: every name in the hand-written stubs (_olvm_dr.pyi) exists
at runtime and every public runtime name is in the stubs, for the module and for each class;
every function and method of the stubs has the runtime's parameters (names, kinds, defaults);
the generated stubs of the flows (_flows.pyi) are what ``olvm_dr._stubgen`` writes from the
core's options tables; the stubs of the extension carry its docstrings word for word; every
public function and class documents itself for ``help()``; the package's __all__ lists exist;
mypy accepts the example scripts."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import pathlib
import subprocess
import sys

import olvm_dr
import olvm_dr.testing
from olvm_dr import _flows, _olvm_dr, _stubgen, exceptions

from conftest import ROOT, need
from test_docs import args_section

STUB = pathlib.Path(_olvm_dr.__file__).with_name("_olvm_dr.pyi")
FLOW_STUB = pathlib.Path(_flows.__file__).with_name("_flows.pyi")
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


Param = tuple[str, inspect._ParameterKind, object]
KINDS = inspect.Parameter


def stub_parameters(node: ast.FunctionDef) -> list[Param]:
    """A stub function's parameters: (name, kind, default); a default of ``...`` stays
    ``Ellipsis`` so that a stub hiding a default fails the comparison."""
    a = node.args
    positional = [(p, KINDS.POSITIONAL_ONLY) for p in a.posonlyargs] + [
        (p, KINDS.POSITIONAL_OR_KEYWORD) for p in a.args
    ]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out: list[Param] = []
    for (p, kind), d in zip(positional, defaults):
        out.append((p.arg, kind, inspect.Parameter.empty if d is None else ast.literal_eval(d)))
    if a.vararg:
        out.append((a.vararg.arg, KINDS.VAR_POSITIONAL, inspect.Parameter.empty))
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((p.arg, KINDS.KEYWORD_ONLY, inspect.Parameter.empty if d is None else ast.literal_eval(d)))
    if a.kwarg:
        out.append((a.kwarg.arg, KINDS.VAR_KEYWORD, inspect.Parameter.empty))
    return out


def runtime_parameters(obj: object) -> list[Param]:
    sig = inspect.signature(obj)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def stubbed_callables() -> list[tuple[str, ast.FunctionDef, object, bool]]:
    """(what, stub node, runtime object, is a method) of every function and method the stubs
    declare; properties are left out."""
    found = []
    for module, path in ((_olvm_dr, STUB), (_flows, FLOW_STUB)):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                found.append((node.name, node, getattr(module, node.name), False))
            elif isinstance(node, ast.ClassDef) and hasattr(module, node.name):
                cls = getattr(module, node.name)
                for item in node.body:
                    if not isinstance(item, ast.FunctionDef) or item.name.startswith("__") and item.name != "__init__":
                        continue
                    if any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list):
                        continue
                    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in item.decorator_list)
                    runtime = cls if item.name == "__init__" else getattr(cls, item.name)
                    found.append((f"{node.name}.{item.name}", item, runtime, not static))
    return found


def test_stub_signatures_match_the_runtime() -> None:
    """Every name, kind and default of every stubbed function and method is the runtime's."""
    problems = []
    for what, node, runtime, method in stubbed_callables():
        stub = stub_parameters(node)
        if method:
            stub = stub[1:]  # self
        try:
            have = runtime_parameters(runtime)
        except (TypeError, ValueError) as e:
            problems.append(f"{what}: no runtime signature ({e})")
            continue
        if method and have and have[0][0] in ("self", "$self") and what.rsplit(".", 1)[1] != "__init__":
            have = have[1:]
        if stub != have:
            problems.append(f"{what}:\n  stub    {stub}\n  runtime {have}")
    assert not problems, "\n".join(problems)


def test_the_flow_stubs_are_generated_from_the_core() -> None:
    """_flows.pyi is what `python -m olvm_dr._stubgen` writes: regenerate it after changing a
    flow's options in the core."""
    assert FLOW_STUB.read_text() == _stubgen.stubs(), "run: python -m olvm_dr._stubgen olvm-dr-py/python/olvm_dr/_flows.pyi"


def parameters_documented(doc: str, names: list[str]) -> list[str]:
    """The names the Google-style ``Args:`` section of ``doc`` does not describe."""
    described = args_section(doc) or set()
    return [n for n in names if n not in described]


def test_help_documents_every_flow_parameter() -> None:
    """``help(olvm_dr.failover)`` and the other flow functions and options classes describe
    every parameter (Google style), with defaults shown as values."""
    for spec in _flows._FLOWS:
        function = getattr(olvm_dr, spec.name)
        names = list(inspect.signature(function).parameters)
        assert parameters_documented(function.__doc__ or "", names) == [], spec.name
        defaults = [p.default for p in inspect.signature(function).parameters.values()]
        assert Ellipsis not in defaults, spec.name
    for cls in _flows._CLASSES.values():
        names = list(inspect.signature(cls).parameters)
        assert parameters_documented(cls.__doc__ or "", names) == [], cls.__name__
    assert f"concurrency: 'int' = {olvm_dr.DEFAULT_CONCURRENCY}" in str(inspect.signature(olvm_dr.failover))
    assert "resume: 'bool | str | None' = True" in str(inspect.signature(olvm_dr.failover))


def test_every_public_class_and_function_is_documented() -> None:
    """Every public class has a docstring, and every public function's docstring describes each
    of its parameters (Google style), as ``help()`` shows it."""
    for module in (olvm_dr, olvm_dr.testing):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type):
                assert (obj.__doc__ or "").strip(), name
            elif callable(obj):
                names = list(inspect.signature(obj).parameters)
                assert parameters_documented(obj.__doc__ or "", names) == [], name


def stub_docstrings() -> list[tuple[tuple[str, ...], str | None]]:
    """(path, docstring) of every class, function, method and property of _olvm_dr.pyi, dunders
    left out."""
    found: list[tuple[tuple[str, ...], str | None]] = []

    def visit(node: ast.stmt, path: tuple[str, ...]) -> None:
        if not isinstance(node, (ast.ClassDef, ast.FunctionDef)) or (len(path) > 1 and path[-1].startswith("__")):
            return
        found.append((path, ast.get_docstring(node)))
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.ClassDef, ast.FunctionDef)):
                    visit(item, (*path, item.name))

    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            visit(node, (node.name,))
    return found


def test_stub_docstrings_are_the_runtime_docstrings() -> None:
    """IDEs read the docstrings of a compiled module from its stubs: every class, function,
    method and property of _olvm_dr.pyi carries the runtime's docstring (the Rust doc comment),
    word for word."""
    problems = []
    for path, doc in stub_docstrings():
        want = _stubgen.runtime_doc(path)
        if doc != want:
            problems.append(f"{'.'.join(path)}:\n  stub    {doc!r}\n  runtime {want!r}")
    assert not problems, "run: python -m olvm_dr._stubgen --docstrings olvm-dr-py/python/olvm_dr/_olvm_dr.pyi\n" + "\n".join(
        problems
    )
    assert len(stub_docstrings()) > 100


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
