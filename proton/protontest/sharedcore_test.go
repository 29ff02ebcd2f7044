package protontest

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/rclone/go-proton-api"
)

// TestSharedCoreKeepsServersApart: servers of NewForTest that share the
// core server hold their own drives and sessions, let no one log in to an
// account another server holds (the reply is that for an unknown user on a
// core server of its own), and refuse changes that would reach the other
// servers' sessions.
func TestSharedCoreKeepsServersApart(t *testing.T) {
	t.Parallel()
	a, b := NewForTest(t), NewForTest(t)
	// A server with a core server of its own, where the name is unknown
	// to the core server too. It needs no account of its own: making one
	// costs three bcrypt hashes and a login.
	own, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = own.Close() })
	if a.Session().UID == b.Session().UID || a.Session().AccessToken == b.Session().AccessToken {
		t.Error("two servers hold the same session")
	}
	storedA, err := a.Stored()
	if err != nil {
		t.Fatal(err)
	}
	storedB, err := b.Stored()
	if err != nil {
		t.Fatal(err)
	}
	if len(storedA.Shares) != 1 || len(storedB.Shares) != 1 || storedA.Shares[0].ShareID == storedB.Shares[0].ShareID {
		t.Errorf("shares %v and %v, want one each, not the same", storedA.Shares, storedB.Shares)
	}

	const user, password = otherUser, otherPassword
	if err := a.AddUser(user, password); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	login := func(srv *Server, username string) error {
		m := proton.New(
			proton.WithHostURL(srv.URL()),
			proton.WithAppVersion(testAppVersion),
			proton.WithTransport(&http.Transport{}),
		)
		defer m.Close()
		c, _, err := m.NewClientWithLogin(ctx, username, []byte(password))
		if err != nil {
			return err
		}
		defer c.Close()
		return c.AuthDelete(ctx)
	}
	if err := login(a.Server, user); err != nil {
		t.Fatalf("log in to the server that holds the account: %v", err)
	}
	errShared := login(b.Server, user)
	errOwn := login(own, user)
	var apiShared, apiOwn *proton.APIError
	if !errors.As(errShared, &apiShared) || !errors.As(errOwn, &apiOwn) {
		t.Fatalf("log in to servers without the account: %v and %v, want API errors", errShared, errOwn)
	}
	if apiShared.Status != apiOwn.Status || apiShared.Code != apiOwn.Code {
		t.Errorf("unknown user on a shared core: %d / %d, on its own core: %d / %d", apiShared.Status, apiShared.Code, apiOwn.Status, apiOwn.Code)
	}

	if err := b.RevokeSessions(TestUser); !errors.Is(err, errSharedCore) {
		t.Errorf("RevokeSessions on a shared core: %v, want %v", err, errSharedCore)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("SetAuthLife on a shared core did not panic")
			}
		}()
		b.SetAuthLife(0)
	}()
	if err := b.AddUser(user, "another password"); err == nil {
		t.Error("AddUser of a name the shared core holds with another password succeeded")
	}
}
