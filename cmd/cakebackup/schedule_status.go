package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/schedule"
)

// statusJSON is one job in `schedule status --json`.
type statusJSON struct {
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
	FailedBackups []schedule.FailedBackup `json:"failed_backups,omitempty"`
}

func scheduleStatusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "last run, result and next run of each job, overdue and failing ones first; exits 1 if any",
		Flags: []cli.Flag{configFlag(), &cli.BoolFlag{Name: "json", Usage: "print one JSON object"}},
		Action: func(c *cli.Context) error {
			_, cfg, err := e.loadScheduleConfig(c)
			if err != nil {
				return err
			}
			paths, err := schedule.DefaultPaths(e.getenv)
			if err != nil {
				return err
			}
			st, err := schedule.StateStore{Path: paths.State}.Load()
			if err != nil {
				return err
			}
			now := time.Now()
			rows, err := schedule.StatusAt(cfg, st, now)
			if err != nil {
				return err
			}
			// Backups that failed a check (retention or check_subset).
			vf, err := schedule.VerifiedStore{Path: paths.VerifiedPath()}.Load()
			if err != nil {
				return err
			}
			if c.Bool("json") {
				out := make([]statusJSON, 0, len(rows))
				for _, r := range rows {
					s := statusJSON{Job: r.Job, Result: r.Last.LastResult, Error: r.Last.LastError, LastBackup: r.Last.LastBackup, Next: r.Next, Failing: r.Failing}
					if !r.Last.LastStart.IsZero() {
						s.LastStart = &r.Last.LastStart
					}
					if !r.Last.LastSuccess.IsZero() {
						s.LastSuccess = &r.Last.LastSuccess
					}
					s.Overdue, s.WarnAfter = r.Overdue, r.WarnAfter.Seconds()
					if s.Next.IsZero() {
						s.Next = now
					}
					s.FailedBackups = vf.FailedFor(r.Job, time.Local)
					out = append(out, s)
				}
				if err := writeJSON(e.stdout, map[string][]statusJSON{"jobs": out}); err != nil {
					return err
				}
				return statusError(rows, vf)
			}
			if len(rows) == 0 {
				fmt.Fprintln(e.stdout, "No scheduled jobs.")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB\tLAST RUN\tRESULT\tNEXT RUN\tDETAIL")
			for _, r := range rows {
				last, result, detail := "never", "-", ""
				if !r.Last.LastStart.IsZero() {
					last = r.Last.LastStart.Local().Format("2006-01-02 15:04")
					result = r.Last.LastResult
				}
				switch {
				case r.Overdue:
					result = "OVERDUE"
					detail = overdueDetail(cfg, r)
				case r.Failing:
					result = strings.ToUpper(result)
					detail = r.Last.LastError
					if !r.Last.LastSuccess.IsZero() {
						detail += fmt.Sprintf(" (last success %s)", r.Last.LastSuccess.Local().Format("2006-01-02 15:04"))
					}
					if r.Last.LastFix != "" {
						detail += "; to fix: " + r.Last.LastFix
					}
				case r.Last.LastResult == schedule.ResultOK:
					detail = fmt.Sprintf("%s (%s)", r.Last.LastBackup, bytesize.Format(r.Last.LastSize))
				}
				next := "now"
				if !r.Next.IsZero() && r.Next.After(now) {
					next = r.Next.Local().Format("2006-01-02 15:04")
				} else if !r.Next.IsZero() && now.Sub(r.Next) > time.Hour {
					next = "overdue since " + r.Next.Local().Format("2006-01-02 15:04")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Job, last, result, next, detail)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, r := range rows {
				for _, f := range vf.FailedFor(r.Job, time.Local) {
					fmt.Fprintf(e.stdout, "DAMAGED backup of job %s at %s: %s (%s, checked %s); retention keeps it but never counts it as good\n",
						r.Job, f.Dest, f.Name, oneLine(f.Error), f.At.Local().Format("2006-01-02 15:04"))
				}
			}
			return statusError(rows, vf)
		},
	}
}

// statusError is status's error: the jobs that need attention and the
// backups that failed a check.
func statusError(rows []schedule.JobStatus, vf *schedule.VerifiedFile) error {
	var damaged int
	for _, r := range rows {
		damaged += len(vf.FailedFor(r.Job, time.Local))
	}
	err := attentionError(rows)
	if damaged == 0 {
		return err
	}
	msg := fmt.Sprintf("%d stored backups failed a check", damaged)
	if err != nil {
		msg = err.Error() + "; " + msg
	}
	return errors.New(msg)
}

// attentionError is the error of `schedule status` when jobs are overdue
// or failing: the exit code 1 lets a login script or monitoring notice.
func attentionError(rows []schedule.JobStatus) error {
	var bad []string
	for _, r := range rows {
		switch {
		case r.Overdue:
			bad = append(bad, r.Job+" (overdue)")
		case r.Last.LastResult == schedule.ResultFailed:
			// A run stopped by a signal left nothing behind and is
			// caught up: it is shown, not reported.
			bad = append(bad, r.Job+" (failing)")
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d jobs need attention: %s", len(bad), len(rows), strings.Join(bad, ", "))
}

// overdueDetail says since when an overdue job has no verified backup
// (a watch job: no run without an error), and why, for `schedule status`.
func overdueDetail(cfg *schedule.Config, r schedule.JobStatus) string {
	since, what := r.Last.LastSuccess, "no verified backup"
	if j, _ := cfg.Job(r.Job); j.Watch != "" {
		since, what = r.Last.LastOK, "no run without an error"
	}
	d := fmt.Sprintf("%s since %s (warn after %s)", what, since.Local().Format("2006-01-02 15:04"), r.WarnAfter)
	if r.Failing && r.Last.LastError != "" {
		d += "; last run: " + r.Last.LastError
	}
	if r.Last.LastFix != "" {
		d += "; to fix: " + r.Last.LastFix
	}
	return d
}
