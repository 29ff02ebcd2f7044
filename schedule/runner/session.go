package runner

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
)

// sessionWarnedFile, in the state folder, remembers when the stale
// session was last warned of, so the warning comes once a day.
const sessionWarnedFile = "proton-session-warned"

// WarnStaleProtonSession logs the warning StaleProtonSession gives, when
// it gives one, with the session's user and age in days; fix, after the
// warning's words, says how to renew the session.
func (r Runner) WarnStaleProtonSession(ctx context.Context, cfg *schedule.Config, now time.Time, fix string) {
	if user, age, warn := r.StaleProtonSession(ctx, cfg, now); warn {
		r.log().Warn("the Proton session has not been renewed for a long time and may soon expire"+fix, "user", user, "days", int(age.Hours()/24))
	}
}

// StaleProtonSession reports, at most once a day, that the cached Proton
// session has not been renewed for proton.StaleSessionAge, when a job of
// cfg stores at Proton Drive: the warning before the session dies and
// the backups with it. It returns the session's user and age; warn is
// false when there is nothing to say now (no session at all is for the
// run itself to report).
func (r Runner) StaleProtonSession(ctx context.Context, cfg *schedule.Config, now time.Time) (user string, age time.Duration, warn bool) {
	if !cfg.UsesScheme(proton.Scheme) {
		return "", 0, false
	}
	s, err := proton.NewSessionStore(r.Getenv, r.Keyring).Load(ctx)
	if err != nil {
		return "", 0, false
	}
	age, ok := s.Age(now)
	if !ok || age < proton.StaleSessionAge {
		return s.Username, age, false
	}
	paths, err := schedule.DefaultPaths(r.Getenv)
	if err != nil {
		return s.Username, age, false
	}
	marker := filepath.Join(filepath.Dir(paths.State), sessionWarnedFile)
	if fi, err := os.Stat(marker); err == nil && now.Sub(fi.ModTime()) < 24*time.Hour {
		return s.Username, age, false
	}
	if err := os.MkdirAll(filepath.Dir(marker), 0o700); err == nil {
		_ = os.WriteFile(marker, nil, 0o600)
		_ = os.Chtimes(marker, now, now)
	}
	return s.Username, age, true
}
