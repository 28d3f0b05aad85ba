"""Read-only typed views of a mapping's entries (``Mapping.sites``, ``Mapping.storages``,
``Mapping.network_mappings``, ``Mapping.lun_mappings``). A value that is missing or not filled
in yet is ``None``. Passwords are never given out; ``has_password`` says whether the file holds
one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from ._record import Record, site_name

S = TypeVar("S")


class _Sides(Generic[S]):
    """An entry with a side per site (``primary``, ``secondary``)."""

    primary: S
    secondary: S

    def site(self, site: str) -> S:
        """The side of one site of the entry.

        Args:
            site (str): ``primary`` or ``secondary`` (any case).

        Returns:
            That site's side: its names, and how its storage or LUN is reached.

        Raises:
            ConfigurationError: ``site`` is neither ``primary`` nor ``secondary``.
        """
        side: S = getattr(self, site_name(site))
        return side


@dataclass(frozen=True, kw_only=True)
class SiteKeys(Record):
    """``dr_sites_{site}_*``: how to reach one site's Engine.

    Args:
        site (str): ``primary`` or ``secondary``.
        url (str | None): The Engine API URL.
        username (str | None): The user, ``name@profile``.
        ca_file (str | None): The CA file as written (relative to the mapping file).
        insecure (bool): TLS verification off (``dr_sites_{site}_insecure: true``).
        has_password (bool): The mapping itself holds the site's password (discouraged).
    """

    site: str
    url: str | None
    username: str | None
    ca_file: str | None
    insecure: bool
    has_password: bool


@dataclass(frozen=True, kw_only=True)
class StorageSite(Record):
    """One site's side of a storage domain entry: its name, data center, master flag and the
    connection facts of its type (file: address, path, ...; iSCSI: address, port, targets, ...).

    Args:
        name (str | None): ``dr_{site}_name``.
        dc_name (str | None): ``dr_{site}_dc_name``.
        master (bool): ``dr_{site}_master_domain`` (missing or null: not master).
        address (str | None): Server (file types) or portal (iSCSI).
        path (str | None): Export path or Gluster volume.
        vfs_type (str | None): POSIX file-system type.
        mount_options (str | None): Extra mount options.
        nfs_version (str | None): NFS version.
        port (int | None): iSCSI port (3260 when not given).
        targets (list[str]): iSCSI target IQNs.
        username (str | None): CHAP user.
        has_password (bool): A CHAP password is set.
    """

    name: str | None
    dc_name: str | None
    master: bool
    address: str | None
    path: str | None
    vfs_type: str | None
    mount_options: str | None
    nfs_version: str | None
    port: int | None
    targets: list[str]
    username: str | None
    has_password: bool


@dataclass(frozen=True, kw_only=True)
class Storage(Record, _Sides[StorageSite]):
    """One ``dr_import_storages`` entry.

    Args:
        index (int): Its index in the list.
        line (int): Its line in the file (0 for a mapping not read from text).
        type (str): ``dr_domain_type``: ``nfs``, ``glusterfs``, ``posixfs``, ``iscsi`` or ``fcp``.
        domain_type (str | None): ``dr_storage_domain_type``: ``data``, ``iso`` or ``export``.
        domain_id (str | None): ``dr_domain_id`` (block types).
        primary (StorageSite): The primary's side.
        secondary (StorageSite): The secondary's side.
    """

    index: int
    line: int
    type: Literal["nfs", "glusterfs", "posixfs", "iscsi", "fcp"]
    domain_type: str | None
    domain_id: str | None
    primary: StorageSite
    secondary: StorageSite


@dataclass(frozen=True, kw_only=True)
class NetworkSite(Record):
    """One site's vNIC profile of a ``dr_network_mappings`` entry.

    Args:
        network_name (str | None): ``{site}_network_name``.
        profile_name (str | None): ``{site}_profile_name``.
        profile_id (str | None): ``{site}_profile_id``.
        network_dc (str | None): ``{site}_network_dc``.
    """

    network_name: str | None
    profile_name: str | None
    profile_id: str | None
    network_dc: str | None


@dataclass(frozen=True, kw_only=True)
class NetworkMapping(Record, _Sides[NetworkSite]):
    """One ``dr_network_mappings`` entry.

    Args:
        index (int): Its index in the list.
        line (int): Its line in the file.
        primary (NetworkSite): The primary's profile.
        secondary (NetworkSite): The secondary's profile.
    """

    index: int
    line: int
    primary: NetworkSite
    secondary: NetworkSite


@dataclass(frozen=True, kw_only=True)
class LunSite(Record):
    """One site's LUN of a ``dr_lun_mappings`` entry.

    Args:
        logical_unit_id (str | None): ``{site}_logical_unit_id``.
        storage_type (str | None): ``iscsi`` or ``fcp``.
        address (str | None): iSCSI portal address.
        port (int): iSCSI port (3260 when not given).
        portal (str | None): Portal group tag.
        target (str | None): Target IQN.
        username (str | None): CHAP user.
        has_password (bool): A CHAP password is set.
    """

    logical_unit_id: str | None
    storage_type: str | None
    address: str | None
    port: int
    portal: str | None
    target: str | None
    username: str | None
    has_password: bool


@dataclass(frozen=True, kw_only=True)
class LunMapping(Record, _Sides[LunSite]):
    """One ``dr_lun_mappings`` entry.

    Args:
        index (int): Its index in the list.
        line (int): Its line in the file.
        alias (str | None): ``logical_unit_alias``.
        description (str | None): ``logical_unit_description``.
        primary (LunSite): The primary's LUN.
        secondary (LunSite): The secondary's LUN.
    """

    index: int
    line: int
    alias: str | None
    description: str | None
    primary: LunSite
    secondary: LunSite
