"""The search grammar through the official SDK: `or`, parentheses that are valid but do not
group (the Engine's SyntaxChecker reads a phrase starting with `(` as free text), and `'`/`;`
refused with INVALID_CHARECTER (SyntaxChecker.DISALLOWED_CHARS)."""

import pytest


def test_or_parentheses_and_disallowed_characters(lab):
    import ovirtsdk4 as sdk

    c = lab.connect("primary")
    sds = c.system_service().storage_domains_service()
    domains = sds.list()
    a, b = domains[0].name, domains[1].name
    both = sds.list(search=f"name={a} or name={b}")
    assert sorted(d.name for d in both) == sorted([a, b])
    # Valid, and, as on the Engine, not grouping: the role's parenthesised search finds nothing.
    assert sds.list(search=f"name={a} and (status=active or status=unattached") == []
    assert sds.list(search=f"(name={a}") == []
    for bad in [f"name='{a}'", f"name={a};", f'name="{a};"']:
        with pytest.raises(sdk.Error) as err:
            sds.list(search=bad)
        assert err.value.code == 400 and err.value.fault.detail == "[INVALID_CHARECTER]", bad
    with pytest.raises(sdk.Error) as err:
        sds.list(search=f"(name={a} or (name={b}")
    assert err.value.fault.detail == "[FREE_TEXT_ALLOWED_ONCE_PER_OBJ]"
    vms = c.system_service().vms_service()
    names = [v.name for v in vms.list()][:2]
    assert sorted(v.name for v in vms.list(search=" or ".join(f'name="{n}"' for n in names))) == sorted(names)
    c.close()
