package schedule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/notify"
)

// notifyTimeout bounds each ping, webhook and desktop notification.
const notifyTimeout = 30 * time.Second

// maxHookOutput bounds what the log keeps of one hook's output.
const maxHookOutput = 16 << 10

// Notifiers returns the notifiers a's keys configure: perRun get every
// run's start, success and failure, and the end of a started run that
// was skipped (the ping; the on_success hook),
// onChange get the events of a job that starts failing, turns overdue or
// works again (the webhook, the desktop, the on_failure and on_overdue
// hooks). Hooks write their output to hookOut; neither they nor the
// desktop's osascript see the variables named in scrub (the jobs' password_env).
func (a Alerts) Notifiers(desktop notify.Notifier, hookOut io.Writer, scrub []string) (perRun, onChange []notify.Notifier) {
	if a.PingURL != "" {
		perRun = append(perRun, notify.Ping{URL: a.PingURL})
	}
	if a.OnSuccess != "" {
		perRun = append(perRun, notify.Hook{Command: a.OnSuccess, Kinds: []notify.Kind{notify.Success}, Output: hookOut, Scrub: scrub})
	}
	if a.Webhook != "" {
		onChange = append(onChange, notify.Webhook{URL: a.Webhook})
	}
	if a.NotifyDesktop {
		if desktop == nil {
			desktop = notify.Desktop{GOOS: runtime.GOOS}
		}
		if d, ok := desktop.(notify.Desktop); ok {
			d.Scrub = scrub // osascript, like the hooks, never sees them
			desktop = d
		}
		onChange = append(onChange, desktop)
	}
	if a.OnFailure != "" {
		onChange = append(onChange, notify.Hook{Command: a.OnFailure, Kinds: []notify.Kind{notify.Failure}, Output: hookOut, Scrub: scrub})
	}
	if a.OnOverdue != "" {
		onChange = append(onChange, notify.Hook{Command: a.OnOverdue, Kinds: []notify.Kind{notify.Overdue}, Output: hookOut, Scrub: scrub})
	}
	return perRun, onChange
}

// PasswordEnvs are the environment variables jobs read passwords from.
func PasswordEnvs(jobs []Job) []string {
	var names []string
	for _, j := range jobs {
		if j.PasswordEnv != "" {
			names = append(names, j.PasswordEnv)
		}
	}
	return names
}

// Deliver sends e through each notifier, hooks bounded by the hook
// timeout and the others by 30 s, and returns the failures. What hooks
// print is written to hookOut. A failure never stops anything: the
// caller reports it.
func Deliver(ctx context.Context, ns []notify.Notifier, e notify.Event, hookTimeout time.Duration) []notify.Undelivered {
	var failed []notify.Undelivered
	for _, n := range ns {
		timeout := notifyTimeout
		if _, ok := n.(notify.Hook); ok {
			timeout = hookTimeout
		}
		failed = append(failed, notify.Send(ctx, []notify.Notifier{n}, e, timeout)...)
	}
	return failed
}

// alert is an event and who gets it.
type alert struct {
	event    notify.Event
	onChange bool // to the onChange notifiers, else the perRun ones
}

// notifyStart pings the start of a run.
func (s *Scheduler) notifyStart(ctx context.Context, job Job, start time.Time) {
	s.send(ctx, job, []alert{{event: notify.Event{Job: job.Name, Kind: notify.Start, Time: start}}})
}

// runAlerts returns the events of a finished run whose state is now js
// (the run's err and res), and records in js what was notified and the
// fix for a failure. A run stopped by a signal, or skipped, tells nothing,
// but a skipped run whose start was pinged (begun) ends it with a
// notify.Skipped to the ping, so the monitor sees no run that hung.
func (s *Scheduler) runAlerts(job Job, js *JobState, res Result, err error, now time.Time, begun bool) []alert {
	if js.LastResult == ResultSkipped && begun {
		return []alert{{event: notify.Event{Job: job.Name, Kind: notify.Skipped, Time: now, Error: js.LastError}}}
	}
	if js.LastResult == ResultAborted || js.LastResult == ResultSkipped {
		return nil
	}
	if js.LastResult == ResultOK {
		js.LastOK = js.LastStart
	}
	js.LastFix = ""
	if err != nil && s.Fix != nil {
		js.LastFix = s.Fix(job, err)
	}
	e := notify.Event{Job: job.Name, Time: now, Error: js.LastError, Fix: js.LastFix}
	if js.LastResult == ResultOK {
		e.Kind, e.File, e.Size = notify.Success, js.LastBackup, js.LastSize
		for _, c := range res.Copies {
			e.Dests = append(e.Dests, c.Dest)
		}
	} else {
		e.Kind = notify.Failure
	}
	alerts := []alert{{event: e}}
	if change, ok := s.transition(job, js, now); ok {
		change.File, change.Size, change.Dests = e.File, e.Size, e.Dests
		alerts = append(alerts, alert{event: change, onChange: true})
	}
	return alerts
}

