"""The fault test's verdict (bench/faults.py): what counts as a failure in each phase."""

from bench.faults import Result, Timeline, judge


def timeline() -> Timeline:
    line = Timeline(t0=0.0)
    line.phases = [("baseline", 0.0), ("redis paused", 10.0), ("redis back", 20.0), ("postgres down", 30.0),
                   ("postgres back", 35.0)]  # fmt: skip
    return line


def served(op="record_page", start=1.0, status=200, seconds=0.1, retry_after=None):
    return Result(op, start, seconds, status, retry_after=retry_after)


def good_run() -> list[Result]:
    return [
        served("victim_page", 1.0),
        served("victim_page", 16.0, 410),
        served("record_page", 31.0, 503, retry_after="5"),
        served("api_list", 36.0, 503, retry_after="5"),
        served("api_list", 37.0),
    ]


def test_a_clean_run_passes_and_times_recovery():
    verdict = judge(good_run(), timeline(), withdrawn_at=15.0, ends={"redis paused": 20.0, "postgres down": 35.0})
    assert verdict["pass"], verdict["failures"]
    assert verdict["recovery_s"] == {"redis paused": 0.0, "postgres down": 1.1}
    assert verdict["phases"]["postgres down"]["statuses"] == {"503": 1}


def test_a_500_a_slow_answer_a_503_without_retry_after_and_no_answer_fail():
    results = [
        *good_run(),
        served("search", 12.0, 500),
        served("html_list", 13.0, seconds=12.0),
        served("api_detail", 32.0, 503),
        served("record_page", 2.0, None),
        served("record_page", 11.0, 503, retry_after="5"),  # a cache outage is no reason for a 503
        served("record_page", 29.0, 503, retry_after="5", seconds=0.5),  # over before the database stopped
        served("record_page", 29.8, 503, retry_after="5", seconds=0.5),  # in flight when it stopped: right
    ]
    verdict = judge(results, timeline(), withdrawn_at=15.0, ends={"postgres down": 35.0})
    assert not verdict["pass"]
    assert verdict["phases"]["redis paused"]["failures"] == {
        "500 (search)": 1,
        "slower than 10 s (html_list)": 1,
        "503 (record_page)": 1,
    }
    assert verdict["phases"]["postgres down"]["failures"] == {"503 without Retry-After (api_detail)": 1}
    assert verdict["phases"]["baseline"]["failures"] == {"no answer () (record_page)": 1}
    assert verdict["phases"]["redis back"]["failures"] == {"503 (record_page)": 1}


def test_the_withdrawn_record_served_once_after_its_withdrawal_fails():
    results = [*good_run(), served("victim_api", 17.0, 200)]
    verdict = judge(results, timeline(), withdrawn_at=15.0, ends={})
    assert verdict["withdrawn_served_after"] == 1
    assert "the withdrawn protest was served 1 times after its withdrawal" in verdict["failures"]


def test_slow_recovery_fails():
    results = [*good_run(), served("api_list", 47.0, 503, retry_after="5")]
    verdict = judge(results, timeline(), withdrawn_at=15.0, ends={"postgres down": 35.0})
    assert verdict["recovery_s"]["postgres down"] == 12.1
    assert "recovery after postgres down: 12.1 s (limit 10 s)" in verdict["failures"]


def test_nothing_tested_is_a_failure():
    verdict = judge([served("victim_page", 16.0, 410)], timeline(), withdrawn_at=15.0, ends={})
    assert "the watched protest was never served before its withdrawal: nothing was tested" in verdict["failures"]
