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
			f := newFakeProton(t)
			d := f.connect(t)
			s, err := f.store.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Renewed elsewhere and saved, as another process would have a
			// token life ago: the cache says when, and the fake ends both
			// that access token and the Drive's.
			s.AccessToken, s.RefreshToken = rotateElsewhere(t, f, s)
			renewedAt := time.Now().UTC().Add(-life)
			s.Refreshed = renewedAt.Truncate(time.Second)
			elsewhere := s.RefreshToken
			if tc.oldFile {
				writeOldSessionFile(t, f, s)
			} else {
				s.Expires = renewedAt.Add(life)
				if err := f.store.Save(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			f.srv.ExpireAccessTokens()
			from := time.Now()
			if _, err := d.Account(ctx); err != nil {
				t.Fatalf("Account after the cached tokens expired: %v", err)
			}
			to := time.Now()
			if granted, refused := f.srv.Refreshes(); granted != 2 || refused != 0 {
				t.Fatalf("%d refreshes granted, %d refused; want 2 (elsewhere, then here) and none", granted, refused)
			}
			after, err := f.store.Load(ctx)
			if err != nil || after.RefreshToken == elsewhere {
				t.Fatalf("the cache still holds the tokens renewed elsewhere (%v)", err)
			}
			assertExpiry(t, after, from, to)
			info, err := os.Stat(f.store.Where())
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("session file after the refresh: %v, %v; want mode 0600", info.Mode(), err)
			}
		})
	}
}

// life is how long the fake's access tokens live, which its refresh
// replies say (ExpiresIn).
const life = protontest.DefaultAuthLife

// TestFreshStoredTokensAreHandedOver: two Drives share the cached
// session and their tokens expire; the first to call renews them, and
// the second is handed those brand-new tokens, with no second refresh
// (which would end the first's access token).
func TestFreshStoredTokensAreHandedOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	first, second := f.connect(t), f.connect(t)
	f.srv.ExpireAccessTokens()
	from := time.Now()
	if _, err := first.Account(ctx); err != nil {
		t.Fatal(err)
	}
	to := time.Now()
	s, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertExpiry(t, s, from, to)
	if _, err := second.Account(ctx); err != nil {
		t.Fatalf("the second Drive: %v", err)
	}
	if granted, refused := f.srv.Refreshes(); granted != 1 || refused != 0 {
		t.Fatalf("%d refreshes granted, %d refused; want 1 and none", granted, refused)
	}
	// The first still works: nobody renewed its tokens behind its back.
	if _, err := first.Account(ctx); err != nil {
		t.Fatalf("the first Drive afterwards: %v", err)
	}
	if granted, _ := f.srv.Refreshes(); granted != 1 {
		t.Fatalf("%d refreshes granted, want still 1", granted)
	}
}

// assertExpiry checks that the refresh that saved s, sent between from
// and to, recorded the access token's expiry from the reply's ExpiresIn
// (life, in whole seconds), counted from when it was sent: never later
// than the server's own expiry.
func assertExpiry(t *testing.T, s Session, from, to time.Time) {
	t.Helper()
	if earliest, latest := from.Add(life), to.Add(life); s.Expires.Before(earliest) || s.Expires.After(latest) {
		t.Fatalf("saved session expires at %v, want between %v and %v (a token life after the refresh was sent)", s.Expires, earliest, latest)
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
