package schedule

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// MinInterval is the shortest interval a job may have.
const MinInterval = time.Minute

// RetryAfter is how soon a failed run is tried again, unless the schedule
// is due sooner.
const RetryAfter = time.Hour

// Timing says when a job runs next, given when it last ran.
type Timing interface {
	// Next returns the first run time strictly after last.
	Next(last time.Time) time.Time
	// String returns the timing as written in the config.
	String() string
}

// Interval runs a job a fixed duration after its last run.
type Interval time.Duration

// Next implements Timing.
func (d Interval) Next(last time.Time) time.Time { return last.Add(time.Duration(d)) }

// String returns "every DURATION".
func (d Interval) String() string { return "every " + time.Duration(d).String() }

// Cron runs a job at the times of a cron expression.
type Cron struct {
	expr  string
	sched cron.Schedule
}

// ParseCron parses a standard five-field cron expression or a descriptor
// such as "@daily".
func ParseCron(expr string) (Cron, error) {
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return Cron{}, fmt.Errorf("cron expression %q: %w", expr, err)
	}
	return Cron{expr: expr, sched: s}, nil
}

// Next implements Timing.
func (c Cron) Next(last time.Time) time.Time { return c.sched.Next(last) }

// String returns "cron EXPR".
func (c Cron) String() string { return "cron " + c.expr }

// Schedule returns the job's timing.
func (j Job) Schedule() (Timing, error) {
	if j.Cron != "" {
		return ParseCron(j.Cron)
	}
	d, err := time.ParseDuration(j.Every)
	if err != nil {
		return nil, fmt.Errorf("interval %q: want a duration such as 24h or 90m", j.Every)
	}
	if d < MinInterval {
		return nil, fmt.Errorf("interval %q is shorter than %v", j.Every, MinInterval)
	}
	return Interval(d), nil
}

// NextRun returns when a job with timing t should run next, given its last
// recorded run. A job that never ran is due at once (the zero time). A run
// missed while the machine was off is caught up once, as soon as possible,
// not once per missed slot. A failed last run is retried after RetryAfter
// or at the next scheduled time, whichever is sooner.
func NextRun(t Timing, last JobState) time.Time {
	if last.LastStart.IsZero() {
		return time.Time{}
	}
	next := t.Next(last.LastStart)
	if last.LastResult != ResultOK {
		if retry := last.LastStart.Add(RetryAfter); retry.Before(next) {
			next = retry
		}
	}
	return next
}

// Due reports whether a job with timing t and state last should run at now.
func Due(t Timing, last JobState, now time.Time) bool {
	return !now.Before(NextRun(t, last))
}
