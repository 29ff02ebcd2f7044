package proton

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton/protontest"
)

// TestStaleStoredTokensAreRenewed: another process renewed the session
// a whole token life ago, so the tokens in the cache have expired too.
// A Drive whose own token expired must not be handed those (its retried
// call would get 401): it renews them with the cached refresh token, the
// latest, saves the new ones, and its call succeeds. The cache is written
// by a cakebackup that records the token's expiry, and as an older one
// wrote it, without the expires field, which must still load and work.
func TestStaleStoredTokensAreRenewed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// oldFile writes the cache as a cakebackup without Expires did.
		oldFile bool
	}{
		{name: "expiry recorded"},
		{name: "old session file", oldFile: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newFakeProtonWith(t, protontest.WithAuthLife(authLife))
			d := f.connect(t)
			s, err := f.store.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Refreshes are counted from here: on a loaded machine the
			// session's first token can expire while the test sets up, and
			// connect then renews it, which is not what is tested.
			granted0, refused0 := f.srv.Refreshes()
			// Renewed elsewhere and saved, as another process would.
			renewedAt := time.Now().UTC()
			s.AccessToken, s.RefreshToken = rotateElsewhere(t, f, s)
			s.Refreshed = renewedAt.Truncate(time.Second)
			elsewhere := s.RefreshToken
			if tc.oldFile {
				writeOldSessionFile(t, f, s)
			} else {
				s.Expires = renewedAt.Add(authLife)
				if err := f.store.Save(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(authLife + 100*time.Millisecond) // Both tokens expire.
			if _, err := d.Account(ctx); err != nil {
				t.Fatalf("Account after the cached tokens expired: %v", err)
			}
			granted, refused := f.srv.Refreshes()
			granted, refused = granted-granted0, refused-refused0
			if granted != 2 || refused != 0 {
				t.Fatalf("%d refreshes granted, %d refused; want 2 (elsewhere, then here) and none", granted, refused)
			}
			after, err := f.store.Load(ctx)
			if err != nil || after.RefreshToken == elsewhere {
				t.Fatalf("the cache still holds the tokens renewed elsewhere (%v)", err)
			}
			assertExpiry(t, after, authLife)
			info, err := os.Stat(f.store.Where())
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("session file after the refresh: %v, %v; want mode 0600", info.Mode(), err)
			}
		})
	}
}

// TestFreshStoredTokensAreHandedOver: two Drives share the cached
// session and their tokens expire; the first to call renews them, and
// the second is handed those brand-new tokens, with no second refresh
// (which would end the first's access token).
func TestFreshStoredTokensAreHandedOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Tokens are handed over while half their life is left: with a life
	// of 3 s, a loaded machine took longer than 1.5 s between the two
	// calls below (CI, 2026-12-02), and the second refreshed again.
	const life = 3 * authLife
	f := newFakeProtonWith(t, protontest.WithAuthLife(life))
	first, second := f.connect(t), f.connect(t)
	// Refreshes are counted from here (see TestStaleStoredTokensAreRenewed).
	granted0, refused0 := f.srv.Refreshes()
	time.Sleep(life + 100*time.Millisecond)
	if _, err := first.Account(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertExpiry(t, s, life)
	if _, err := second.Account(ctx); err != nil {
		t.Fatalf("the second Drive: %v", err)
	}
	if granted, refused := f.srv.Refreshes(); granted-granted0 != 1 || refused-refused0 != 0 {
		t.Fatalf("%d refreshes granted, %d refused; want 1 and none", granted-granted0, refused-refused0)
	}
	// The first still works: nobody renewed its tokens behind its back.
	if _, err := first.Account(ctx); err != nil {
		t.Fatalf("the first Drive afterwards: %v", err)
	}
	if granted, _ := f.srv.Refreshes(); granted-granted0 != 1 {
		t.Fatalf("%d refreshes granted, want still 1", granted-granted0)
	}
}

// assertExpiry checks that the refresh that saved s recorded the access
// token's expiry from the reply's ExpiresIn: authLife after it was
// renewed (Refreshed is truncated to seconds).
func assertExpiry(t *testing.T, s Session, want time.Duration) {
	t.Helper()
	if life := s.Expires.Sub(s.Refreshed); life < want-time.Second || life > want+time.Second {
		t.Fatalf("saved session expires %v after its refresh, want about %v", life, want)
	}
}

// writeOldSessionFile saves s as a cakebackup that did not record the
// access token's expiry wrote it: the same JSON without "expires".
func writeOldSessionFile(t *testing.T, f *fakeProton, s Session) {
	t.Helper()
	old := map[string]any{
		"username":        s.Username,
		"api_url":         s.APIURL,
		"uid":             s.UID,
		"access_token":    s.AccessToken,
		"refresh_token":   s.RefreshToken,
		"salted_key_pass": s.SaltedKeyPass,
		"created":         s.Created,
		"refreshed":       s.Refreshed,
	}
	data, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.store.Where(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := f.store.Load(context.Background())
	if err != nil || !loaded.Expires.IsZero() || loaded.RefreshToken != s.RefreshToken {
		t.Fatalf("loading the old session file: %v", err)
	}
}

// TestFresh: the rule of the refresher's step 2 for handing stored
// tokens over.
func TestFresh(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name               string
		refreshed, expires time.Duration // before now; expires after now
		noRefreshed, noExp bool
		want               bool
	}{
		{name: "just renewed, a day left", refreshed: time.Second, expires: day - time.Second, want: true},
		{name: "half its life left", refreshed: day / 2, expires: day / 2, want: true},
		{name: "under half left", refreshed: day/2 + time.Minute, expires: day/2 - time.Minute, want: false},
		{name: "expired", refreshed: day + time.Minute, expires: -time.Minute, want: false},
		{name: "no life known, renewed 1s ago", refreshed: time.Second, noExp: true, want: true},
		{name: "no life known, renewed 3s ago", refreshed: 3 * time.Second, noExp: true, want: false},
		{name: "never renewed", noRefreshed: true, expires: day, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Session
			if !tc.noRefreshed {
				s.Refreshed = now.Add(-tc.refreshed)
			}
			if !tc.noExp {
				s.Expires = now.Add(tc.expires)
			}
			if got := fresh(s, now); got != tc.want {
				t.Fatalf("fresh = %v, want %v", got, tc.want)
			}
		})
	}
}
