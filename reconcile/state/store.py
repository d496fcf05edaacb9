"""The state store: one DuckDB file that carries what runs learned, from run to run.

Tables (schema version in `meta`, migrated forward on open):
- runs: id, as_of (the run's time), when it was recorded (wall clock, metadata only), inputs and rules with
  their SHA-256, the forgetting rate, counts;
- source_evidence: per run, per source ('' attribute) and per (source, attribute): learned reliability and the
  decayed evidence behind it (right / total pseudo-counts), which the next run adds to its priors;
- items / vals / verdict_history: per run, per subject/attribute: value, confidence, status (integer codes,
  so a verdict row costs a few bytes);
- contradictions / contradiction_seen: per contradiction id: kind, first and last run seen, review status.

A run holds the file's lock from reading its priors to recording its results (DuckDB allows one writer process);
a second run waits up to `wait` seconds, then stops with a clear message. Recording is one transaction: a run
killed at any moment leaves the previous state (DuckDB replays only committed transactions from its WAL).
Re-running a day (same --as-of) replaces that run; priors always come from the latest earlier run.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import StateError

if TYPE_CHECKING:
    import duckdb

    from ..pipeline import Result

SCHEMA_VERSION = 1
# status codes stored per verdict row; append only (codes of existing state files keep their meaning;
# `contested` is the name older runs used before `likely` / `challenged`)
STATUSES = ["settled", "contested", "tie", "insufficient", "decided", "likely", "challenged"]
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE TABLE meta(key VARCHAR, value VARCHAR)",
        "CREATE TABLE runs(run_id INTEGER, as_of TIMESTAMPTZ, recorded_at VARCHAR, inputs VARCHAR, "
        "rules_sha256 VARCHAR, rules_files VARCHAR, forget DOUBLE, counts VARCHAR)",
        "CREATE TABLE source_evidence(run_id INTEGER, source VARCHAR, attribute VARCHAR, reliability REAL, "
        "\"right\" DOUBLE, total DOUBLE)",
        "CREATE TABLE items(item_id INTEGER, subject VARCHAR, attribute VARCHAR)",
        "CREATE TABLE vals(value_id INTEGER, value VARCHAR)",
        "CREATE TABLE verdict_history(run_id USMALLINT, item_id INTEGER, value_id INTEGER, confidence REAL, "
        "status UTINYINT)",
        "CREATE TABLE contradictions(cid INTEGER, id VARCHAR, subject VARCHAR, attribute VARCHAR, kind VARCHAR, "
        "review VARCHAR, reviewed_by VARCHAR, review_note VARCHAR)",
        "CREATE TABLE contradiction_seen(run_id USMALLINT, cid INTEGER)",
    ]),
]


def _connect(path: Path, wait: float) -> duckdb.DuckDBPyConnection:
    import duckdb

    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StateError(f"{path}: cannot open the state: {exc}") from None
            if time.monotonic() >= deadline:
                holder = str(exc).split("Conflicting lock is held in", 1)[-1].split(". See")[0].strip()
                raise StateError(f"{path}: the state is in use by another run ({holder}); it allows one run at a "
                                 f"time. Wait for it to finish, or pass --state-wait SECONDS to wait longer "
                                 f"(waited {wait:g} s)") from None
            if not told:
                logging.getLogger("reconcile").warning(f"{path}: the state is in use by another run; waiting up to "
                                                       f"{wait:g} s")
                told = True
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise StateError(f"{path}: not a readable state file: {exc}") from None


class StateStore:
    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path):
        self.con, self.path = con, path

    @classmethod
    @contextmanager
    def open(cls, path: str | Path, wait: float = 0.0, create: bool = True) -> Iterator[StateStore]:
        path = Path(path)
        if not create and not path.exists():
            raise StateError(f"{path}: no such state file")
        con = _connect(path, wait)
        try:
            store = cls(con, path)
            store._migrate()
            yield store
        finally:
            con.close()

    # ------------------------------------------------------------ schema
    def version(self) -> int:
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.version()
        if current > SCHEMA_VERSION:
            raise StateError(f"{self.path}: state schema version {current} was written by a newer reconcile "
                             f"(this one reads up to {SCHEMA_VERSION}); upgrade reconcile")
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("DELETE FROM meta WHERE key = 'schema_version'")
                self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(version)])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    # ------------------------------------------------------------ reading
    def runs(self) -> pd.DataFrame:
        frame: pd.DataFrame = self.con.execute(
            "SELECT run_id, strftime(as_of AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS as_of, "
            "recorded_at, rules_sha256, forget, counts FROM runs ORDER BY run_id").df()
        return frame

    def previous_run(self, as_of: pd.Timestamp) -> int | None:
        row = self.con.execute("SELECT max_by(run_id, as_of) FROM runs WHERE as_of < ?", [as_of.to_pydatetime()]
                               ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def evidence(self, run_id: int | None) -> pd.DataFrame:
        if run_id is None:
            return pd.DataFrame(columns=["source", "attribute", "reliability", "right", "total"])
        frame: pd.DataFrame = self.con.execute("SELECT source, attribute, reliability, \"right\", total FROM "
                                               "source_evidence WHERE run_id = ? ORDER BY source, attribute",
                                               [run_id]).df()
        return frame

    def carried(self, as_of: pd.Timestamp, forget: float, per: str = "run"
                ) -> tuple[pd.DataFrame, pd.DataFrame, int | None, float]:
        """Priors from the latest run before `as_of`: (source, attribute, a, b) scaled by the share kept
        (`carried_share`); also that run's evidence, its id, and the share."""
        prev = self.previous_run(as_of)
        ev = self.evidence(prev)
        share = 0.0
        if prev is not None:
            prev_as_of = _scalar(self.con, "SELECT as_of FROM runs WHERE run_id = ?", [prev])
            share = carried_share(forget, per, pd.Timestamp(prev_as_of), as_of)
        return carried_priors(ev, share), ev, prev, share

    def verdicts(self, run_id: int) -> pd.DataFrame:
        frame: pd.DataFrame = self.con.execute(
            "SELECT i.subject, i.attribute, v.value, h.confidence::DOUBLE AS confidence, h.status "
            "FROM verdict_history h JOIN items i USING (item_id) JOIN vals v USING (value_id) WHERE h.run_id = ? "
            "ORDER BY i.subject, i.attribute, v.value", [run_id]).df()
        frame["status"] = np.array(STATUSES, dtype=object)[frame["status"].to_numpy(dtype=int)]
        return frame

    def contradictions(self, run_id: int | None = None) -> pd.DataFrame:
        """Every contradiction id with first/last run and as-of seen and its review; `run_id`: those seen then."""
        sql = ("WITH seen AS (SELECT cid, min(s.run_id) AS first_run, max(s.run_id) AS last_run, "
               "min(r.as_of) AS first_seen, max(r.as_of) AS last_seen FROM contradiction_seen s "
               "JOIN runs r ON r.run_id = s.run_id GROUP BY cid) "
               "SELECT c.id, c.subject, c.attribute, c.kind, seen.first_run, seen.last_run, "
               "strftime(seen.first_seen AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS first_seen, "
               "strftime(seen.last_seen AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS last_seen, "
               "c.review, c.reviewed_by, c.review_note FROM contradictions c JOIN seen USING (cid)")
        if run_id is not None:
            sql += f" WHERE c.cid IN (SELECT cid FROM contradiction_seen WHERE run_id = {int(run_id)})"
        frame: pd.DataFrame = self.con.execute(sql + " ORDER BY c.id").df()
        return frame

    def timeline(self, subject: str) -> pd.DataFrame:
        """The verdicts of one subject across runs, with a `changed` flag where the value moved from the run
        before (a state change between days, not a contradiction)."""
        frame: pd.DataFrame = self.con.execute(
            "SELECT h.run_id, strftime(r.as_of AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS as_of, i.attribute, "
            "v.value, h.confidence::DOUBLE AS confidence, h.status FROM verdict_history h "
            "JOIN items i USING (item_id) JOIN vals v USING (value_id) JOIN runs r ON r.run_id = h.run_id "
            "WHERE i.subject = ? ORDER BY i.attribute, r.as_of, v.value", [subject]).df()
        frame["status"] = np.array(STATUSES, dtype=object)[frame["status"].to_numpy(dtype=int)]
        prev = frame.groupby("attribute")["value"].shift()
        frame["changed"] = prev.notna() & (prev != frame["value"])
        return frame

    # ------------------------------------------------------------ writing
    def record(self, result: Result, as_of: pd.Timestamp, inputs: list[dict[str, Any]], rules_files: list[str],
               rules_sha: str,
               forget: float, previous: pd.DataFrame, recorded_at: str) -> int:
        """Record one run in one transaction; return its id. A run with the same as_of is replaced."""
        con = self.con
        evidence = carry_evidence(previous, result.evidence, forget)
        verdicts = result.verdicts[["subject", "attribute", "value", "confidence", "status"]].astype(
            {"subject": str, "attribute": str, "value": str, "confidence": "float32"})
        verdicts["status"] = verdicts["status"].map({s: i for i, s in enumerate(STATUSES)}).astype("uint8")
        c = result.contradictions
        review = c["status"].where(c["status"].isin(["resolved", "dismissed"]), "")
        contra = pd.DataFrame({"id": c["id"].astype(str), "subject": c["subject"].astype(str),
                               "attribute": c["attribute"].astype(str), "kind": c["kind"].astype(str),
                               "review": review.astype(str),
                               "by": c["decided_by"].astype(str) if "decided_by" in c else "",
                               "note": c["decision_note"].astype(str) if "decision_note" in c else ""})
        contra = contra.drop_duplicates("id")
        stamp = as_of.to_pydatetime()
        con.execute("BEGIN TRANSACTION")
        try:
            old = con.execute("SELECT run_id FROM runs WHERE as_of = ?", [stamp]).fetchone()
            if old is not None:
                for table in ("runs", "source_evidence", "verdict_history", "contradiction_seen"):
                    con.execute(f"DELETE FROM {table} WHERE run_id = ?", [old[0]])
                run_id = int(old[0])
            else:
                run_id = int(_scalar(con, "SELECT coalesce(max(run_id), 0) + 1 FROM runs"))
            con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, stamp, recorded_at, json.dumps(inputs), rules_sha, json.dumps(rules_files), forget,
                         json.dumps(result.counts, sort_keys=True, default=str)])
            con.register("ev_in", evidence)
            con.execute("INSERT INTO source_evidence SELECT ?, source, attribute, reliability, \"right\", total "
                        "FROM ev_in", [run_id])
            con.register("v_in", verdicts)
            con.execute("INSERT INTO items SELECT (SELECT coalesce(max(item_id), 0) FROM items) + row_number() OVER "
                        "(ORDER BY subject, attribute), subject, attribute FROM (SELECT DISTINCT subject, attribute "
                        "FROM v_in) n WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.subject = n.subject AND "
                        "i.attribute = n.attribute)")
            con.execute("INSERT INTO vals SELECT (SELECT coalesce(max(value_id), 0) FROM vals) + row_number() OVER "
                        "(ORDER BY value), value FROM (SELECT DISTINCT value FROM v_in) n WHERE NOT EXISTS "
                        "(SELECT 1 FROM vals v WHERE v.value = n.value)")
            con.execute("INSERT INTO verdict_history SELECT ?, i.item_id, v.value_id, x.confidence, x.status "
                        "FROM v_in x JOIN items i ON i.subject = x.subject AND i.attribute = x.attribute "
                        "JOIN vals v ON v.value = x.value ORDER BY i.item_id, v.value_id", [run_id])
            con.register("c_in", contra)
            con.execute("INSERT INTO contradictions SELECT (SELECT coalesce(max(cid), 0) FROM contradictions) + "
                        "row_number() OVER (ORDER BY id), id, subject, attribute, kind, 'open', '', '' FROM c_in n "
                        "WHERE NOT EXISTS (SELECT 1 FROM contradictions c WHERE c.id = n.id)")
            con.execute("UPDATE contradictions c SET review = n.review, reviewed_by = n.by, review_note = n.note "
                        "FROM c_in n WHERE c.id = n.id AND n.review <> ''")
            con.execute("INSERT INTO contradiction_seen SELECT ?, c.cid FROM c_in n JOIN contradictions c "
                        "ON c.id = n.id ORDER BY c.cid", [run_id])
            con.execute("DELETE FROM contradictions WHERE cid NOT IN (SELECT cid FROM contradiction_seen)")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            for name in ("ev_in", "v_in", "c_in"):
                try:
                    con.unregister(name)
                except Exception:  # noqa: BLE001 - not registered when an earlier step failed
                    pass
        return run_id

    def annotate_contradictions(self, frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
        """first_seen per contradiction (this run's as-of when new) and the review status the state remembers,
        where this run's decisions say nothing."""
        known = self.contradictions().set_index("id")
        out = frame.copy()
        stamp = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
        ids = out["id"].astype(str)
        first = ids.map(known["first_seen"]).astype(object).fillna(stamp).astype(str)
        out["first_seen"] = np.where(first < stamp, first, stamp)
        remembered = ids.map(known["review"]).astype(object).fillna("open")
        carry = remembered.isin(["resolved", "dismissed"]) & ~out["status"].isin(["resolved", "dismissed"])
        out.loc[carry, "status"] = remembered[carry]
        if "decided_by" in out:
            out.loc[carry, "decided_by"] = ids[carry].map(known["reviewed_by"])
            out.loc[carry, "decision_note"] = ids[carry].map(known["review_note"])
        return out

    # ------------------------------------------------------------ backup
    def export(self, folder: str | Path) -> None:
        """Every table as Parquet (DuckDB's EXPORT DATABASE: schema.sql, load.sql, one file per table)."""
        self.con.execute(f"EXPORT DATABASE '{_sql_path(folder)}' (FORMAT parquet)")


def import_state(folder: str | Path, path: str | Path) -> None:
    """A new state file from an export folder (refuses to overwrite an existing state)."""
    import duckdb

    folder, path = Path(folder), Path(path)
    if path.exists():
        raise StateError(f"{path}: already exists; import into a new file")
    if not (folder / "load.sql").exists():
        raise StateError(f"{folder}: not a state export (no load.sql); make one with `reconcile state export`")
    con = duckdb.connect(str(path))
    try:
        con.execute(f"IMPORT DATABASE '{_sql_path(folder)}'")
    finally:
        con.close()
    with StateStore.open(path):  # checks the version, migrates an older export forward
        pass


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """The first column of the first row of a query that always gives one row."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise StateError(f"the state store gave no row for {sql!r}")
    return row[0]


def _sql_path(folder: str | Path) -> str:
    return str(folder).replace("'", "''")


def carried_share(forget: float, per: str, previous_as_of: pd.Timestamp | None, as_of: pd.Timestamp | None) -> float:
    """The share of the evidence so far that the next run keeps: `forget` once per run, or per day of --as-of."""
    if previous_as_of is None:
        return 0.0
    if per == "run" or as_of is None:
        return float(forget)
    days = max((as_of - previous_as_of).total_seconds(), 0.0) / 86400.0
    return float(float(forget) ** days)


def carried_priors(evidence: pd.DataFrame, share: float) -> pd.DataFrame:
    """The table fed to sources.resolve_priors: source, attribute, a, b = share x (right, wrong) evidence."""
    right = evidence["right"].astype(float)
    return pd.DataFrame({"source": evidence["source"], "attribute": evidence["attribute"], "a": share * right,
                         "b": share * (evidence["total"].astype(float) - right).clip(lower=0)})


def carry_evidence(previous: pd.DataFrame, today: pd.DataFrame | None, forget: float) -> pd.DataFrame:
    """Evidence after this run: `forget` (the share kept) x the previous run's + this run's. Sources absent today keep their
    decayed evidence and last reliability."""
    cols = ["source", "attribute", "reliability", "right", "total"]
    today = pd.DataFrame(columns=cols) if today is None else today[cols]
    prev = previous[cols].copy() if len(previous) else pd.DataFrame(columns=cols)
    prev["right"] = prev["right"].astype(float) * forget
    prev["total"] = prev["total"].astype(float) * forget
    both = prev.merge(today, on=["source", "attribute"], how="outer", suffixes=("_p", "_t"))
    out = pd.DataFrame({"source": both["source"].astype(str), "attribute": both["attribute"].astype(str)})
    out["reliability"] = both["reliability_t"].astype(float).fillna(both["reliability_p"].astype(float))
    out["right"] = both["right_p"].astype(float).fillna(0) + both["right_t"].astype(float).fillna(0)
    out["total"] = both["total_p"].astype(float).fillna(0) + both["total_t"].astype(float).fillna(0)
    return out.sort_values(["source", "attribute"]).reset_index(drop=True)
