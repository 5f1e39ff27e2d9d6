"""swedish_dates: reading a date the way editors write it, to suggest the agreed form."""

from __future__ import annotations

import pytest
from swedish_dates import meant_date


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("16 februari 2018", "2018-02-16"),
        ("16 Februari 2018, 10:00", "2018-02-16 10:00"),
        ("16 feb. 2018 kl. 10.00", "2018-02-16 10:00"),
        ("1 maj 2020", "2020-05-01"),
        ("16 mars 2019 klockan 9.30", "2019-03-16 09:30"),
        ("2018-2-16", "2018-02-16"),
        ("2018-02-16 kl 10.00", "2018-02-16 10:00"),
        ("2018-02-16 10.00", "2018-02-16 10:00"),
        ("2018-02-16T10:00", "2018-02-16 10:00"),
        ("2018/02/16", "2018-02-16"),
        ("15/2 2018", "2018-02-15"),  # day first, as in Sweden
        ("15/2-2018", "2018-02-15"),
        ("16.2.2018", "2018-02-16"),
    ],
)
def test_a_date_written_another_common_way_gets_the_agreed_form(written, meant):
    assert meant_date(written) == meant


@pytest.mark.parametrize(
    "written", ["30 februari 2018", "16 brumaire 2018", "13/13 2018", "2018-02-16 25.00", "igår", "2018"]
)
def test_no_suggestion_for_what_is_no_real_date(written):
    assert meant_date(written) is None
