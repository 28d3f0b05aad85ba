"""`/storageconnections` and `/storagedomains/{id}/storageconnections` through the SDK: one
connection per file export and per iSCSI target portal of the domains the Engine knows, none
for Fibre Channel; each read back by id; a domain lists the ones it uses."""

import ovirtsdk4.types as t


def test_storage_connections(lab):
    c = lab.connect("primary")
    s = c.system_service()
    conns = s.storage_connections_service().list()
    assert conns
    assert len({x.id for x in conns}) == len(conns)
    for x in conns:
        got = s.storage_connections_service().storage_connection_service(x.id).get()
        assert (got.id, got.type, got.address) == (x.id, x.type, x.address)
        assert got.password is None
        if got.type == t.StorageType.ISCSI:
            assert got.target and got.port
        else:
            assert got.path
    by_id = {x.id: x for x in conns}
    seen = set()
    for d in s.storage_domains_service().list():
        mine = s.storage_domains_service().storage_domain_service(d.id).storage_connections_service().list()
        assert all(m.id in by_id for m in mine)
        if d.storage.type == t.StorageType.FCP:
            assert mine == []
        elif d.storage.type in (t.StorageType.NFS, t.StorageType.POSIXFS, t.StorageType.GLUSTERFS):
            assert [(m.address, m.path) for m in mine] == [(d.storage.address, d.storage.path)]
        seen |= {m.id for m in mine}
    assert seen == set(by_id)
    c.close()
