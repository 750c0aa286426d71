"""The reading of pytest's JUnit XML report by ``./spm test``: the counts come
from the elements' attributes whatever their order, summed over the suites."""

from spm_tool.testrun import junit_counts


def test_counts_whatever_the_order_of_the_attributes(tmp_path):
    report = tmp_path / "report.xml"
    report.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites>'
        '<testsuite tests="9" name="pytest" skipped="2" failures="1" errors="1" time="1.0">'
        '<testcase classname="tests.test_a" name="test_one" time="0.1"/></testsuite>'
        '<testsuite errors="0" failures="2" name="other" skipped="0" tests="3"/>'
        "</testsuites>"
    )
    assert junit_counts(report) == (12, 4, 2)


def test_a_bare_testsuite_element(tmp_path):
    report = tmp_path / "report.xml"
    report.write_text('<testsuite name="pytest" errors="0" failures="0" skipped="1" tests="4"/>')
    assert junit_counts(report) == (4, 0, 1)


def test_missing_or_broken_report(tmp_path):
    assert junit_counts(tmp_path / "missing.xml") is None
    broken = tmp_path / "broken.xml"
    broken.write_text("<testsuites><testsuite")
    assert junit_counts(broken) is None
