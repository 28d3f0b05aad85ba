"""The HTML report of a lab run in a real browser (headless Chromium through chromedriver): it
renders without console errors and fetches nothing, the timeline has one row per domain and VM,
the VM table's filters and sorting work, and Chromium prints it to a non-empty PDF. Screenshots
and the PDF are kept under target/browser/."""

import subprocess

import pytest

from webdriver import Chrome

VISIBLE_ROWS = """
return Array.from(document.querySelectorAll('#vm-table tbody tr'))
  .filter(function (r) { return r.offsetParent !== null; })
  .map(function (r) { return r.getAttribute('data-name'); });
"""


@pytest.fixture(scope="module")
def browser(chromedriver, chromium):
    with Chrome(chromedriver, chromium) as chrome:
        yield chrome


def severe(entries):
    return [e for e in entries if e.get("level") == "SEVERE"]


def full_page_screenshot(browser, path):
    height = browser.run("return document.documentElement.scrollHeight;")
    browser.run("window.scrollTo(0, 0);")
    browser.screenshot(path)
    return height


def test_the_report_renders_without_errors_and_fetches_nothing(browser, lab_runs, artifacts):
    browser.console()
    browser.open(lab_runs["failover"]["html"].as_uri())
    assert severe(browser.console()) == []
    assert browser.run("return document.getElementById('verdict').textContent;") == "SUCCESS"
    assert "recovery time" in browser.run("return document.getElementById('rto').textContent;")
    assert browser.run("return performance.getEntriesByType('resource').length;") == 0
    # The script ran: the filter block counts the rows it shows.
    report = lab_runs["failover"]["report"]
    shown = browser.run("return document.querySelector('.filters .shown').textContent;")
    assert shown == f"{len(report['vms'])} of {len(report['vms'])} shown"
    full_page_screenshot(browser, artifacts / "report-failover.png")


def test_the_timeline_has_one_row_per_domain_and_vm(browser, lab_runs):
    report = lab_runs["failover"]["report"]
    browser.open(lab_runs["failover"]["html"].as_uri())
    rows = browser.run("""
        var rows = {};
        ['tl-domain', 'tl-template', 'tl-vm'].forEach(function (k) {
          rows[k] = Array.from(document.querySelectorAll('.tl-row.' + k))
            .map(function (r) { return r.getAttribute('data-name'); });
        });
        return rows;
    """)
    assert rows["tl-domain"] == [d["name"] for d in report["storage_domains"]]
    assert rows["tl-template"] == [t["name"] for t in report["templates"]]
    assert rows["tl-vm"] == [v["name"] for v in report["vms"]]
    assert len(rows["tl-vm"]) == 40
    # Every bar lies within its track, and the critical path is marked.
    outside = browser.run("""
        return Array.from(document.querySelectorAll('.tl-track .bar')).filter(function (b) {
          var t = b.parentNode.getBoundingClientRect(), r = b.getBoundingClientRect();
          return r.left < t.left - 1 || r.right > t.right + 1;
        }).length;
    """)
    assert outside == 0
    # One marked bar per step of the critical path (an attach's lease wait is a bar of its own).
    marked = "return document.querySelectorAll('.tl-track .bar.crit:not(.k-lease)').length;"
    assert browser.run(marked) == len(report["critical_path"])


def test_the_filters_and_sorting_of_the_vm_table(browser, lab_runs, artifacts):
    report = lab_runs["failover"]["report"]
    vms = report["vms"]
    browser.open(lab_runs["failover"]["html"].as_uri())
    assert browser.run(VISIBLE_ROWS) == [v["name"] for v in vms]

    clusters = sorted({v["cluster"] for v in vms})
    assert len(clusters) >= 2, clusters
    browser.click(browser.find(f'select[data-filter="cluster"] option[value="{clusters[1]}"]'))
    assert browser.run(VISIBLE_ROWS) == [v["name"] for v in vms if v["cluster"] == clusters[1]]
    browser.screenshot(artifacts / "report-failover-cluster-filter.png")
    browser.click(browser.find('select[data-filter="cluster"] option[value=""]'))

    browser.click(browser.find('select[data-filter="mac"] option[value="yes"]'))
    assert browser.run(VISIBLE_ROWS) == [v["name"] for v in vms if v.get("macs_reassigned")]
    browser.click(browser.find('select[data-filter="mac"] option[value=""]'))

    browser.click(browser.find('select[data-filter="outcome"] option[value="registered"]'))
    registered_only = [v["name"] for v in vms if v.get("started") is None]
    assert registered_only and browser.run(VISIBLE_ROWS) == registered_only
    browser.click(browser.find('select[data-filter="outcome"] option[value=""]'))

    # Time to up: every VM that came up was up after more than 0 s; none after an hour.
    minimum = browser.find('input[data-filter="min-up"]')
    browser.type(minimum, "0")
    up = [v["name"] for v in vms if v.get("up") in ("done", "already_done")]
    assert up and browser.run(VISIBLE_ROWS) == up
    browser.clear(minimum)
    browser.type(minimum, "3600")
    assert browser.run(VISIBLE_ROWS) == []
    browser.clear(minimum)
    assert len(browser.run(VISIBLE_ROWS)) == len(vms)

    browser.click(browser.find("#vm-table th:nth-child(5)"))
    times = browser.run("""
        return Array.from(document.querySelectorAll('#vm-table tbody tr'))
          .map(function (r) { return r.getAttribute('data-up-ms'); });
    """)
    numbers = [int(t) for t in times if t]
    assert numbers == sorted(numbers) and times[: len(numbers)] == [str(n) for n in numbers]
    assert severe(browser.console()) == []


def test_the_comparison_page_renders_without_errors(browser, lab_runs, artifacts):
    browser.console()
    browser.open(lab_runs["diff"]["html"].as_uri())
    assert severe(browser.console()) == []
    parts = browser.run("return document.querySelectorAll('#rto-table tbody tr').length;")
    assert parts == 6
    browser.screenshot(artifacts / "report-diff.png")


def test_chromium_prints_the_report_to_a_pdf(chromium, lab_runs, artifacts):
    pdf = artifacts / "report-failover.pdf"
    pdf.unlink(missing_ok=True)
    printed = subprocess.run(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", lab_runs["failover"]["html"].as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert printed.returncode == 0, printed.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000, len(data)
