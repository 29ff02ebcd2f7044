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

// TestLoginUndoneWhenNotKept logs in against the fake server over HTTP
// with a session store that cannot keep the session: no keyring works
// and the session file's place is taken by a folder. The login is undone:
// the fake refuses the session's tokens afterwards, and the error says
// so; when Proton cannot be told (a 500 on DELETE /auth/v4), the error
// says that, and the session still works. A Ctrl-C that ended the save
// does not stop the undo. A session the keyring did take, with only the
// stale file left, is kept and works.
func TestLoginUndoneWhenNotKept(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	const (
		undone = "logged in, but the session could not be kept, " +
			"so the login was undone (the session is ended at Proton): "
		notUndone = "logged in, but the session could not be kept (saving the Proton session: rename "
		notEnded  = "), and the login could not be undone: Proton could not be told to end the session " +
			"(ending the session at Proton: server error at Proton Drive: try again later"
		webSettings = "; end it in Proton's web settings under Security, Sessions"
		stale       = "logged in and the session is kept, but an older copy of it could not be removed: " +
			"removing the Proton session: remove "
	)
	for _, tc := range []struct {
		name         string
		keyring      *memKeyring
		fileTaken    bool // a folder where the session file goes
		revokeFails  bool
		cancelOnSave bool
		wantPrefix   string
		wantContains []string
		wantUndone   bool
		wantLoaded   bool // the store holds the session
		wantCanceled bool
	}{
		{name: "keyring and file fail", keyring: &memKeyring{broken: true}, fileTaken: true,
			wantPrefix: undone + "saving the Proton session: rename ", wantUndone: true},
		{name: "Proton not told", keyring: &memKeyring{broken: true}, fileTaken: true, revokeFails: true,
			wantPrefix: notUndone, wantContains: []string{notEnded, webSettings}},
		{name: "Ctrl-C during the save", keyring: &memKeyring{broken: true}, cancelOnSave: true,
			wantPrefix: undone + "context canceled", wantUndone: true, wantCanceled: true},
		{name: "kept in the keyring, stale file left", keyring: &memKeyring{secrets: map[string]string{}},
			fileTaken: true, wantPrefix: stale, wantLoaded: true},
	} {
		t.Run(tc.name, func(t *testing.T) { // not parallel: FailNext is the server's
			dir := t.TempDir()
			if tc.fileTaken {
				taken := filepath.Join(dir, "cakebackup", sessionFileName, "taken")
				if err := os.MkdirAll(taken, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			if tc.revokeFails {
				f.srv.FailNext("DELETE /auth/v4", 1, 500, 0)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir})
			store := &savesSeen{SessionStore: NewSessionStore(getenv, tc.keyring)}
			if tc.cancelOnSave {
				store.beforeSave = cancel
			}
			given := LoginGiven{Username: fakeUser, Password: fakePassword}
			nobody := secret.NewPrompter(strings.NewReader(""), io.Discard)
			s, err := LoginAndKeep(ctx, f.opts, given, nobody, store)
			var ke *KeepError
			if !errors.As(err, &ke) || ke.Undone != tc.wantUndone || (ke.UndoErr != nil) != tc.revokeFails ||
				ke.Kept != tc.wantLoaded {
				t.Fatalf("LoginAndKeep = %v, %#v; want a *KeepError, undone %v, kept %v", s, err, tc.wantUndone, tc.wantLoaded)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tc.wantPrefix) || strings.Contains(msg, "\n") {
				t.Errorf("error %q; want one line starting %q", msg, tc.wantPrefix)
			}
			for _, want := range tc.wantContains {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q; want it to say %q", err, want)
				}
			}
			if errors.Is(err, context.Canceled) != tc.wantCanceled {
				t.Errorf("error %q: errors.Is(context.Canceled) = %v", err, !tc.wantCanceled)
			}
			if len(store.saved) != 1 {
				t.Fatalf("%d sessions given to Save, want the login's", len(store.saved))
			}
			if _, err := store.SessionStore.Load(context.Background()); (err == nil) != tc.wantLoaded {
				t.Errorf("the store after the login: %v; want a session kept %v", err, tc.wantLoaded)
			}
			// The login's session, at the fake: ended unless the undo failed
			// or was not needed.
			held := &sessionFile{getenv: envWith(map[string]string{"XDG_CONFIG_HOME": t.TempDir()})}
			if err := held.Save(context.Background(), store.saved[0]); err != nil {
				t.Fatal(err)
			}
			d, err := Connect(context.Background(), f.opts, held)
			if tc.wantUndone {
				if !errors.Is(err, ErrSessionExpired) {
					t.Fatalf("Connect with the undone login's session = %v, want ErrSessionExpired", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Connect with the login's session, not ended: %v", err)
			}
			defer d.Close(context.Background())
			if a, err := d.Account(context.Background()); err != nil || a.Username != fakeUser {
				t.Fatalf("Account with the login's session, not ended = %v, %v", a, err)
			}
		})
	}
}

// savesSeen is a session store that records each session given to Save,
// and runs beforeSave, if set, before the store saves it.
type savesSeen struct {
	SessionStore
	beforeSave func()
	saved      []Session
}

func (r *savesSeen) Save(ctx context.Context, s Session) error {
	r.saved = append(r.saved, s)
	if r.beforeSave != nil {
		r.beforeSave()
	}
	return r.SessionStore.Save(ctx, s)
}
