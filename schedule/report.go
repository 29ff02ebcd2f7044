package schedule

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/internal/english"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// timeLayout is how status details show a time, in local time.
const timeLayout = "2006-01-02 15:04"

// LoadStatus reads the state of c's jobs (see Paths.StateFor) and the
// verification file under paths and returns the status of each job of c
// at now (see StatusAt), with the stored backups of each that failed a
// check. log gets the warning of a damaged state file moved aside (see
// StateStore.Load); nil discards it.
func LoadStatus(c *Config, paths Paths, log *slog.Logger, now time.Time) (Statuses, error) {
	st, err := paths.StateFor(c.File, log).Load()
	if err != nil {
		return Statuses{}, err
	}
	rows, err := StatusAt(c, st, now)
	if err != nil {
		return Statuses{}, err
	}
	vf, err := VerifiedStore{Path: paths.VerifiedPath()}.Load()
	if err != nil {
		return Statuses{}, err
	}
	for i := range rows {
		rows[i].Failed = vf.FailedFor(rows[i].Job, time.Local)
	}
	return Statuses{Jobs: rows, At: now}, nil
}

// Detail says in one line what a job's row needs to say: since when an
// overdue job has done no work and why, a failing job's error, why the
// last run was skipped, or the last backup of a job that works (of a
// watch job that never found an export to ship, that it found nothing).
func (r JobStatus) Detail() string {
	d := r.detail()
	switch {
	case r.Running:
		return join("running since "+r.Last.RunningSince.Local().Format(timeLayout), d)
	case r.Interrupted:
		return join("the run started "+r.Last.RunningSince.Local().Format(timeLayout)+
			" was killed before it ended (kill -9, a crash, the machine stopped); it runs again when due", d)
	}
	return d
}

