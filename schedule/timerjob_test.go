package schedule

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestInstallAndRemoveJobTimer: a job's timer is written for its config
// file, refused over another config's timer of the same job name, left by
// RemoveJobTimer for that other config and removed for its own; with cron
// nothing is written, and the crontab line is returned.
func TestInstallAndRemoveJobTimer(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}[k]
	}
	job := Job{Name: "nightly", Source: "/data", Every: "24h", PasswordEnv: "PW"}
	a := UnitTarget{Executable: "/usr/bin/cakebackup", Config: "/srv/a.toml", Job: job}
	b := a
	b.Config = "/srv/b.toml"

	inst, err := InstallTimer("linux", getenv, a, true)
	if err != nil || len(inst.Files) != 0 || !strings.Contains(inst.Crontab, "/usr/bin/cakebackup schedule run --config /srv/a.toml --job nightly --once") {
		t.Fatalf("cron install: %+v, %v", inst, err)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "systemd")); !os.IsNotExist(err) {
		t.Fatalf("cron install wrote units: %v", err)
	}
	inst, err = InstallTimer("linux", getenv, a, false)
	if err != nil || len(inst.Files) != 2 || inst.Crontab != "" {
		t.Fatalf("install: %+v, %v", inst, err)
	}
	_, err = InstallTimer("linux", getenv, b, false)
	var other *OtherConfigTimerError
	if !errors.As(err, &other) || other.File != inst.Files[0] || other.Job != "nightly" {
		t.Fatalf("install over another config's timer: %v", err)
	}
	if r, err := RemoveJobTimer("linux", getenv, b.Config, job, false); err != nil || r.State != TimerForOther || r.File != inst.Files[0] || len(r.Removed.Files) != 0 {
		t.Fatalf("remove for the other config: %+v, %v", r, err)
	}
	r, err := RemoveJobTimer("linux", getenv, a.Config, job, false)
	if err != nil || r.State != TimerForJob || len(r.Removed.Files) != 2 {
		t.Fatalf("remove: %+v, %v", r, err)
	}
	for _, f := range inst.Files {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s is still there: %v", f, err)
		}
	}
	if r, err := RemoveJobTimer("linux", getenv, a.Config, job, false); err != nil || r.State != NoTimer {
		t.Fatalf("remove again: %v, %v", r.State, err)
	}
	if _, err := RemoveJobTimer("plan9", getenv, a.Config, job, false); !errors.As(err, new(*NoTimersError)) {
		t.Fatalf("remove on plan9: %v", err)
	}
}

// TestInstallJobTimer: the timer starts the running program, found and
// its links resolved, with the config file made absolute; a program that
// cannot be found, or a temporary build, gets no timer.
func TestInstallJobTimer(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the program is /bin/sh")
	}
	sh, err := filepath.EvalSymlinks("/bin/sh")
	if err != nil {
		t.Skip(err)
	}
	getenv := func(string) string { return "" }
	built := filepath.Join(t.TempDir(), "cakebackup") // as by go run
	if err := os.WriteFile(built, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, exe, err, crontab string
		findErr                 error
	}{
		{name: "found", exe: "/bin/sh", crontab: sh + " schedule run --config /srv/a.toml --job nightly --once"},
		{name: "lost", findErr: errors.New("no /proc"), err: "finding the cakebackup program: no /proc"},
		{name: "temporary", exe: built, err: mustEval(t, built) + " is a temporary build (go run or a temporary folder) that will be gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			find := func() (string, error) { return tt.exe, tt.findErr }
			job := Job{Name: "nightly", Source: "/data", Every: "24h", PasswordEnv: "PW"}
			inst, err := InstallJobTimer("linux", getenv, find, "/srv/../srv/a.toml", job, true)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err || !strings.Contains(inst.Crontab, tt.crontab) || (tt.crontab == "") != (inst.Crontab == "") {
				t.Errorf("InstallJobTimer: %q, %q; want %q, %q", inst.Crontab, got, tt.crontab, tt.err)
			}
		})
	}
}

// mustEval is path with its links resolved.
func mustEval(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
