package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/schedule"
)

// installedProgram stands for a cakebackup installed where it stays: the
// test binary itself lives in the Go build cache, which install refuses.
func installedProgram(t *testing.T) func() (string, error) {
	t.Helper()
	p, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no installed program to point a timer at")
	}
	return func() (string, error) { return p, nil }
}

func TestScheduleAddChecksWhatItCan(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	empty := t.TempDir()
	examples := t.TempDir()
	installCakeWallet(t, filepath.Join(examples, "wallets"))
	loose := writePasswordFile(t, "scheduled-secret-password-9f2k")
	os.Chmod(loose, 0o644)
	blank := filepath.Join(t.TempDir(), "blank")
	if err := os.WriteFile(blank, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badSettings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(badSettings, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	dest := "folder:" + s.dest
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing source", []string{"--source", "/nonexistent/cake", "--dest", dest, "--password-file", s.pw}, []string{"/nonexistent/cake", "no such file"}},
		{"source without wallets", []string{"--source", empty, "--dest", dest, "--password-file", s.pw}, []string{empty, "--allow-empty"}},
		{"source above the data folder", []string{"--source", examples, "--dest", dest, "--password-file", s.pw}, []string{"--source " + filepath.Join(examples, "wallets")}},
		{"settings not JSON", []string{"--source", sampleWallets, "--settings", badSettings, "--dest", dest, "--password-file", s.pw}, []string{badSettings}},
		{"missing password file", []string{"--source", sampleWallets, "--dest", dest, "--password-file", "/nonexistent/pw"}, []string{"password file", "/nonexistent/pw"}},
		{"password file others can read", []string{"--source", sampleWallets, "--dest", dest, "--password-file", loose}, []string{"0644", "chmod 600"}},
		{"empty password file", []string{"--source", sampleWallets, "--dest", dest, "--password-file", blank}, []string{blank, "empty"}},
		{"password variable not set", []string{"--source", sampleWallets, "--dest", dest, "--password-env", "UNSET_PW"}, []string{"UNSET_PW", "not set"}},
		{"unparsable destination", []string{"--source", sampleWallets, "--dest", "ftp:x", "--password-file", s.pw}, []string{"ftp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"schedule", "add", "j", "--every", "24h"}, tt.args...)
			if code := s.run(args...); code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, s.stderr.String())
			}
			oneErrorLine(t, s.cliRun, tt.want...)
			if strings.Contains(s.stderr.String(), "scheduled-secret") {
				t.Error("the password is in the output")
			}
			if cfg, err := schedule.LoadConfig(s.config); err == nil {
				if _, ok := cfg.Job("j"); ok {
					t.Error("the refused job was saved")
				}
			}
		})
	}

	t.Run("a destination not there now is a warning", func(t *testing.T) {
		gone := filepath.Join(t.TempDir(), "not-yet")
		out := s.mustRun("schedule", "add", "later", "--every", "24h", "--source", sampleWallets,
			"--dest", "folder:"+gone, "--dest", "usb:NO-SUCH-STICK", "--dest", dest, "--password-file", s.pw)
		lines := strings.Split(strings.TrimSpace(s.stderr.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "warning: job later: folder:"+gone+" is not available now") ||
			!strings.HasPrefix(lines[1], "warning: job later: usb:NO-SUCH-STICK is not available now") {
			t.Errorf("stderr %q, want one warning for each absent destination", s.stderr.String())
		}
		if !strings.Contains(out, "Added job later") {
			t.Errorf("stdout %q", out)
		}
	})
	t.Run("no password in the keyring yet is a warning", func(t *testing.T) {
		s.mustRun("schedule", "add", "kr", "--every", "24h", "--source", sampleWallets, "--dest", dest, "--password-keyring")
		if !strings.Contains(s.stderr.String(), "warning: job kr: no password") {
			t.Errorf("stderr %q, want a warning that the keyring holds no password", s.stderr.String())
		}
	})
	t.Run("--allow-empty", func(t *testing.T) {
		s.mustRun("schedule", "add", "empty", "--every", "24h", "--source", empty, "--allow-empty", "--dest", dest, "--password-file", s.pw)
		if s.stderr.Len() != 0 {
			t.Errorf("stderr %q", s.stderr.String())
		}
	})
}

