"""Windows in time: local windows as UTC instants, the local date, DST, and the configuration's checks."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from escalation.checkins import windows
from ivr import config as config_mod
from ivr.errors import ConfigError


def cfg_with(**raw):
    return config_mod.load_mapping(raw)


def test_default_windows_are_local_vietnam_times():
    cfg = cfg_with()
    sang = windows.occurrence(cfg, date(2026, 12, 5), "sang")
    assert (sang.starts_at, sang.ends_at) == (datetime(2026, 12, 5, 1, 0), datetime(2026, 12, 5, 4, 0))
    chieu = windows.occurrence(cfg, date(2026, 12, 5), "chieu")
    assert (chieu.starts_at, chieu.ends_at) == (datetime(2026, 12, 5, 8, 0), datetime(2026, 12, 5, 12, 0))
    assert windows.current(cfg, datetime(2026, 12, 5, 0, 59)) is None  # 07:59 local: never outside a window
    assert windows.current(cfg, datetime(2026, 12, 5, 1, 0)) == sang
    assert windows.current(cfg, datetime(2026, 12, 5, 4, 0)) is None  # the end is not inside
    assert windows.current_or_next(cfg, datetime(2026, 12, 5, 5, 0)) == chieu
    # after the afternoon window: the next is tomorrow morning; the window before a morning is yesterday's afternoon
    nxt = windows.current_or_next(cfg, datetime(2026, 12, 5, 13, 0))
    assert (nxt.day, nxt.name) == (date(2026, 12, 6), "sang")
    assert windows.previous(cfg, nxt) == chieu
    assert windows.previous(cfg, chieu) == sang


def test_a_window_early_in_the_local_day_belongs_to_that_local_date():
    """06:00 in Vietnam is 23:00 UTC the day before: the window's date is the local one."""
    cfg = cfg_with(checkin_windows="som=06:00-07:30,sang=08:00-11:00")
    at = datetime(2026, 12, 4, 23, 30)  # 06:30 on 5 December in Vietnam
    occ = windows.current(cfg, at)
    assert occ is not None and (occ.day, occ.name) == (date(2026, 12, 5), "som")
    assert occ.starts_at == datetime(2026, 12, 4, 23, 0)
    assert windows.local_date(cfg, at) == date(2026, 12, 5)


def test_a_daylight_saving_zone_keeps_the_local_wall_clock():
    cfg = cfg_with(timezone="Europe/Berlin")
    before = windows.occurrence(cfg, date(2026, 3, 28), "sang")  # CET, UTC+1
    after = windows.occurrence(cfg, date(2026, 3, 29), "sang")  # CEST from 02:00 that night, UTC+2
    assert before.starts_at == datetime(2026, 3, 28, 7, 0)
    assert after.starts_at == datetime(2026, 3, 29, 6, 0)


@pytest.mark.parametrize(("raw", "message"), [
    ({"checkin_windows": "sang=11:00-08:00"}, "config: key 'checkin_windows': the window must end after it starts, "
                                              "within one day: 'sang=11:00-08:00'"),
    ({"checkin_windows": "a=08:00-11:00,b=10:00-12:00"}, "config: key 'checkin_windows': windows 'a' and 'b' overlap"),
    ({"checkin_windows": "Sáng=08:00-11:00"}, "config: key 'checkin_windows': expected NAME=HH:MM-HH:MM, "
                                              "got 'Sáng=08:00-11:00'"),
    ({"timezone": "Asia/Hanoi_Town"}, "config: key 'timezone': not a known time zone (e.g. Asia/Ho_Chi_Minh), "
                                      "got 'Asia/Hanoi_Town'"),
    ({"checkin_capacity_share": "1.5"}, "config: key 'checkin_capacity_share': expected a number above 0 and at "
                                        "most 1, got 1.5"),
    ({"checkin_cps": "nhanh"}, "config: key 'checkin_cps': expected a number, got 'nhanh'"),
    ({"checkin_attempts": "0"}, "config: key 'checkin_attempts': expected a positive integer, got 0"),
    ({"sms_gateway_url": "sms.example"}, "config: key 'sms_gateway_url': not an http(s) URL: 'sms.example'"),
    ({"notify_targets": "Hà Nội/Cầu Giấy/Dịch Vọng=sms:0901"}, "config: key 'notify_targets': expected "
                                                               "sms:+<country code><number>, got 'sms:0901'"),
    ({"notify_targets": "=https://x.example/"}, "config: key 'notify_targets': expected "
                                                "PROVINCE[/DISTRICT[/COMMUNE]]=TARGET, got '=https://x.example/'"),
    ({"daily_summary_time": "25:00"}, "config: key 'daily_summary_time': expected HH:MM or \"\", got '25:00'"),
    ({"checkin_sms_text": "{ten}"}, "config: key 'checkin_sms_text': only {station}, {name} and {caller_id} may be "
                                    "filled in"),
])
def test_bad_checkin_settings_are_refused_naming_the_key(raw, message):
    with pytest.raises(ConfigError) as err:
        cfg_with(**raw)
    assert str(err.value) == message


def test_checkin_defaults_and_targets_parse():
    cfg = cfg_with(notify_targets="Hà Nội/Cầu Giấy/Dịch Vọng=https://chat.example/h?x=1,Hà Nội=sms:+84901234567")
    assert (cfg.timezone, cfg.checkin_attempts, cfg.checkin_retry_minutes, cfg.checkin_max_calls_per_day) == (
        "Asia/Ho_Chi_Minh", 3, 20, 4)
    assert (cfg.checkin_capacity_share, cfg.checkin_cps, cfg.checkin_enabled, cfg.sms_notice_minutes) == (
        0.5, 1.0, True, 15)
    targets = config_mod.parse_targets(cfg.notify_targets)
    assert [(t.level, t.channel, t.target) for t in targets] == [
        ("commune", "webhook", "https://chat.example/h?x=1"), ("province", "sms", "+84901234567")]
