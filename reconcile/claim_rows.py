"""The per-claim table (claims.parquet, `Result.claims`): each accepted claim's evidence and what it counted for.

Its rows are made from the problem's and the fit's arrays when asked for, a slice at a time: at 10M claims the
table's computed columns take about 600 MB (the content ids alone 270 MB) and hashing the ids about 400 MB of
temporaries, so `reconcile run` writes claims.parquet one row group at a time (outputs/tables.py) and the report
takes only the rows of the subjects it shows; `Result.claims` makes the whole frame for a Python caller.
Every row is computed from its own claim alone, so a slice gives the same values as the whole table.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .solve.arrays import Problem
    from .solve.engine import Fit

CLAIM_COLUMNS = ["claim_id", "source", "subject", "attribute", "value", "value_key", "published_at", "valid_from",
                 "valid_to", "speaker", "speaker_role", "speaker_affiliation", "quote", "url", "derived_from",
                 "weight", "recency", "copies", "copy_discount", "reliability", "vote", "posterior", "chosen"]
INTERNAL = {"item", "cand", "source_id", "assertion", "effective_weight", "value_num", "valid_at"}
COMPUTED = {"claim_id", "value_key", "copy_discount", "reliability", "vote", "posterior", "chosen"}
ID_CHUNK = 1 << 21  # rows hashed at once by `content_ids`


def content_ids(claims: pd.DataFrame) -> pd.Series:
    """A stable id per claim from its content (source, subject, attribute, value, publication time)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    stamps = claims["published_at"]
    t = pd.DataFrame({"t": np.where(stamps.isna().to_numpy(), -1, stamps.array.asi8)}, index=claims.index, copy=False)
    # concat, not assign: no copy of the columns (10M claims: 80 MB each); large_string is what a str column holds
    keyed = pd.concat([_used_categories(claims[c]) for c in ("source", "subject", "attribute", "value")] + [t],
                      axis=1)
    del t
    # a row's hash depends on that row alone: hashed a slice at a time, the hashing's per-column temporaries stay
    # small (the whole 10M-claim frame at once: about 400 MB of them)
    chunks = [pc.cast(pa.array(pd.util.hash_pandas_object(keyed.iloc[start:start + ID_CHUNK], index=False)
                               .to_numpy()), pa.large_string())
              for start in range(0, len(keyed), ID_CHUNK)]
    ids = pa.chunked_array(chunks, type=pa.large_string()).combine_chunks()
    del chunks
    return pd.Series(pd.array(ids, dtype="str"), index=claims.index)


def _used_categories(column: pd.Series) -> pd.Series:
    """A categorical column of a few rows with only the categories they use (same values): pandas hashes a
    categorical by hashing every category, and the report asks for the ids of a few thousand of 1M claims whose
    200,000 subjects are categories. A row's hash depends on its value only, so the ids are the same."""
    if not isinstance(column.dtype, pd.CategoricalDtype) or len(column) >= len(column.cat.categories):
        return column
    return column.cat.remove_unused_categories()


class ClaimRows:
    """The per-claim table, made on demand from the arrays it is computed from (held by reference)."""

    def __init__(self, problem: Problem, f: Fit, verdicts: pd.DataFrame):
        part, claims = problem.part, problem.claims
        self.names = CLAIM_COLUMNS + [c for c in claims.columns if c not in CLAIM_COLUMNS and not c.startswith("_")
                                      and c not in INTERNAL]
        # only the columns the table shows or is computed from (no copy: the frame's own column arrays)
        keep = [c for c in self.names if c in claims and c not in COMPUTED] + ["cand", "item", "assertion"] \
            + [c for c in ("claim_id", "value_key") if c in claims]
        self.claims = claims[list(dict.fromkeys(keep))]
        self.chosen = np.zeros(part.n_cands, dtype=bool)
        self.chosen[verdicts["_cand"].to_numpy()] = True
        self.key_code = problem.cands["key_code"].to_numpy()
        self.n_false, self.sa, self.weight = part.item_n_false, part.sa, part.assert_w
        self.sa_reliability, self.copy_factor, self.prob = f.sa_reliability, f.copy_factor, f.cand_prob

    def __len__(self) -> int:
        return len(self.claims)

    def frame(self, rows: np.ndarray | slice | None = None) -> pd.DataFrame:
        """The table's rows (all, a slice, or positions), in feed order, with a fresh RangeIndex."""
        claims = self.claims if rows is None else self.claims.iloc[rows]
        cand = claims["cand"].to_numpy()
        assertion = claims["assertion"].to_numpy()
        rel = self.sa_reliability[self.sa[assertion]]
        copy_discount = self.copy_factor[assertion]
        # vote = weight x copy discount x ln(n_false x rel / (1 - rel)), in place (the same operations in the same
        # order as the formula, so the same bits)
        vote = self.n_false[claims["item"].to_numpy()] * rel
        vote /= 1 - rel
        np.log(vote, out=vote)
        weight = self.weight[assertion]
        weight *= copy_discount
        vote *= weight
        del weight
        ids = content_ids(claims)
        if "claim_id" in claims:  # ids given by the feed win
            given = claims["claim_id"].astype(str)
            ids = given.where(given != "", ids)
        computed: dict[str, Any] = {
            "claim_id": ids,
            "value_key": pd.Categorical.from_codes(self.key_code[cand], claims["value_key"].cat.categories,
                                                   validate=False),
            "copy_discount": copy_discount,
            "reliability": rel,
            "vote": vote,
            "posterior": self.prob[cand],
            "chosen": self.chosen[cand],
        }
        empty = pd.Categorical.from_codes(np.zeros(len(claims), dtype=np.int8), pd.Index([""]))
        columns = {}
        for name in self.names:
            values = computed[name] if name in computed else claims[name] if name in claims else empty
            columns[name] = values.array if isinstance(values, pd.Series) else values
        return pd.DataFrame(columns, copy=False)

    def batches(self, size: int) -> Iterator[pd.DataFrame]:
        """The table in slices of `size` rows."""
        for start in range(0, len(self), size):
            yield self.frame(slice(start, start + size))

    def of_subjects(self, subjects: Any) -> pd.DataFrame:
        """The rows of these subjects (in table order)."""
        return self.frame(self.subject_rows(subjects))

    def subject_rows(self, subjects: Any) -> np.ndarray:
        """The positions of the rows of these subjects (in table order)."""
        column = self.claims["subject"]
        if not isinstance(column.dtype, pd.CategoricalDtype):
            return np.flatnonzero(column.isin(subjects).to_numpy())
        # by category code: which categories are wanted (Arrow hashes the few subjects and probes each category
        # once; pandas' lookup built a hash table of all 200,000), not every row's text hashed
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = pa.array([str(s) for s in subjects], pa.large_string())
        found = pc.is_in(pa.array(column.cat.categories.astype(str), pa.large_string()), value_set=wanted)
        if isinstance(found, pa.ChunkedArray):  # text held by Arrow in chunks
            found = found.combine_chunks()
        keep = np.append(found.to_numpy(zero_copy_only=False), False)  # the last slot: code -1 (missing)
        return np.flatnonzero(keep[column.cat.codes.to_numpy()])

    def feed_columns(self, names: list[str]) -> pd.DataFrame:
        """Columns taken from the feed as they are (no computed column), every row."""
        return self.claims[names]
