package schedule

import (
	"fmt"
	"net/url"
	"time"
)

// Alerts say how a job tells that its backups stopped: how old its last
// verified backup may grow before the job counts as overdue, hook
// commands, and built-in notifiers. They sit in a [[job]] table and, for
// every job, at the top of the config file; a job's own value of a key
// wins over the top-level one.
type Alerts struct {
	// WarnAfter is how old the last verified backup may be before the
	// job is overdue, such as "72h"; empty means DefaultWarnAfter.
	WarnAfter string `toml:"warn_after,omitempty" json:"warn_after,omitempty"`
	// OnFailure, OnSuccess and OnOverdue are shell commands run with the
	// job's result in CAKEBACKUP_* environment variables (never a
	// password): OnSuccess after every successful run, OnFailure when a
	// job starts failing, OnOverdue when it turns overdue.
	OnFailure string `toml:"on_failure,omitempty" json:"on_failure,omitempty"`
	OnSuccess string `toml:"on_success,omitempty" json:"on_success,omitempty"`
	OnOverdue string `toml:"on_overdue,omitempty" json:"on_overdue,omitempty"`
	// HookTimeout bounds each hook command, such as "60s"; empty means
	// DefaultHookTimeout.
	HookTimeout string `toml:"hook_timeout,omitempty" json:"hook_timeout,omitempty"`
	// PingURL is a dead man's switch in the style of Healthchecks.io:
	// URL/start when a run begins, URL when it succeeds, URL/fail when
	// it fails.
	PingURL string `toml:"ping_url,omitempty" json:"ping_url,omitempty"`
	// Webhook gets a JSON POST when the job starts failing, turns
	// overdue or works again.
	Webhook string `toml:"webhook,omitempty" json:"webhook,omitempty"`
	// NotifyDesktop shows those events as desktop notifications.
	NotifyDesktop bool `toml:"notify_desktop,omitempty" json:"notify_desktop,omitempty"`
}

// DefaultHookTimeout is how long a hook command may run by default.
const DefaultHookTimeout = 60 * time.Second

// MinWarnAfter is the shortest default warn_after: a daily job that runs
// a little late is not overdue.
const MinWarnAfter = 26 * time.Hour

// Merge returns a with each empty key taken from global.
func (a Alerts) Merge(global Alerts) Alerts {
	pick := func(own, def string) string {
		if own != "" {
			return own
		}
		return def
	}
	return Alerts{
		WarnAfter:     pick(a.WarnAfter, global.WarnAfter),
		OnFailure:     pick(a.OnFailure, global.OnFailure),
		OnSuccess:     pick(a.OnSuccess, global.OnSuccess),
		OnOverdue:     pick(a.OnOverdue, global.OnOverdue),
		HookTimeout:   pick(a.HookTimeout, global.HookTimeout),
		PingURL:       pick(a.PingURL, global.PingURL),
		Webhook:       pick(a.Webhook, global.Webhook),
		NotifyDesktop: a.NotifyDesktop || global.NotifyDesktop,
	}
}

// WithAlerts returns c's jobs with their alerts merged with the
// top-level ones, as the scheduler wants them.
func (c *Config) WithAlerts(jobs []Job) []Job {
	out := make([]Job, len(jobs))
	for i, j := range jobs {
		j.Alerts = j.Alerts.Merge(c.Alerts)
		out[i] = j
	}
	return out
}

// HasNotifiers reports whether any hook or notifier is configured.
func (a Alerts) HasNotifiers() bool {
	return a.OnFailure != "" || a.OnSuccess != "" || a.OnOverdue != "" || a.PingURL != "" || a.Webhook != "" || a.NotifyDesktop
}

// HookTimeoutOrDefault is the hook timeout (a validated config).
func (a Alerts) HookTimeoutOrDefault() time.Duration {
	if d, err := time.ParseDuration(a.HookTimeout); err == nil && d > 0 {
		return d
	}
	return DefaultHookTimeout
}

// WarnAfterOf returns how old job's last verified backup may be before it
// is overdue: its warn_after, or DefaultWarnAfter of its timing.
func WarnAfterOf(job Job, now time.Time) (time.Duration, error) {
	if job.WarnAfter != "" {
		return time.ParseDuration(job.WarnAfter)
	}
	t, err := job.Schedule()
	if err != nil {
		return 0, err
	}
	return DefaultWarnAfter(t, now), nil
}

// DefaultWarnAfter is three times the longest gap between runs of t (an
// interval, or the widest gap a cron expression leaves over the eight
// days after now, so a weekday job counts the weekend), and at least
// MinWarnAfter.
func DefaultWarnAfter(t Timing, now time.Time) time.Duration {
	var gap time.Duration
	if d, ok := t.(Interval); ok {
		gap = time.Duration(d)
	} else {
		prev := t.Next(now)
		end := prev.Add(8 * 24 * time.Hour)
		for i := 0; i < 2000 && (i < 2 || prev.Before(end)); i++ {
			next := t.Next(prev)
			if next.IsZero() {
				break
			}
			gap = max(gap, next.Sub(prev))
			prev = next
		}
	}
	return max(3*gap, MinWarnAfter)
}

// validate checks a's values; key names the first bad one.
func (a Alerts) validate() (key, msg string) {
	for _, d := range []struct{ key, val string }{{"warn_after", a.WarnAfter}, {"hook_timeout", a.HookTimeout}} {
		if d.val == "" {
			continue
		}
		v, err := time.ParseDuration(d.val)
		if err != nil || v <= 0 {
			return d.key, fmt.Sprintf("%q: want a duration such as 72h or 90s", d.val)
		}
	}
	if a.WarnAfter != "" {
		if v, _ := time.ParseDuration(a.WarnAfter); v < time.Hour {
			return "warn_after", fmt.Sprintf("%q is shorter than an hour", a.WarnAfter)
		}
	}
	for _, u := range []struct{ key, val string }{{"ping_url", a.PingURL}, {"webhook", a.Webhook}} {
		if u.val == "" {
			continue
		}
		p, err := url.Parse(u.val)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return u.key, fmt.Sprintf("%q: want an http:// or https:// URL", u.val)
		}
	}
	return "", ""
}
