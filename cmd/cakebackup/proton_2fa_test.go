package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProtonLoginTwoFactor runs `proton login` against a fake Proton
// account with two-factor authentication, through the real bridge: the
// code read from standard input (no terminal) logs in; a missing or wrong
// code fails with one line. The code and the password never show.
func TestProtonLoginTwoFactor(t *testing.T) {
	t.Parallel()
	const code = "246810"
	c, srv := newProtonCLI(t)
	if err := srv.RequireTwoFactor(protonTestUser, code); err != nil {
		t.Fatal(err)
	}
	pwFile := writePasswordFile(t, protonTestPassword)
	login := []string{"proton", "login", "--proton-user", protonTestUser, "--proton-password-file", pwFile}
	sessionFile := filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "proton-session.json")

	noSecrets := func(t *testing.T, secrets ...string) {
		t.Helper()
		for _, out := range []string{c.stdout.String(), c.stderr.String()} {
			for _, s := range append(secrets, protonTestPassword) {
				if strings.Contains(out, s) {
					t.Fatalf("output %q shows a secret", out)
				}
			}
		}
	}

	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  string // "" : logged in
	}{
		{"no code and no terminal", nil, "", "two-factor code needed: give it with --proton-2fa"},
		{"wrong code from the flag", []string{"--proton-2fa", "135790"}, "", "two-factor code was refused"},
		{"wrong code on stdin", nil, "135790\n", "two-factor code was refused"},
		{"code on stdin", nil, code + "\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.stdin = tc.stdin
			exit := c.run(append(append([]string{}, login...), tc.args...)...)
			noSecrets(t, code, "135790")
			if tc.want != "" {
				oneLineError(t, c, exit, tc.want)
				if _, err := os.Stat(sessionFile); !os.IsNotExist(err) {
					t.Fatalf("a failed login left a session file (%v)", err)
				}
				return
			}
			if exit != 0 {
				t.Fatalf("exit %d, stderr: %s", exit, c.stderr.String())
			}
			if out := c.stdout.String(); !strings.Contains(out, "Logged in to Proton Drive as "+protonTestUser) {
				t.Fatalf("login printed %q", out)
			}
			session, err := os.ReadFile(sessionFile)
			if err != nil {
				t.Fatalf("no session file: %v", err)
			}
			if strings.Contains(string(session), protonTestPassword) || strings.Contains(string(session), code) {
				t.Fatal("the session file holds the password or the code")
			}
			// The kept session has passed 2FA: it reaches the account.
			c.stdin = ""
			if out := c.mustRun("proton", "whoami"); !strings.Contains(out, protonTestUser) {
				t.Fatalf("whoami printed %q", out)
			}
		})
	}
}

// TestProtonLoginTwoPasswords: a two-password account with 2FA, both
// answers on standard input in the order the help gives (code, then
// mailbox password); with only the code the login asks for the rest.
func TestProtonLoginTwoPasswords(t *testing.T) {
	t.Parallel()
	const code, mailbox = "975310", "mailbox password of the account"
	c, srv := newProtonCLI(t)
	if err := srv.RequireMailboxPassword(protonTestUser, protonTestPassword, mailbox); err != nil {
		t.Fatal(err)
	}
	if err := srv.RequireTwoFactor(protonTestUser, code); err != nil {
		t.Fatal(err)
	}
	pwFile := writePasswordFile(t, protonTestPassword)
	login := []string{"proton", "login", "--proton-user", protonTestUser, "--proton-password-file", pwFile}

	c.stdin = code + "\n"
	oneLineError(t, c, c.run(login...), "mailbox password needed")

	c.stdin = code + "\n" + mailbox + "\n"
	if out := c.mustRun(login...); !strings.Contains(out, "Logged in to Proton Drive as "+protonTestUser) {
		t.Fatalf("login printed %q", out)
	}
	for _, out := range []string{c.stdout.String(), c.stderr.String()} {
		if strings.Contains(out, mailbox) || strings.Contains(out, code) || strings.Contains(out, protonTestPassword) {
			t.Fatalf("output %q shows a secret", out)
		}
	}
	c.stdin = ""
	if out := c.mustRun("proton", "whoami"); !strings.Contains(out, protonTestUser) {
		t.Fatalf("whoami printed %q", out)
	}
}
