package proton

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations/destinationtest"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

const fakeTwoFactorCode = "314159"

// TestLoginTwoFactor logs in to an account with 2FA through the real
// bridge over HTTP: no code, a wrong code, the right code (then a backup
// goes up and comes back with the saved session).
func TestLoginTwoFactor(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	if err := f.srv.RequireTwoFactor(fakeUser, fakeTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		code string
		want error
	}{
		{"no code", "", ErrTwoFactorRequired},
		{"wrong code", "271828", ErrWrongTwoFactor},
		{"wrong password with a right code", fakeTwoFactorCode, ErrWrongPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each login is its own session
			cred := Credentials{Username: fakeUser, Password: fakePassword, TwoFactorCode: tc.code}
			if tc.want == ErrWrongPassword {
				cred.Password = "not the password"
			}
			_, err := Login(ctx, f.opts, cred)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Login = %v, want %v", err, tc.want)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || strings.Contains(msg, cred.Password) || (tc.code != "" && strings.Contains(msg, tc.code)) {
				t.Errorf("error %q is not one line or shows a secret", msg)
			}
		})
	}

	t.Run("right code", func(t *testing.T) {
		t.Parallel()
		s, err := Login(ctx, f.opts, Credentials{Username: fakeUser, Password: fakePassword, TwoFactorCode: fakeTwoFactorCode})
		if err != nil {
			t.Fatalf("Login: %v", err)
		}
		if err := f.store.Save(ctx, s); err != nil {
			t.Fatal(err)
		}
		dest := f.madeDest(t)
		data := []byte("backup behind two-factor authentication")
		destinationtest.Put(t, dest, "cake_wallet_backup_2fa", data)
		entries, err := dest.List(ctx)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(entries) != 1 || entries[0].Name != "cake_wallet_backup_2fa" || entries[0].Size != int64(len(data)) {
			t.Fatalf("List = %+v, want the one backup", entries)
		}
		if got := destinationtest.ReadAll(t, dest, "cake_wallet_backup_2fa"); !bytes.Equal(got, data) {
			t.Fatal("backup read back differs")
		}
	})
}

// TestTwoFactorSkippedSessionHasNoDriveAccess saves a session that never
// passed 2FA (made with go-proton-api directly, as cakebackup's Login
// never would) and connects with it: the server refuses it before any
// drive route is reached.
func TestTwoFactorSkippedSessionHasNoDriveAccess(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	if err := f.srv.RequireTwoFactor(fakeUser, fakeTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m := protonapi.New(
		protonapi.WithHostURL(f.srv.URL()),
		protonapi.WithAppVersion(f.opts.appVersion()),
		protonapi.WithTransport(&http.Transport{}),
	)
	t.Cleanup(m.Close)
	c, auth, err := m.NewClientWithLogin(ctx, fakeUser, []byte(fakePassword))
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	t.Cleanup(c.Close)
	// The key password is the real one: only the missing 2FA step stands
	// in the way.
	good, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	skipped := Session{
		Username:      fakeUser,
		APIURL:        f.opts.APIURL,
		UID:           auth.UID,
		AccessToken:   auth.AccessToken,
		RefreshToken:  auth.RefreshToken,
		SaltedKeyPass: good.SaltedKeyPass,
	}
	if err := f.store.Save(ctx, skipped); err != nil {
		t.Fatal(err)
	}
	before := f.srv.Calls(protontest.RouteListShares) + f.srv.Calls(protontest.RouteListVolumes)
	d, err := Connect(ctx, f.opts, f.store)
	if err == nil {
		d.Close(ctx)
		t.Fatal("Connect with a session that skipped 2FA succeeded")
	}
	// translate keeps Proton's words, status included, in the one line.
	if !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("Connect = %v, want Proton's 403", err)
	}
	if after := f.srv.Calls(protontest.RouteListShares) + f.srv.Calls(protontest.RouteListVolumes); after != before {
		t.Errorf("drive routes were reached %d times", after-before)
	}
}

// TestLoginMailboxPassword logs in to a two-password account with 2FA:
// without the mailbox password Login says so; with it the saved session
// opens the Drive with no password at all.
func TestLoginMailboxPassword(t *testing.T) {
	t.Parallel()
	const mailbox = "a second, mailbox password"
	f := newFakeProton(t)
	if err := f.srv.RequireMailboxPassword(fakeUser, fakePassword, mailbox); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.RequireTwoFactor(fakeUser, fakeTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cred := Credentials{Username: fakeUser, Password: fakePassword, TwoFactorCode: fakeTwoFactorCode}
	if _, err := Login(ctx, f.opts, cred); !errors.Is(err, ErrMailboxPasswordRequired) {
		t.Fatalf("Login without the mailbox password = %v, want %v", err, ErrMailboxPasswordRequired)
	}
	cred.MailboxPassword = "not the mailbox password"
	_, err := Login(ctx, f.opts, cred)
	if !errors.Is(err, ErrKeysLocked) || strings.Contains(err.Error(), cred.MailboxPassword) {
		t.Fatalf("Login with a wrong mailbox password = %v, want %v, without the password", err, ErrKeysLocked)
	}
	t.Logf("wrong mailbox password: %v", err)
	cred.MailboxPassword = mailbox
	s, err := Login(ctx, f.opts, cred)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if err := f.store.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	acct, err := f.connect(t).Account(ctx)
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	if acct.Username != fakeUser {
		t.Fatalf("Account = %+v", acct)
	}
	dest := f.madeDest(t)
	data := []byte("backup of a two-password account")
	destinationtest.Put(t, dest, "cake_wallet_backup_mbox", data)
	if got := destinationtest.ReadAll(t, dest, "cake_wallet_backup_mbox"); !bytes.Equal(got, data) {
		t.Fatal("backup read back differs")
	}
}