func TestScheduleRunOnceAndNow(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "nightly", "--every", "24h", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--password-file", s.pw)
	s.mustRun("schedule", "run", "--once")
	if got := s.backups(t); len(got) != 1 {
		t.Fatalf("first pass made %v, want one backup", got)
	}
	first, _ := s.state(t).Job("nightly")

	// Not due: one line on stderr saying when, and nothing made.
	s.mustRun("schedule", "run", "--once")
	lines := strings.Split(strings.TrimSpace(s.stderr.String()), "\n")
	next := first.LastStart.Add(24 * time.Hour).Local().Format("2006-01-02 15:04")
	if len(lines) != 1 || !strings.Contains(lines[0], "job nightly is not due until "+next) || !strings.Contains(lines[0], "--now nightly") {
		t.Errorf("stderr %q, want one line saying nightly is due at %s", s.stderr.String(), next)
	}
	if got := s.backups(t); len(got) != 1 {
		t.Fatalf("a pass with nothing due made %v", got)
	}
	// The fix names the config file as every hint does: absolute and
	// quoted for a shell, however --config was written.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, s.config)
	if err != nil {
		t.Fatal(err)
	}
	s.mustRun("schedule", "run", "--once", "--config", rel)
	want := "job nightly is not due until " + next + " (to run it now: cakebackup schedule run --config " + schedule.ShellQuote(s.config) + " --now nightly)\n"
	if got := s.stderr.String(); got != want {
		t.Errorf("with --config %s: stderr %q, want %q", rel, got, want)
	}

	// --now runs it anyway, and it is recorded like any run.
	nextSecond() // backup names have one-second resolution
	s.mustRun("schedule", "run", "--now", "nightly")
	if got := s.backups(t); len(got) != 2 {
		t.Fatalf("--now made %v, want a second backup", got)
	}
	now, _ := s.state(t).Job("nightly")
	if now.LastResult != schedule.ResultOK || !now.LastStart.After(first.LastStart) || !strings.HasPrefix(now.LastBackup, s.dest) {
		t.Fatalf("state after --now = %+v", now)
	}

	if code := s.run("schedule", "run", "--now", "nope"); code != exitUsage {
		t.Fatalf("--now nope: exit %d, want %d", code, exitUsage)
	}
	oneErrorLine(t, s.cliRun, `no job "nope"`)

	// The lock is respected.
	paths, err := schedule.DefaultPaths(s.getenv)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := schedule.LockJob(paths.Locks, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	nextSecond() // backup names have one-second resolution
	if code := s.run("schedule", "run", "--now", "nightly"); code != exitFailure {
		t.Fatalf("--now under another's lock: exit %d, want %d", code, exitFailure)
	}
	oneErrorLine(t, s.cliRun, "job nightly is busy", "wait for it to end")
	if got := s.backups(t); len(got) != 2 {
		t.Fatalf("a locked-out --now made %v", got)
	}
}

func TestScheduleInstallRefusesATemporaryBuild(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "nightly", "--every", "24h", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--password-file", s.pw)
	// This test binary was built in the Go build cache, as `go run` does.
	if code := s.run("schedule", "install", "nightly"); code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, s.stderr.String())
	}
	oneErrorLine(t, s.cliRun, "go install ./cmd/cakebackup")
	if _, err := os.Stat(filepath.Join(s.vars["XDG_CONFIG_HOME"], "systemd")); !os.IsNotExist(err) {
		t.Errorf("a refused install wrote unit files (%v)", err)
	}
}
