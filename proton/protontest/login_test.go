package protontest

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/rclone/go-proton-api"
)

func TestBridgeLogsInAndListsRoot(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t, WithOptions(Options{Logf: t.Logf})).Server
	ctx := context.Background()
	drive := loginBridge(t, ctx, bridgeConfig(t, srv, testUser, testPassword))

	if drive.RootLink == nil || drive.RootLink.LinkID == "" {
		t.Fatal("no root link")
	}
	entries, err := drive.ListDirectory(ctx, drive.RootLink.LinkID)
	if err != nil {
		t.Fatalf("ListDirectory(root): %v", err)
	}
	if len(entries) != 0 {
		t.Fatalf("new account root has %d entries, want 0", len(entries))
	}
}

// TestLoginRefusals: a wrong password and an unknown username are refused
// as the real API refuses a wrong password, 422 / 8002, not with the 401
// of an expired session; the refused login leaves no session behind.
func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	// An account of its own: the sessions counted are this test's alone.
	ts := NewForTest(t, WithUser("gus", "gus's password"))
	ctx := context.Background()
	m := proton.New(
		proton.WithHostURL(ts.URL()),
		proton.WithAppVersion(testAppVersion),
		proton.WithTransport(&http.Transport{}),
	)
	defer m.Close()
	own := ts.Session()
	c := m.NewClient(own.UID, own.AccessToken, own.RefreshToken)
	defer c.Close()
	sessions := func() int {
		t.Helper()
		s, err := c.AuthSessions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(s)
	}
	before := sessions()
	for _, tc := range []struct{ name, username, password string }{
		{"wrong password", ts.Username, "not " + ts.Password},
		{"unknown username", "no-such-user", ts.Password},
	} {
		_, _, err := m.NewClientWithLogin(ctx, tc.username, []byte(tc.password))
		var apiErr *proton.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnprocessableEntity || apiErr.Code != proton.PasswordWrong {
			t.Errorf("%s: login = %v, want an API error 422 / 8002", tc.name, err)
		}
	}
	if after := sessions(); after != before {
		t.Errorf("%d sessions after the refused logins, want %d as before", after, before)
	}
}
