"""Migrations on a fresh database, and the models they create."""
from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from ivr.store.database import Database, make_engine, upgrade
from ivr.store.models import Base, Call, CallStep, CareStatus, Patient


def test_fresh_database_migrates_to_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'ivr.sqlite3'}"
    upgrade(url)
    upgrade(url)  # idempotent
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert {"patients", "calls", "call_steps", "assessments", "escalations", "staff_users", "flow_versions",
            "prompts", "audit_log"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_call_with_steps_round_trip(db: Database) -> None:
    with db.session() as s:
        p = Patient(phone="0901234567", name="Nguyễn Thị Lan", birth_year=1950, risk_factors=["diabetes"],
                    province="Vĩnh Phúc", district="Vĩnh Yên", commune="Liên Bảo")
        call = Call(caller="0901234567", patient=p, flow_name="covid_f0")
        call.steps.append(CallStep(seq=1, node="greeting", prompt_id="greeting", digits="1", intent="emergency"))
        s.add(call)
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        assert call.patient is not None and call.patient.care_status is CareStatus.HOME
        assert call.patient.risk_factors == ["diabetes"]
        assert [st.node for st in call.steps] == ["greeting"]
        assert call.outcome == "in_progress" and call.duration_s is None


def test_fresh_postgresql_database_migrates_to_the_models(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """The same migrations on an empty PostgreSQL database (not the cluster's template): idempotent, and the
    schema they make is exactly the models'."""
    name = f"fresh_{id(pg_cluster)}"
    pg_cluster.admin(f"CREATE DATABASE {name}")
    url = pg_cluster.url(name)
    try:
        upgrade(url)
        upgrade(url)  # idempotent
        engine = make_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == [], f"models and migrations differ on PostgreSQL: {diff}"
            assert conn.execute(text("SELECT current_setting('server_version_num')::int")).scalar() >= 130000
        assert {"patients", "calls", "call_steps", "assessments", "escalations", "staff_users", "flow_versions",
                "prompts", "audit_log", "admin_sessions"} <= set(inspect(engine).get_table_names())
        engine.dispose()
    finally:
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
