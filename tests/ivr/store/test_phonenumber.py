"""A caller is recognised as a known patient however the trunk writes the number."""
from __future__ import annotations

from ivr.store.database import Database
from ivr.store.models import Call, CareStatus, Patient
from ivr.store.phonenumber import lookup_keys, normalize_phone
from ivr.telephony.callstore import CallStore


def test_normalize() -> None:
    assert normalize_phone("0912 345 678") == "+84912345678"
    assert normalize_phone("84912345678") == "+84912345678"
    assert normalize_phone("sipp") is None
    assert lookup_keys("0912345678") == ("+84912345678", "0912345678")
    assert lookup_keys("sipp") == ("sipp",)


def test_call_from_local_format_finds_imported_patient(db: Database) -> None:
    with db.session() as s:
        s.add(Patient(phone="+84912345678", name="Trần Văn Bình", care_status=CareStatus.TRANSFERRED,
                      risk_factors=["diabetes"]))
    store = CallStore(db)
    assert store.caller_profile("0912345678") == ("transferred", ("diabetes",))
    call_id = store.start_call(sip_call_id="x@y", caller="0912345678", worker="worker0", flow_name="covid_f0",
                               flow_version_id=None)
    with db.session() as s:
        call = s.get(Call, call_id)
        assert call is not None and call.patient is not None and call.patient.name == "Trần Văn Bình"
    assert store.caller_profile("0999999999") == ("unknown", ())


def test_an_elderly_callers_birth_year_counts_as_a_risk_factor(db: Database) -> None:
    """Staff often record the birth year and leave "≥ 65" unticked: triage still knows the caller's age."""
    from ivr.store.models import utcnow

    year = utcnow().year
    with db.session() as s:
        s.add(Patient(phone="+84912000001", name="Cụ Tư", birth_year=year - 80, risk_factors=["diabetes"]))
        s.add(Patient(phone="+84912000002", name="Anh Nam", birth_year=year - 40))
        s.add(Patient(phone="+84912000003", name="Chị Hoa", birth_year=None))
    store = CallStore(db)
    assert store.caller_profile("0912000001") == ("home", ("diabetes", "age_65_plus"))
    assert store.caller_profile("0912000002") == ("home", ())
    assert store.caller_profile("0912000003") == ("home", ())
