"""The lab speaks HTTPS as a real Engine does: the official SDK connects with the lab's CA as
`ca_file` and is refused without it; the Engine hands its CA out at `pki-resource`; the
mapping names the CA for both sites; plain HTTP only with `--plain-http`."""

import pathlib
import ssl
import urllib.error
import urllib.request

import ovirtsdk4 as sdk
import pytest

from conftest import PASSWORD, USER, running_sim


def squash(pem):
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def test_the_sdk_verifies_the_engine_with_the_labs_ca(lab):
    ca = pathlib.Path(lab.ca_file)
    assert ca == lab.dir / "ca.pem" and ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
    for site in ("primary", "secondary"):
        assert lab.url(site).startswith("https://127.0.0.1:")
        assert lab.mapping[f"dr_sites_{site}_ca_file"] == lab.ca_file
        assert f"dr_sites_{site}_insecure" not in lab.mapping
        c = lab.connect(site)
        try:
            assert c.test(raise_exception=True)
            assert c.system_service().get().product_info.name == "oVirt Engine"
        finally:
            c.close()


def test_the_sdk_without_the_ca_is_refused_at_the_handshake(lab):
    c = sdk.Connection(url=lab.url("primary"), username=USER, password=PASSWORD, timeout=30)
    try:
        with pytest.raises(sdk.Error) as e:
            c.system_service().get()
        # libcurl's verdict on the certificate (error 60).
        assert "certificate" in str(e.value).lower(), e.value
    finally:
        c.close()


def test_the_engine_serves_its_ca_at_pki_resource(lab):
    url = lab.url("secondary").replace(
        "/ovirt-engine/api", "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA"
    )
    with urllib.request.urlopen(url, timeout=10, context=lab.ssl_context()) as r:
        assert r.headers["Content-Type"] == "application/x-x509-ca-cert"
        served = r.read().decode()
    assert squash(served) == squash(pathlib.Path(lab.ca_file).read_text())
    # The system's trust store does not know the lab's CA.
    with pytest.raises(urllib.error.URLError) as e:
        urllib.request.urlopen(url, timeout=10, context=ssl.create_default_context())
    assert isinstance(e.value.reason, ssl.SSLCertVerificationError), e.value


def test_plain_http_only_with_the_option(tmp_path):
    with running_sim(tmp_path, "--plain-http") as line:
        assert line["ca_file"] is None
        assert not (tmp_path / "ca.pem").exists()
        url = line["primary"]["api_url"]
        assert url.startswith("http://127.0.0.1:")
        c = sdk.Connection(url=url, username=USER, password=PASSWORD, timeout=30)
        try:
            assert c.system_service().get().product_info.name == "oVirt Engine"
        finally:
            c.close()
