package schedule

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/notify"
)

// NoAlertsError is SendTestAlerts' error for a job without
// notifications.
type NoAlertsError struct{ Job, File string }

// Error names the job and the config keys that would give it some.
func (e *NoAlertsError) Error() string {
	return fmt.Sprintf("job %s has no notifications: set ping_url, webhook, notify_desktop or on_* hooks in %s, or at its top for every job",
		e.Job, e.File)
}

// AlertsFailedError is SendTestAlerts' error when Failed of a job's Of
// channels could not deliver the test.
type AlertsFailedError struct {
	Job        string
	Failed, Of int
}

// Error counts the channels that failed.
func (e *AlertsFailedError) Error() string {
	return fmt.Sprintf("%d of %d notification channels of job %s failed", e.Failed, e.Of, e.Job)
}

// SendTestAlerts sends a test event, at now, through each notification
// channel of job j (its alerts merged with c's top-level ones), one at a
// time, and writes to w how each went: "NAME ...", then "  sent" or
// "  failed: why", with what a hook printed between, each line after
// "  | ". Its error is a *NoAlertsError or an *AlertsFailedError, else a
// write's to w.
func (c *Config) SendTestAlerts(ctx context.Context, j Job, desktop notify.Notifier, w io.Writer, now time.Time) error {
	j = c.WithAlerts([]Job{j})[0]
	perRun, onChange := j.Alerts.Notifiers(desktop, notify.PrefixLines(w, "  | "), PasswordEnvs(c.Jobs))
	channels := append(perRun, onChange...)
	if len(channels) == 0 {
		return &NoAlertsError{Job: j.Name, File: c.File}
	}
	event := notify.Event{Job: j.Name, Kind: notify.Test, Time: now}
	s := &stickyWriter{w: w}
	failed := 0
	for _, n := range channels {
		s.printf("%s ...\n", n.Name())
		if u := Deliver(ctx, []notify.Notifier{n}, event, j.Alerts.HookTimeoutOrDefault()); len(u) > 0 {
			failed++
			s.printf("  failed: %s\n", errloc.OneLine(u[0].Err.Error()))
			continue
		}
		s.printf("  sent\n")
	}
	if failed > 0 {
		return &AlertsFailedError{Job: j.Name, Failed: failed, Of: len(channels)}
	}
	return s.err
}
