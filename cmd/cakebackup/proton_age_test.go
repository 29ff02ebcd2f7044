package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
)

// TestScheduleRunWarnsOfAnAgingProtonSession: a Proton job's scheduled
// run warns once a day when the session has not been renewed for 20
// days, before it dies.
func TestScheduleRunWarnsOfAnAgingProtonSession(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.vars[proton.SessionEnv] = "file"
	old := time.Now().Add(-25 * 24 * time.Hour)
	store := proton.NewSessionStore(s.getenv, nil)
	if err := store.Save(context.Background(), proton.Session{Username: "alice", UID: "u", AccessToken: "a", RefreshToken: "r", SaltedKeyPass: "k", Created: old, Refreshed: old}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(s.config), 0o700)
	cfg := "[[job]]\nname = \"cloud\"\nsource = \"" + mustAbs(t, sampleWallets) + "\"\ndest = \"proton:/Backups\"\nevery = \"24h\"\npassword_file = \"" + s.pw + "\"\n"
	if err := os.WriteFile(s.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// Not due: the run only looks at the session.
	if err := s.state(t).Record("cloud", schedule.JobState{LastStart: time.Now(), LastEnd: time.Now(), LastSuccess: time.Now(), LastResult: schedule.ResultOK}); err != nil {
		t.Fatal(err)
	}
	s.mustRun("schedule", "run", "--once")
	if !strings.Contains(s.stderr.String(), "has not been renewed") || !strings.Contains(s.stderr.String(), "days=25") {
		t.Fatalf("first run's log: %q", s.stderr.String())
	}
	s.mustRun("schedule", "run", "--once")
	if strings.Contains(s.stderr.String(), "has not been renewed") {
		t.Fatalf("warned twice in a day: %q", s.stderr.String())
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
