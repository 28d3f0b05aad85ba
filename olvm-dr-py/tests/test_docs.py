"""Every public function, class, method and property of olvm_dr, olvm_dr.testing and
olvm_dr.exceptions documents itself for ``help()`` and IDEs, in Google style: a summary line,
then an ``Args:`` section naming each parameter (a constructor's parameters go in its class's
docstring)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import olvm_dr
import olvm_dr.exceptions
import olvm_dr.testing

MODULES = (olvm_dr, olvm_dr.testing, olvm_dr.exceptions)
# Parameters nobody passes by name: the receiver of a method.
RECEIVERS = {"self", "$self", "cls", "$cls", "type"}
ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_][A-Za-z0-9_]*)(\s*\([^)]*\))?:(\s|$)")


def args_section(doc: str) -> set[str] | None:
    """The parameter names a Google-style ``Args:`` section of ``doc`` describes, or ``None``
    when there is no such section."""
    lines = inspect.cleandoc(doc).splitlines()
    for i, line in enumerate(lines):
        if line.strip() != "Args:":
            continue
        indent = len(line) - len(line.lstrip())
        names: set[str] = set()
        entry_indent: int | None = None
        for body in lines[i + 1 :]:
            if not body.strip():
                continue
            level = len(body) - len(body.lstrip())
            if level <= indent:
                break
            if entry_indent is None:
                entry_indent = level
            if level == entry_indent:
                match = ENTRY.match(body.strip())
                if match:
                    names.add(match.group(1).lstrip("*"))
        return names
    return None


def parameters(obj: object, exception: bool = False) -> list[str]:
    """The names of ``obj``'s parameters a caller passes, the receiver left out (and, for an
    exception class, the ``*args``/``**kwargs`` it inherits from ``Exception``)."""
    try:
        sig = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    names = []
    for p in sig.parameters.values():
        if p.name in RECEIVERS and p.kind is not p.KEYWORD_ONLY:  # a record's field may be `type`
            continue
        if exception and p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        names.append(p.name)
    return names


def public_objects() -> Iterator[tuple[str, object, list[str]]]:
    """(qualified name, object, the parameters its docstring must describe) of every public
    function, class, method and property of the package."""
    seen: set[int] = set()
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if name.startswith("_") or id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, type):
                exception = issubclass(obj, BaseException)
                # The constructor's parameters go in the class docstring.
                yield name, obj, parameters(obj, exception)
                for member, raw in vars(obj).items():
                    if member.startswith("_"):
                        continue
                    if isinstance(raw, property) or inspect.isdatadescriptor(raw) or inspect.isgetsetdescriptor(raw):
                        yield f"{name}.{member}", raw, []
                    elif callable(raw) or isinstance(raw, (staticmethod, classmethod)):
                        method = getattr(obj, member)
                        yield f"{name}.{member}", method, parameters(method)
            elif callable(obj):
                yield name, obj, parameters(obj)


def problems() -> list[str]:
    found = []
    for name, obj, params in public_objects():
        doc = getattr(obj, "__doc__", None) or ""
        if not doc.strip():
            found.append(f"{name}: no docstring")
            continue
        if not params:
            continue
        described = args_section(doc)
        if described is None:
            found.append(f"{name}: no Args: section for {params}")
            continue
        missing = [p for p in params if p not in described]
        if missing:
            found.append(f"{name}: Args: does not describe {missing}")
        extra = described - set(params)
        if extra:
            found.append(f"{name}: Args: describes parameters it does not have: {sorted(extra)}")
    return found


def test_every_public_callable_documents_each_parameter() -> None:
    found = problems()
    assert not found, f"{len(found)} undocumented:\n" + "\n".join(found)


def test_the_walk_covers_methods_properties_and_constructors() -> None:
    """Guards the test above against walking nothing."""
    names = {name for name, _, _ in public_objects()}
    for expected in (
        "RestEngine",
        "Mapping.load",
        "Mapping.connect",
        "Report.render",
        "World.fail_next",
        "World.set_latency",
        "Simulator.sdk_connection",
        "FlowOptions.replace",
        "failover",
        "EngineError",
    ):
        assert expected in names, expected
    assert len(names) > 150


def test_args_section_parsing() -> None:
    doc = """Summary.

    Args:
        url: The Engine's API URL.
        ca_file (str | None): A CA bundle; continues
            on a second line: not a parameter.
        **changes: Fields to replace.

    Returns:
        Nothing: not a parameter either.
    """
    assert args_section(doc) == {"url", "ca_file", "changes"}
    assert args_section("Summary only.") is None
