"""Seeded generator of synthetic claim feeds with known truth (benchmarks and tests).

Model
-----
* **Sources.** ``n_sources`` sources; source *s* has a true reliability (accuracy) ``A_s ~ Beta(a, b)``
  (``reliability_beta``) and an activity weight: Zipf ``rank**-skew`` over a random ranking (``activity="zipf"``),
  ``exp(skew * N(0, 1))`` (``"lognormal"``) or equal (``"uniform"``). The ``n_claims`` independent claims are
  split over the sources by a multinomial draw on the normalised activity (then shuffled).
* **Cells.** ``n_subjects`` subjects x ``attributes``; each (subject, attribute) cell has a categorical domain of
  ``domain_size`` values ``"v0".."v9"`` (zero-padded so that string order is code order) and a uniformly drawn
  initial value.
* **Time.** Claims are published uniformly (whole seconds, UTC) in ``[start, start + span_days)``. ``valid_at`` is
  the time the claim refers to: ``published_at`` minus a uniform lag in ``[0, valid_lag_seconds]`` (clipped at
  ``start``). A fraction ``change_rate`` of the cells (exactly ``round(change_rate * cells)``) changes state
  ``changes_per_subject`` times at uniform random times inside the window, each time to a different value. The
  timeline holds the intervals ``[valid_from, valid_to)``: the first starts at ``start``, the last ends at
  ``start + span``; the truth table is the state at the end of the window.
* **Claims (Accu / one-coin model).** A claim picks its source by activity and its subject and attribute uniformly.
  It reports the state true at ``valid_at`` (with probability ``stale_prob``, when the cell has already changed,
  the previous state: lag); with probability ``A_s`` it reports that state, else a uniformly drawn other value.
* **Copying.** ``n_copiers`` sources (random, never a target themselves) each copy one target source drawn among
  the others by activity: every target claim is repeated with probability ``copy_prob`` (same subject, attribute,
  value - errors included - and valid_at), published 1..``copy_lag_seconds`` later. ``copy_mode="add"``: the
  copier keeps its own independent claims; ``"replace"``: it only copies. Copies come on top of ``n_claims``.
* **copy_attack scenario.** The last ``attack_subjects`` subjects get no ordinary claims and never change. On each
  of their cells ``attack_honest`` reliable sources (reliability ``attack_reliability[0]``) report the true value,
  one low-quality origin source reports a false value, and ``attack_copiers`` low-quality sources
  (``attack_reliability[1]``) copy that false report. These sources are drawn from the ``n_sources`` and also make
  ordinary claims at their set reliability. The truth stays the independently reported value.
* **Oracle.** Per claimed cell, the Accu vote with the true reliabilities: each claim weighs
  ``ln(n * A / (1 - A))``, ``n = domain_size - 1``; the value with the largest total wins, ties to the smallest
  value; ``oracle_accuracy`` is the share of claimed cells whose winner equals the truth at the end of the window.
  ``oracle_accuracy_independent`` ignores copied claims (an oracle that also knows the copying),
  ``majority_accuracy`` is the unweighted vote.

Everything is vectorised numpy (no per-claim Python objects); each part draws from its own stream
``default_rng([seed, part])``, so a fixed seed gives byte-identical output, and e.g. adding copiers in ``"add"`` mode
leaves the independent claims unchanged. Claims are ordered by ``published_at`` (ties: ordinary claims first);
a copy may be published up to ``copy_lag_seconds`` after the window end.

Outputs: ``generate(config) -> SynthFeed`` with ``claims`` (source, subject, attribute, value as categoricals,
published_at, valid_at as ``datetime64[ns, UTC]``; ~31 bytes a row), ``truth`` (final value, n_claims, changes per
cell), ``timeline`` (valid_from, valid_to, value), ``sources`` (reliability, activity, role, is_copier,
copies_from, n_claims), ``stats`` (counts, accuracies, the config; no timings, so it is reproducible) and
``is_copy`` (bool per claims row). ``write(feed, out_dir, fmt)`` writes claims.parquet (zstd) or claims.csv.gz,
truth.csv, timeline.csv, sources.csv and stats.json, each atomically (temporary file + ``os.replace``).
"""
from .io import write
from .model import SynthConfig, SynthFeed, generate

__all__ = ["SynthConfig", "SynthFeed", "generate", "write"]
