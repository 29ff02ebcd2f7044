package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/secret"
	"github.com/cakebackup/cakebackup/secret/secrettest"
)

// TestScheduleLockedKeyring runs a password_keyring job against a Secret
// Service whose collection is locked and whose unlock prompt nobody
// answers, as a timer's run outside a desktop session meets it: go-keyring
// alone waits forever there, holding the job's lock. Each command gives
// up on the keyring (after a short Timeout here) with one line that says
// what to do, and the next run is not locked out.
func TestScheduleLockedKeyring(t *testing.T) {
	svc := secrettest.Start(t) // sets DBUS_SESSION_BUS_ADDRESS: not parallel
	s := newScheduleCLI(t)
	run := func(stdin string, args ...string) int {
		s.stdout.Reset()
		s.stderr.Reset()
		// Each command is a process of its own, with its own keyring:
		// one OSKeyring would make a command wait for the call an
		// earlier one left blocked, rather than reach the prompt.
		kr := &secret.OSKeyring{Timeout: 100 * time.Millisecond}
		return run(context.Background(), append([]string{"cakebackup"}, args...), &env{
			stdin: strings.NewReader(stdin), stdout: &s.stdout, stderr: &s.stderr,
			getenv: s.getenv, keyring: kr, systemd: func() bool { return true },
		})
	}
	const hint = "; for runs outside a desktop session, use a password_file (mode 0600) instead of password_keyring"
	const silent = "the OS keyring did not answer within 100ms (locked, waiting for someone to unlock it?)"
	const recorded = "job nightly: no password: " + silent + hint

	if code := run("", "schedule", "add", "nightly", "--every", "24h", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--password-keyring"); code != exitOK {
		t.Fatalf("schedule add: exit %d, stderr %q", code, s.stderr.String())
	}
	<-svc.Shown() // add reads the password once, to warn
	if want := "warning: " + recorded + "\n"; s.stderr.String() != want {
		t.Errorf("schedule add: stderr %q, want %q", s.stderr.String(), want)
	}
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"a run", "", []string{"schedule", "run", "--now", "nightly"}, exitFailure, "cakebackup: scheduled backup failed: " + recorded},
		{"the next run is not locked out", "", []string{"schedule", "run", "--now", "nightly"}, exitFailure, "cakebackup: scheduled backup failed: " + recorded},
		{"set-password", "correct horse battery staple 42\n", []string{"schedule", "set-password", "--password-stdin", "nightly"}, exitFailure, "cakebackup: " + silent + hint},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code := run(tt.stdin, tt.args...)
			<-svc.Shown() // the run did reach the unanswered prompt
			// A run logs its result before the last line (the error).
			lines := strings.Split(strings.TrimSuffix(s.stderr.String(), "\n"), "\n")
			if code != tt.code || lines[len(lines)-1] != tt.want {
				t.Fatalf("exit %d, stderr %q; want %d and last line %q", code, s.stderr.String(), tt.code, tt.want)
			}
			if tt.args[1] == "run" {
				js, err := s.state(t).Job("nightly")
				if err != nil || js.LastResult != schedule.ResultFailed || js.LastError != recorded {
					t.Fatalf("state %+v (%v), want the run failed with %q", js, err, recorded)
				}
			}
			if got := s.backups(t); len(got) != 0 {
				t.Fatalf("backups %v, want none", got)
			}
		})
	}
}

// TestProtonLockedKeyring runs Proton commands one after another with
// one keyring, as `schedule run` and `watch` connect at each run in one
// process, against a Secret Service whose collection is locked and whose
// unlock prompt nobody answers, with the session in its file. Every
// command works from the file; the first gives up on the keyring and
// leaves its call blocked, and the later ones find it blocked and do not
// ask the keyring again: one call is left blocked in go-keyring, not one
// per command, so the keyring reaches every Proton connection.
func TestProtonLockedKeyring(t *testing.T) {
	svc := secrettest.Start(t) // sets DBUS_SESSION_BUS_ADDRESS: not parallel
	c, _ := loggedInProtonCLI(t)
	delete(c.vars, proton.SessionEnv) // the keyring first, as by default
	file := filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "proton-session.json")
	kr := &secret.OSKeyring{Timeout: 100 * time.Millisecond}
	run := func(args ...string) (int, string, string) {
		var stdout, stderr strings.Builder
		code := run(context.Background(), append([]string{"cakebackup"}, args...), &env{
			stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			getenv: func(k string) string { return c.vars[k] }, keyring: kr,
		})
		return code, stdout.String(), stderr.String()
	}
	for i := range 3 {
		for _, args := range [][]string{{"ls", "proton:/"}, {"proton", "whoami"}, {"dests"}} {
			code, out, errOut := run(args...)
			if code != exitOK || errOut != "" {
				t.Fatalf("round %d: %s: exit %d, stderr %q", i, strings.Join(args, " "), code, errOut)
			}
			if args[0] == "proton" && !strings.Contains(out, file) {
				t.Fatalf("round %d: whoami printed %q, want the session kept in %s", i, out, file)
			}
			if args[0] == "dests" && !strings.Contains(out, "Proton Drive of "+protonTestUser) {
				t.Fatalf("round %d: dests printed %q, want the Proton Drive of %s", i, out, protonTestUser)
			}
			if i == 0 && args[0] == "ls" {
				<-svc.Shown() // the first command reached the unanswered prompt
			}
		}
	}
	if n := secrettest.BlockedCalls(t); n != 1 {
		t.Fatalf("%d calls blocked in go-keyring after 9 commands, want 1", n)
	}
}
