package proton

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/secret"
)

// TestLoginAndKeep runs proton login's whole dialogue against the fake
// server over HTTP: what is given is used, what is missing is read from
// standard input (no terminal: one answer per line), password files are
// real files, and the session is kept only when the login worked.
func TestLoginAndKeep(t *testing.T) {
	t.Parallel()
	const mailbox = "a second, mailbox password"
	plain := newFakeProton(t)
	twoPassword := newFakeProton(t)
	if err := twoPassword.srv.RequireMailboxPassword(fakeUser, fakePassword, mailbox); err != nil {
		t.Fatal(err)
	}
	if err := twoPassword.srv.RequireTwoFactor(fakeUser, fakeTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := func(name, content string, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content+"\n"), mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pwFile := file("pw", fakePassword, 0o600)
	mailboxFile := file("mailbox", mailbox, 0o600)
	wideFile := file("wide", fakePassword, 0o644)
	missing := filepath.Join(dir, "missing")

	for _, tc := range []struct {
		name        string
		twoPassword bool // the account has 2FA and a mailbox password
		given       LoginGiven
		stdin       string // the answers to what is asked, one a line
		want        string // the whole error; "" for logged in and kept
		wantIs      error
	}{
		{name: "all given", given: LoginGiven{Username: " " + fakeUser + " ", Password: fakePassword}},
		{name: "all asked", stdin: fakeUser + "\n" + fakePassword + "\n"},
		{name: "password file beats Password", given: LoginGiven{Username: fakeUser, Password: "not the password", PasswordFile: pwFile}},
		{name: "2FA asked, mailbox password from a file", twoPassword: true, given: LoginGiven{Username: fakeUser, Password: fakePassword, MailboxPasswordFile: mailboxFile}, stdin: fakeTwoFactorCode + "\n"},
		{name: "2FA given, mailbox password asked", twoPassword: true, given: LoginGiven{Username: fakeUser, PasswordFile: pwFile, TwoFactorCode: " " + fakeTwoFactorCode + " "}, stdin: mailbox + "\n"},
		{name: "username not answered", want: "proton username needed"},
		{name: "password not answered", given: LoginGiven{Username: fakeUser}, want: "proton password needed"},
		{name: "2FA code not answered", twoPassword: true, given: LoginGiven{Username: fakeUser, Password: fakePassword}, want: "two-factor code needed"},
		{name: "password file missing", given: LoginGiven{Username: fakeUser, PasswordFile: missing}, want: "proton password file: " + missing + ": no such file or directory", wantIs: fs.ErrNotExist},
		{name: "password file others can read", given: LoginGiven{Username: fakeUser, PasswordFile: wideFile}, want: "proton password file: " + (&secret.ModeError{Path: wideFile, Mode: 0o644}).Error()},
		{name: "mailbox password file missing", given: LoginGiven{Username: fakeUser, Password: fakePassword, MailboxPasswordFile: missing}, want: "mailbox password file: " + missing + ": no such file or directory", wantIs: fs.ErrNotExist},
		{name: "wrong password", given: LoginGiven{Username: fakeUser, Password: "not the password"}, wantIs: ErrWrongPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each login is its own session
			f := plain
			if tc.twoPassword {
				f = twoPassword
			}
			env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), SessionEnv: "file"}
			store := NewSessionStore(func(k string) string { return env[k] }, nil)
			ctx := context.Background()
			s, err := LoginAndKeep(ctx, f.opts, tc.given, secret.NewPrompter(strings.NewReader(tc.stdin), io.Discard), store)
			kept, loadErr := store.Load(ctx)
			if tc.want == "" && tc.wantIs == nil {
				if err != nil || s.Username != fakeUser {
					t.Fatalf("LoginAndKeep = %v, %v; want logged in as %s", s, err, fakeUser)
				}
				if loadErr != nil || kept.UID != s.UID || kept.Username != fakeUser {
					t.Errorf("kept %v, %v; want the new session", kept, loadErr)
				}
				return
			}
			if err == nil || (tc.want != "" && err.Error() != tc.want) || (tc.wantIs != nil && !errors.Is(err, tc.wantIs)) {
				t.Fatalf("LoginAndKeep = %v; want %q (%v)", err, tc.want, tc.wantIs)
			}
			var unanswered *AnswerError
			var unread *FileError
			if strings.HasSuffix(tc.want, " needed") != errors.As(err, &unanswered) || strings.Contains(tc.want, " file: ") != errors.As(err, &unread) {
				t.Errorf("LoginAndKeep = %#v, want an *AnswerError for %q, a *FileError for a file", err, tc.want)
			}
			if !errors.Is(loadErr, ErrNotLoggedIn) {
				t.Errorf("a failed login kept a session: %v, %v", kept, loadErr)
			}
		})
	}
}
