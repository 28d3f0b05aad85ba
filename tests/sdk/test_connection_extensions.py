"""`/hosts/{id}/storageconnectionextensions` through the SDK: add, list, read, update, remove;
a second extension for the same host and target is the Engine's 409; the password is never
read back."""

import ovirtsdk4 as sdk
import ovirtsdk4.types as t
import pytest


def test_storage_connection_extensions(lab):
    c = lab.connect("primary")
    hosts = c.system_service().hosts_service()
    host = hosts.list()[0]
    exts = hosts.host_service(host.id).storage_connection_extensions_service()
    assert exts.list() == []
    target = "iqn.2026-01.example:dr1"
    added = exts.add(t.StorageConnectionExtension(target=target, username="chap", password="s3cret"))
    assert (added.target, added.username, added.password) == (target, "chap", None)
    assert added.host.id == host.id
    assert [e.id for e in exts.list()] == [added.id]
    with pytest.raises(sdk.Error) as err:
        exts.add(t.StorageConnectionExtension(target=target, username="other", password="x"))
    assert err.value.code == 409
    assert err.value.fault.detail == (
        f"[Cannot add Storage Connection Extension. Connection extension already exists for the host {host.name} and the target {target}.]"
    )
    one = exts.storage_connection_extension_service(added.id)
    assert one.get().username == "chap"
    assert one.update(t.StorageConnectionExtension(username="chap2")).username == "chap2"
    other = hosts.list()[1] if len(hosts.list()) > 1 else None
    if other is not None:
        assert hosts.host_service(other.id).storage_connection_extensions_service().list() == []
    one.remove()
    assert exts.list() == []
    with pytest.raises(sdk.NotFoundError):
        one.get()
    c.close()
