package runner_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/schedule/runner"
)

// staleSessionRunner is newRunner with a cached Proton session of
// alice's last renewed 25 days ago.
func staleSessionRunner(t *testing.T) runner.Runner {
	t.Helper()
	r := newRunner(t)
	vars := map[string]string{proton.SessionEnv: "file"}
	getenv := r.Getenv
	r.Getenv = func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		return getenv(k)
	}
	old := time.Now().Add(-25 * 24 * time.Hour)
	if err := proton.NewSessionStore(r.Getenv, nil).Save(context.Background(), proton.Session{Username: "alice", UID: "u", AccessToken: "a", RefreshToken: "r", SaltedKeyPass: "k", Created: old, Refreshed: old}); err != nil {
		t.Fatal(err)
	}
	return r
}

// timelessLog is a text logger to w whose lines leave out the time, so
// a test can compare them whole.
func timelessLog(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
}

// TestWarnStaleProtonSession: the warning's whole log line, with the fix
// given, once a day, and only for a config that stores at Proton Drive.
func TestWarnStaleProtonSession(t *testing.T) {
	r := staleSessionRunner(t)
	var log strings.Builder
	r.Log = timelessLog(&log)
	offline := &schedule.Config{Jobs: []schedule.Job{{Name: "j", Dest: "usb"}}}
	cloud := &schedule.Config{Jobs: []schedule.Job{{Name: "j", Dest: "proton:/Backups"}}}
	now := time.Now()
	const line = `level=WARN msg="the Proton session has not been renewed for a long time and may soon expire: FIX" user=alice days=25` + "\n"
	for _, tt := range []struct {
		name string
		cfg  *schedule.Config
		at   time.Time
		want string
	}{
		{"no Proton Drive", offline, now, ""},
		{"first", cloud, now, line},
		{"again that day", cloud, now.Add(time.Hour), ""},
		{"the next day", cloud, now.Add(25 * time.Hour), strings.Replace(line, "days=25", "days=26", 1)},
	} {
		log.Reset()
		r.WarnStaleProtonSession(t.Context(), tt.cfg, tt.at, ": FIX")
		if log.String() != tt.want {
			t.Errorf("%s: logged %q, want %q", tt.name, log.String(), tt.want)
		}
	}
}
