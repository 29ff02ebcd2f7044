package protontest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rclone/go-proton-api"
)

// rawGet sends GET path to srv with the given headers and returns the
// status and Proton error code.
func rawGet(t *testing.T, srv *Server, path string, headers map[string]string) (int, int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Code int }
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body.Code
}

func TestDriveRoutesNeedASession(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	cfg := sessionConfig(t, ts)
	drive := sessionBridge(t, ctx, cfg)
	uid, token := cfg.ReusableCredential.UID, cfg.ReusableCredential.AccessToken
	share := drive.MainShare.ShareID
	root := drive.RootLink.LinkID

	tests := []struct {
		name       string
		path       string
		headers    map[string]string
		wantStatus int
	}{
		{"no headers", "/drive/volumes", map[string]string{"x-pm-appversion": cfg.AppVersion}, http.StatusUnauthorized},
		{"no token", "/drive/volumes", map[string]string{"x-pm-uid": uid, "x-pm-appversion": cfg.AppVersion}, http.StatusUnauthorized},
		{"wrong token", "/drive/volumes", map[string]string{"x-pm-uid": uid, "Authorization": "Bearer nope", "x-pm-appversion": cfg.AppVersion}, http.StatusUnauthorized},
		{"wrong uid", "/drive/shares/" + share + "/links/" + root, map[string]string{"x-pm-uid": "nope", "Authorization": "Bearer " + token, "x-pm-appversion": cfg.AppVersion}, http.StatusUnauthorized},
		{"no app version", "/drive/volumes", map[string]string{"x-pm-uid": uid, "Authorization": "Bearer " + token}, http.StatusUnprocessableEntity},
		{"outdated app version", "/drive/volumes", map[string]string{"x-pm-uid": uid, "Authorization": "Bearer " + token, "x-pm-appversion": "macos-drive@1.0.0-alpha.1+rclone"}, http.StatusUnprocessableEntity},
		{"valid session", "/drive/shares/" + share + "/links/" + root, map[string]string{"x-pm-uid": uid, "Authorization": "Bearer " + token, "x-pm-appversion": cfg.AppVersion}, http.StatusOK},
		{"valid session, unknown link", "/drive/shares/" + share + "/links/nope", map[string]string{"x-pm-uid": uid, "Authorization": "Bearer " + token, "x-pm-appversion": cfg.AppVersion}, http.StatusUnprocessableEntity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, code := rawGet(t, srv, tc.path, tc.headers); status != tc.wantStatus {
				t.Fatalf("status %d (code %d), want %d", status, code, tc.wantStatus)
			}
		})
	}
}

// TestExpireAccessTokens: after ExpireAccessTokens the access token a
// client holds gets 401 on a drive route and on a core route, as an
// expired one does; the bridge refreshes once and its call goes through.
// A server that shares its core server allows it.
func TestExpireAccessTokens(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	cfg := sessionConfig(t, ts)
	drive := sessionBridge(t, ctx, cfg)
	headers := map[string]string{"x-pm-uid": cfg.ReusableCredential.UID, "Authorization": "Bearer " + cfg.ReusableCredential.AccessToken, "x-pm-appversion": cfg.AppVersion}
	paths := []string{"/drive/shares/" + drive.MainShare.ShareID + "/links/" + drive.RootLink.LinkID, "/core/v4/users"}
	for _, path := range paths {
		if status, _ := rawGet(t, srv, path, headers); status != http.StatusOK {
			t.Fatalf("GET %s before the tokens expired: %d", path, status)
		}
	}
	srv.ExpireAccessTokens()
	for _, path := range paths {
		if status, _ := rawGet(t, srv, path, headers); status != http.StatusUnauthorized {
			t.Fatalf("GET %s with an expired token: %d, want 401", path, status)
		}
	}
	if _, err := drive.ListDirectory(ctx, drive.RootLink.LinkID); err != nil {
		t.Fatalf("list after the token expired: %v", err)
	}
	if got := srv.Calls(RouteAuthRefresh); got != 1 {
		t.Errorf("server saw %d refreshes, want 1", got)
	}
}

// TestTokensRefresh: an access token whose life (SetAuthLife) ran out gets
// 401 on a drive route; go-proton-api refreshes it on the core route and
// retries. Refreshes are counted from when the bridge has logged in: on a
// loaded machine the token can run out during the login already.
func TestTokensRefresh(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t, WithOwnCore()).Server
	ctx := context.Background()
	// Long enough that the refreshed token outlives the retried call on a
	// busy machine running the tests in parallel.
	const life = 5 * time.Second
	srv.SetAuthLife(life)
	cfg := bridgeConfig(t, srv, testUser, testPassword)
	var refreshed atomic.Int32
	drive, _, err := newBridgeWithAuthHandler(ctx, cfg, func(proton.Auth) { refreshed.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	defer drive.Logout(ctx)
	calls0, refreshed0 := srv.Calls(RouteAuthRefresh), refreshed.Load()
	time.Sleep(life + 500*time.Millisecond)

	if _, err := drive.ListDirectory(ctx, drive.RootLink.LinkID); err != nil {
		t.Fatalf("list after the token expired: %v", err)
	}
	if got := srv.Calls(RouteAuthRefresh) - calls0; got != 1 {
		t.Errorf("server saw %d refreshes, want 1", got)
	}
	if got := refreshed.Load() - refreshed0; got != 1 {
		t.Errorf("bridge auth handler called %d times, want 1", got)
	}
}

func TestRevokedSessionFails(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t, WithOwnCore())
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	if err := srv.RevokeSessions(testUser); err != nil {
		t.Fatal(err)
	}
	if _, err := drive.ListDirectory(ctx, drive.RootLink.LinkID); err == nil {
		t.Fatal("list with a revoked session succeeded")
	}
	if err := srv.RevokeSessions("nobody"); err == nil {
		t.Fatal("RevokeSessions of an unknown user succeeded")
	}
}

// TestLogsHoldNoSecrets: the request log names method, path and status
// only; passwords and tokens never appear.
func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var lines []string
	srv := NewForTest(t, WithOptions(Options{Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}})).Server
	ctx := context.Background()
	cfg := bridgeConfig(t, srv, testUser, testPassword)
	drive := loginBridge(t, ctx, cfg)
	upload(t, ctx, drive, drive.RootLink.LinkID, "secret-name.cake", []byte("secret content"))

	mu.Lock()
	defer mu.Unlock()
	if len(lines) < 10 {
		t.Fatalf("only %d log lines", len(lines))
	}
	secrets := []string{testPassword, cfg.ReusableCredential.AccessToken, cfg.ReusableCredential.RefreshToken, cfg.ReusableCredential.SaltedKeyPass, "secret-name", "secret content"}
	for _, line := range lines {
		for _, s := range secrets {
			if s != "" && strings.Contains(line, s) {
				t.Fatalf("log line %q holds a secret", line)
			}
		}
	}
}