// transition compares js's condition at now with the one last notified
// and, when it changed, records the new one in js and returns its event.
func (s *Scheduler) transition(job Job, js *JobState, now time.Time) (notify.Event, bool) {
	warnAfter, err := WarnAfterOf(job, now)
	if err != nil {
		return notify.Event{}, false
	}
	cond := condition(job, *js, warnAfter, now)
	prev := js.Notified
	if prev == "" {
		prev = conditionOK
	}
	if cond == "" || cond == prev {
		return notify.Event{}, false
	}
	js.Notified = cond
	e := notify.Event{Job: job.Name, Time: now, Error: js.LastError, Fix: js.LastFix}
	switch cond {
	case conditionOK:
		e.Kind, e.Error, e.Fix = notify.Recovered, "", ""
	case conditionFailing:
		e.Kind = notify.Failure
	case conditionOverdue:
		e.Kind = notify.Overdue
		if job.Watch != "" {
			e.Error = fmt.Sprintf("No look through %s without an error for %s.", job.Watch, roundAge(now.Sub(js.LastOK)))
		} else {
			e.Error = fmt.Sprintf("No verified backup for %s (the last one is from %s).",
				roundAge(now.Sub(js.LastSuccess)), js.LastSuccess.Local().Format("2006-01-02 15:04"))
		}
		switch {
		case js.LastResult == ResultFailed && js.LastError != "":
			e.Error += " The last run failed: " + js.LastError
		case js.LastResult == ResultSkipped && js.LastError != "":
			e.Error += " The last run was skipped: " + js.LastError
			e.Fix = ""
		default:
			e.Fix = ""
		}
	}
	return e, true
}

// roundAge says how long d is, in days and hours, or hours and minutes.
func roundAge(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours())/24)
	}
	return d.Round(time.Minute).String()
}

// checkOverdue tells about each job whose condition changed without a
// run (it turned overdue), under the job's lock; a job another process
// holds the lock of is left to it.
func (s *Scheduler) checkOverdue(ctx context.Context) error {
	var errs []error
	for _, job := range s.Jobs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.checkJobOverdue(ctx, job); err != nil && !errors.Is(err, ErrLocked) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) checkJobOverdue(ctx context.Context, job Job) error {
	if !job.Alerts.HasNotifiers() {
		return nil
	}
	now := s.Clock.Now()
	js, err := s.State.Job(job.Name)
	if err != nil {
		return err
	}
	if _, changed := s.transition(job, &js, now); !changed {
		return nil
	}
	lock, err := LockJob(s.LockDir, job.Name)
	if err != nil {
		return err
	}
	defer lock.Release()
	// Look again under the lock: a run may have ended meanwhile.
	if js, err = s.State.Job(job.Name); err != nil {
		return err
	}
	e, changed := s.transition(job, &js, now)
	if !changed {
		return nil
	}
	if err := s.State.Record(job.Name, js); err != nil {
		return err
	}
	s.send(ctx, job, []alert{{event: e, onChange: true}})
	return nil
}

// send delivers alerts through job's notifiers, logging what each hook
// printed and each notifier that failed.
func (s *Scheduler) send(ctx context.Context, job Job, alerts []alert) {
	out := &boundedBuffer{max: maxHookOutput}
	perRun, onChange := job.Alerts.Notifiers(s.Desktop, out, PasswordEnvs(s.Jobs))
	for _, a := range alerts {
		ns := perRun
		if a.onChange {
			ns = onChange
			level := slog.LevelWarn
			if a.event.Kind == notify.Recovered {
				level = slog.LevelInfo
			}
			s.Log.Log(ctx, level, "notify", "job", job.Name, "event", string(a.event.Kind), "message", a.event.Message())
		}
		for _, u := range Deliver(ctx, ns, a.event, job.Alerts.HookTimeoutOrDefault()) {
			s.Log.Error("notification not delivered", "job", job.Name, "event", string(a.event.Kind),
				"via", u.Notifier, "error", errloc.OneLine(u.Err.Error()))
		}
		for _, line := range out.lines() {
			s.Log.Info("hook output", "job", job.Name, "event", string(a.event.Kind), "line", line)
		}
	}
}

// boundedBuffer keeps the first max bytes written to it; hooks' stdout
// and stderr both write here, from two goroutines.
type boundedBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// lines returns what was written, line by line, and empties the buffer.
func (b *boundedBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimRight(b.buf.String(), "\n")
	b.buf.Reset()
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
