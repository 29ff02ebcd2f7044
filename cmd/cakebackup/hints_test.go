package main

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/secret"
)

// The libraries say what is wrong; withFix adds the cakebackup command or
// flag that fixes it, so the line people see is what it always was.
func TestWithFix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		config string // " --config FILE" of a schedule command given one
		want   string
	}{
		{fmt.Errorf("uploading x: %w (Proton: Invalid access token, code 401, HTTP 401)", proton.ErrSessionExpired), "",
			"uploading x: the Proton session has expired or was revoked: run `cakebackup proton login` again (Proton: Invalid access token, code 401, HTTP 401)"},
		{fmt.Errorf("destination proton:/B: %w", proton.ErrNotLoggedIn), "",
			"destination proton:/B: not logged in to Proton: run `cakebackup proton login`"},
		{fmt.Errorf("logging in to Proton: %w", proton.ErrTwoFactorRequired), "",
			"logging in to Proton: this Proton account needs a two-factor code: give it with --proton-2fa or at the prompt"},
		{fmt.Errorf("opening Proton Drive: %w", proton.ErrKeysLocked), "",
			"opening Proton Drive: your Proton keys did not unlock: check the mailbox password (two-password accounts), or run `cakebackup proton login` again if the password changed"},
		{fmt.Errorf("logging in to Proton: %w", proton.ErrHumanVerification), "",
			"logging in to Proton: human verification (CAPTCHA) required by Proton: log in once at https://drive.proton.me in a web browser, then run `cakebackup proton login` again"},
		{&proton.SessionError{Problem: "the Proton session file /c/proton-session.json can be read by other users (mode 0644)", Exposed: true}, "",
			"the Proton session file /c/proton-session.json can be read by other users (mode 0644): delete it and run `cakebackup proton login`"},
		{fmt.Errorf("the Proton session file /c/s.json: %w", &proton.SessionError{Problem: "damaged (not valid JSON)"}), "",
			"the Proton session file /c/s.json: damaged (not valid JSON): run `cakebackup proton login` again"},
		{&proton.SessionError{Problem: "the cached Proton session is for API a, not b"}, "",
			"the cached Proton session is for API a, not b: run `cakebackup proton login` again"},
		{fmt.Errorf("run: %w", &schedule.NotInKeyringError{Job: "nightly"}), "",
			"run: job nightly: no password in the OS keyring: run `cakebackup schedule set-password nightly`"},
		{&schedule.JobError{Job: "nightly", Err: fmt.Errorf("%w: %w", schedule.ErrNoPassword, &secret.TimeoutError{After: time.Minute})}, "",
			"job nightly: no password: the OS keyring did not answer within 1m0s (locked, waiting for someone to unlock it?); for runs outside a desktop session, use a password_file (mode 0600) instead of password_keyring"},
		{&schedule.NoTimersError{GOOS: "plan9"}, "",
			"timers are not supported on plan9: run `cakebackup schedule run` from your own service manager"},
		// The commands a fix names are given the --config file the
		// failed command was.
		{fmt.Errorf("run: %w", &schedule.NotInKeyringError{Job: "nightly"}), " --config /srv/b.toml",
			"run: job nightly: no password in the OS keyring: run `cakebackup schedule set-password --config /srv/b.toml nightly`"},
		{&schedule.JobLockedError{Job: "nightly", File: "/s/nightly.lock"}, " --config '/srv/my b.toml'",
			"job nightly is busy: another cakebackup process is running it or pruning its backups (it holds /s/nightly.lock); wait for it to end and try again (`cakebackup schedule status --config '/srv/my b.toml'` shows its last run)"},
		// A fix given where the error was made is not given twice.
		{fmt.Errorf("run: %w", withFix(&schedule.NotInKeyringError{Job: "nightly"}, "")), "",
			"run: job nightly: no password in the OS keyring: run `cakebackup schedule set-password nightly`"},
		{errors.New("disk full"), "", "disk full"},
	}
	for _, tt := range tests {
		got := withFix(tt.err, tt.config)
		if got.Error() != tt.want {
			t.Errorf("withFix(%q)\n = %q\nwant %q", tt.err, got, tt.want)
		}
		if !errors.Is(got, tt.err) {
			t.Errorf("withFix(%q) lost its cause", tt.err)
		}
	}
}
