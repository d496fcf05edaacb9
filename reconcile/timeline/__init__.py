"""Time model: each subject-attribute's state over time (a continuous-time HMM over its candidate values),
timelines, and the time-aware contradiction kinds. See hmm.py (model), evidence.py (valid times, corrections),
kinds.py (contradictions), integrate.py (EM loop with the static solver)."""
from .hmm import TIMELINE_COLUMNS, TimelineFit, fit_timelines
from .integrate import TimeModel, TimeSolve, change_every_by_item, fit_with_time
from .kinds import time_contradictions

__all__ = ["TIMELINE_COLUMNS", "TimelineFit", "fit_timelines", "TimeModel", "change_every_by_item",
           "fit_with_time", "TimeSolve", "time_contradictions"]
