package schedule

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
)

// Absolute returns the job with its paths made absolute against the
// working folder: source, settings, password file, watch folder (except
// WatchDownloads, found when the job runs) and folder: destinations. A
// timer does not start in the user's working folder, so a job keeps no
// relative path. An error names the key whose path could not be made
// absolute.
func (j Job) Absolute() (Job, error) {
	for _, p := range []struct {
		key  string
		path *string
	}{{"source", &j.Source}, {"settings", &j.Settings}, {"password_file", &j.PasswordFile}, {"watch", &j.Watch}} {
		if *p.path == "" || (p.key == "watch" && *p.path == WatchDownloads) {
			continue
		}
		a, err := filepath.Abs(*p.path)
		if err != nil {
			return j, fmt.Errorf("%s: %w", p.key, err)
		}
		*p.path = a
	}
	absDest := func(d string) (string, error) {
		spec, err := destinations.ParseSpec(d)
		if err != nil || spec.Scheme != "folder" || spec.Arg == "" || filepath.IsAbs(spec.Arg) {
			return d, nil // validation reports a spec that does not parse
		}
		a, err := filepath.Abs(spec.Arg)
		if err != nil {
			return d, fmt.Errorf("dest: %w", err)
		}
		return "folder:" + a, nil
	}
	var err error
	if j.Dest, err = absDest(j.Dest); err != nil {
		return j, err
	}
	dests := make([]string, len(j.Dests))
	for i, d := range j.Dests {
		if dests[i], err = absDest(d); err != nil {
			return j, err
		}
	}
	if j.Dests != nil {
		j.Dests = dests
	}
	return j, nil
}

// NeedsPassword reports whether a run of the job needs its password: a
// backup job always does; a watch job only when it names a password
// source (the app's exports are checked without one).
func (j Job) NeedsPassword() bool {
	return j.Watch == "" || j.HasPasswordSource()
}

// When says when the job runs: "every 24h" or "cron 30 2 * * *".
func (j Job) When() string {
	if j.Cron != "" {
		return "cron " + j.Cron
	}
	return "every " + j.Every
}

// What says what the job backs up: its source folder (and the app its
// backups are for, when the job names one), or "watch DIR".
func (j Job) What() string {
	if j.Watch != "" {
		return "watch " + j.Watch
	}
	if app, ok := job.TargetApp(j.ForApp); ok {
		return j.Source + " (for " + app + ")"
	}
	return j.Source
}

// PasswordFrom says where the job's password comes from, never what it
// is: "file PATH", "keyring", "env $VAR" or "none".
func (j Job) PasswordFrom() string {
	switch {
	case j.PasswordFile != "":
		return "file " + j.PasswordFile
	case j.PasswordKeyring:
		return "keyring"
	case j.PasswordEnv != "":
		return "env $" + j.PasswordEnv
	}
	return "none"
}

// KeepSummary says which backups r keeps, such as "last 3, daily 7", or
// "all" when no rule is set.
func (r Retention) KeepSummary() string {
	if r.Empty() {
		return "all"
	}
	var parts []string
	for _, k := range []struct {
		n    int
		name string
	}{{r.KeepLast, "last"}, {r.KeepDaily, "daily"}, {r.KeepWeekly, "weekly"}, {r.KeepMonthly, "monthly"}} {
		if k.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k.name, k.n))
		}
	}
	return strings.Join(parts, ", ")
}

// Remove removes the job called name from c, reporting whether it was
// there.
func (c *Config) Remove(name string) bool {
	kept := c.Jobs[:0]
	for _, j := range c.Jobs {
		if j.Name != name {
			kept = append(kept, j)
		}
	}
	removed := len(kept) != len(c.Jobs)
	c.Jobs = kept
	return removed
}

// UsesScheme reports whether any job of c stores at a destination of the
// kind scheme, such as "proton".
func (c *Config) UsesScheme(scheme string) bool {
	for _, j := range c.Jobs {
		for _, d := range c.DestsFor(j) {
			if strings.HasPrefix(d, scheme+":") {
				return true
			}
		}
	}
	return false
}