// join is a and b, "; " between them when b is not empty.
func join(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// detail is Detail without the run in progress or killed.
func (r JobStatus) detail() string {
	var d string
	switch {
	case r.Overdue:
		since, what := r.Last.LastSuccess, "no verified backup"
		if r.Watch {
			since, what = r.Last.LastOK, "no run without an error"
		}
		d = fmt.Sprintf("%s since %s (warn after %s)", what, since.Local().Format(timeLayout), r.WarnAfter)
		switch {
		case r.Failing && r.Last.LastError != "":
			d += "; last run: " + r.Last.LastError
		case r.Last.LastResult == ResultSkipped && r.Last.LastError != "":
			d += "; last run skipped: " + r.Last.LastError
		}
	case r.Failing:
		d = r.Last.LastError
		if !r.Last.LastSuccess.IsZero() {
			d += fmt.Sprintf(" (last success %s)", r.Last.LastSuccess.Local().Format(timeLayout))
		}
	case r.Last.LastResult == ResultSkipped:
		return r.Last.LastError
	case r.Last.LastResult == ResultOK && r.Last.LastBackup != "":
		return fmt.Sprintf("%s (%s)", r.Last.LastBackup, bytesize.Format(r.Last.LastSize))
	case r.Last.LastResult == ResultOK && r.Watch:
		// Its runs found no export it had not shipped yet.
		return "nothing new to ship"
	default:
		return ""
	}
	if r.Last.LastFix != "" {
		d += "; to fix: " + r.Last.LastFix
	}
	return d
}

// Columns are r's last run, result and next run as schedule status's
// table shows them at now: the last run's start ("never") and result
// ("-" for none; OVERDUE, running or interrupted instead, a failing one
// in capitals), and the next run: "now" when due, else its time, or
// "overdue since" its time when that is over an hour past.
func (r JobStatus) Columns(now time.Time) (last, result, next string) {
	last, result = "never", "-"
	if !r.Last.LastStart.IsZero() {
		last, result = r.Last.LastStart.Local().Format(timeLayout), r.Last.LastResult
	}
	switch {
	case r.Overdue:
		result = "OVERDUE"
	case r.Running:
		result = "running"
	case r.Interrupted:
		result = "interrupted"
	case r.Failing:
		result = strings.ToUpper(result)
	}
	next = "now"
	if !r.Next.IsZero() && r.Next.After(now) {
		next = r.Next.Local().Format(timeLayout)
	} else if !r.Next.IsZero() && now.Sub(r.Next) > time.Hour {
		next = "overdue since " + r.Next.Local().Format(timeLayout)
	}
	return last, result, next
}

// Damaged is one line for each of r's stored backups that failed a
// check, as schedule status prints them below its table.
func (r JobStatus) Damaged() []string {
	lines := make([]string, 0, len(r.Failed))
	for _, f := range r.Failed {
		lines = append(lines, fmt.Sprintf("DAMAGED backup of job %s at %s: %s (%s, checked %s); retention keeps it but never counts it as good",
			r.Job, f.Dest, f.Name, errloc.OneLine(f.Error), f.At.Local().Format(timeLayout)))
	}
	return lines
}

// Statuses is the status of a config's jobs at At, as schedule status
// shows it: as text (WriteText) or as JSON (a StatusReport).
type Statuses struct {
	Jobs []JobStatus
	At   time.Time
}

// StatusReport is the status of a config's jobs as `schedule status
// --json` prints it: {"jobs": [...]}, [] when there are none.
type StatusReport struct {
	Jobs []JobReport `json:"jobs"`
}

// MarshalJSON writes s as its StatusReport (see JobStatus.Report).
func (s Statuses) MarshalJSON() ([]byte, error) {
	out := make([]JobReport, 0, len(s.Jobs))
	for _, r := range s.Jobs {
		out = append(out, r.Report(s.At))
	}
	return json.Marshal(StatusReport{Jobs: out})
}

// JobReport is one job's status as `schedule status --json` prints it.
type JobReport struct {
	Job        string     `json:"job"`
	LastStart  *time.Time `json:"last_start,omitempty"`
	Result     string     `json:"result,omitempty"`
	Error      string     `json:"error,omitempty"`
	LastBackup string     `json:"last_backup,omitempty"`
	Next       time.Time  `json:"next_run"`
	Failing    bool       `json:"failing"`
	Overdue    bool       `json:"overdue"`
	// LastSuccess is when the last verified backup was made; WarnAfter
	// how old it may grow (seconds) before the job is overdue.
	LastSuccess *time.Time `json:"last_success,omitempty"`
	WarnAfter   float64    `json:"warn_after_seconds"`
	// FailedBackups are the job's stored backups that failed a check.
	FailedBackups []FailedBackup `json:"failed_backups,omitempty"`
	// Running is set while a run is in progress; Interrupted when the
	// last run started was killed before it ended.
	Running     bool `json:"running,omitempty"`
	Interrupted bool `json:"interrupted,omitempty"`
}

// Report is r as a JobReport; a job due now has now as its next run.
func (r JobStatus) Report(now time.Time) JobReport {
	s := JobReport{
		Job: r.Job, Result: r.Last.LastResult, Error: r.Last.LastError, LastBackup: r.Last.LastBackup, Next: r.Next,
		Failing: r.Failing, Overdue: r.Overdue, WarnAfter: r.WarnAfter.Seconds(), FailedBackups: r.Failed,
		Running: r.Running, Interrupted: r.Interrupted,
	}
	if !r.Last.LastStart.IsZero() {
		s.LastStart = &r.Last.LastStart
	}
	if !r.Last.LastSuccess.IsZero() {
		s.LastSuccess = &r.Last.LastSuccess
	}
	if s.Next.IsZero() {
		s.Next = now
	}
	return s
}

// AttentionError is returned by Attention when jobs are overdue or
// failing, or stored backups failed a check.
type AttentionError struct {
	// Jobs names each job that needs attention and why, such as
	// "nightly (overdue)"; Total is the number of jobs.
	Jobs  []string
	Total int
	// Damaged counts the stored backups that failed a check.
	Damaged int
}

// Error names the jobs that need attention and counts the damaged
// backups, such as "1 of 2 jobs need attention: stale (overdue)".
func (e *AttentionError) Error() string {
	var parts []string
	if n := len(e.Jobs); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d %s %s attention: %s", n, e.Total,
			english.Plural(e.Total, "job", "jobs"), english.Plural(n, "needs", "need"), strings.Join(e.Jobs, ", ")))
	}
	if e.Damaged > 0 {
		parts = append(parts, fmt.Sprintf("%d stored %s a check", e.Damaged, english.Plural(e.Damaged, "backup failed", "backups failed")))
	}
	return strings.Join(parts, "; ")
}

// Attention returns an *AttentionError when some job of rows is overdue
// or its last run failed, or some of its stored backups failed a check;
// nil when all is well. A run stopped by a signal left nothing behind and
// is caught up: it is shown, not reported.
func Attention(rows []JobStatus) error {
	e := &AttentionError{Total: len(rows)}
	for _, r := range rows {
		switch {
		case r.Overdue:
			e.Jobs = append(e.Jobs, r.Job+" (overdue)")
		case r.Last.LastResult == ResultFailed:
			e.Jobs = append(e.Jobs, r.Job+" (failing)")
		}
		e.Damaged += len(r.Failed)
	}
	if len(e.Jobs) == 0 && e.Damaged == 0 {
		return nil
	}
	return e
}
