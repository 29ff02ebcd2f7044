package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
)

// staleSessionAge is how long a Proton session may go unrenewed before
// scheduled runs warn. Refresh tokens are reported to last about a month
// (rclone's protondrive users; not confirmed by Proton), so 20 days leaves
// time to log in again before backups stop.
const staleSessionAge = 20 * 24 * time.Hour

// sessionWarnedFile, in the state folder, remembers when the stale
// session was last warned of, so the warning comes once a day.
const sessionWarnedFile = "proton-session-warned"

// sessionAge is how long ago a session was last renewed (or made, if
// never renewed); ok is false when the session says neither.
func sessionAge(s proton.Session, now time.Time) (age time.Duration, ok bool) {
	last := s.Refreshed
	if last.IsZero() {
		last = s.Created
	}
	if last.IsZero() {
		return 0, false
	}
	return now.Sub(last), true
}

// usesProton reports whether any job writes to Proton Drive.
func usesProton(cfg *schedule.Config) bool {
	for _, j := range cfg.Jobs {
		for _, d := range cfg.DestsFor(j) {
			if strings.HasPrefix(d, proton.Scheme+":") {
				return true
			}
		}
	}
	return false
}

// warnStaleProtonSession logs, at most once a day, that the cached Proton
// session has not been renewed for staleSessionAge, when a job uses
// Proton Drive: it is the warning before the session dies and the
// backups with it.
func (e *env) warnStaleProtonSession(ctx context.Context, cfg *schedule.Config, now time.Time, log *slog.Logger) {
	if !usesProton(cfg) {
		return
	}
	s, err := proton.NewSessionStore(e.getenv).Load(ctx)
	if err != nil {
		return // no session: the run itself says to log in
	}
	age, ok := sessionAge(s, now)
	if !ok || age < staleSessionAge {
		return
	}
	paths, err := schedule.DefaultPaths(e.getenv)
	if err != nil {
		return
	}
	marker := filepath.Join(filepath.Dir(paths.State), sessionWarnedFile)
	if fi, err := os.Stat(marker); err == nil && now.Sub(fi.ModTime()) < 24*time.Hour {
		return
	}
	log.Warn("the Proton session has not been renewed for a long time and may soon expire: run `cakebackup proton login` to keep scheduled backups going",
		"user", s.Username, "days", int(age.Hours()/24))
	if err := os.MkdirAll(filepath.Dir(marker), 0o700); err == nil {
		_ = os.WriteFile(marker, nil, 0o600)
		_ = os.Chtimes(marker, now, now)
	}
}
