package schedule

import (
	"cmp"
	"slices"
	"time"
)

// Conditions of a job, as the scheduler last notified them (JobState.Notified).
const (
	conditionOK      = "ok"
	conditionFailing = "failing"
	conditionOverdue = "overdue"
)

// IsOverdue reports whether job, in state js, has gone longer than
// warnAfter at now without doing its work: making a verified backup, or
// for a watch job (which has nothing to send until the app exports one)
// looking through its folder without an error. A job that never did is
// not overdue (it is new, or failing).
func IsOverdue(job Job, js JobState, warnAfter time.Duration, now time.Time) bool {
	last := js.LastSuccess
	if job.Watch != "" {
		last = js.LastOK
	}
	return !last.IsZero() && now.Sub(last) > warnAfter
}

// condition is what js says of a job at now: overdue, failing or ok, or
// "" when nothing is known (it never ran, or its last run was stopped by
// a signal and so says nothing new).
func condition(job Job, js JobState, warnAfter time.Duration, now time.Time) string {
	switch {
	case IsOverdue(job, js, warnAfter, now):
		return conditionOverdue
	case js.LastResult == ResultFailed:
		return conditionFailing
	case js.LastResult == ResultOK:
		return conditionOK
	}
	return ""
}

// StatusAt is Status with each row's WarnAfter and Overdue filled in for
// now, overdue jobs first, then failing ones, then the rest in config
// order. c's top-level alerts apply.
func StatusAt(c *Config, st *State, now time.Time) ([]JobStatus, error) {
	rows, err := Status(c, st)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		job, _ := c.Job(rows[i].Job)
		job.Alerts = job.Alerts.Merge(c.Alerts)
		if rows[i].WarnAfter, err = WarnAfterOf(job, now); err != nil {
			return nil, &JobError{Job: job.Name, Err: err}
		}
		rows[i].Overdue = IsOverdue(job, rows[i].Last, rows[i].WarnAfter, now)
	}
	rank := func(r JobStatus) int {
		switch {
		case r.Overdue:
			return 0
		case r.Failing:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(rows, func(a, b JobStatus) int { return cmp.Compare(rank(a), rank(b)) })
	return rows, nil
}
