package proton

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/proton/protontest"
)

// TestDrivesShareOneSession: two Drives on one cached session (two
// commands running at once) whose access tokens expire together, again
// and again, so that both get 401 at once and race to renew the session.
// They never present a spent refresh token to Proton (the fake refuses
// every reuse of one) and never lose the session: each time one renews it
// and the other is handed the new tokens (the refresher's step 2), so
// there is one refresh per expiry.
func TestDrivesShareOneSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	drives := []*Drive{f.connect(t), f.connect(t)}
	const rounds = 4
	for round := range rounds {
		f.srv.ExpireAccessTokens()
		var wg sync.WaitGroup
		for i, d := range drives {
			wg.Go(func() {
				if _, err := d.Account(ctx); err != nil {
					t.Errorf("expiry %d, Drive %d: %v", round+1, i, err)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
	}
	for i, d := range drives {
		if err := d.SaveError(); err != nil {
			t.Errorf("Drive %d: %v", i, err)
		}
	}
	if granted, refused := f.srv.Refreshes(); refused != 0 || granted != rounds {
		t.Fatalf("%d refreshes granted, %d refused; want %d (one per expiry) and none", granted, refused, rounds)
	}
	s, err := f.store.Load(ctx)
	if err != nil || s.Refreshed.IsZero() || s.Created.IsZero() {
		t.Fatalf("cached session after refreshes: %v (created %v, refreshed %v)", err, s.Created, s.Refreshed)
	}
	// The next run starts from the cache.
	d := f.connect(t)
	if _, err := d.Account(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRefreshServerErrorKeepsSession: a 5xx (or a timeout) while
// refreshing fails that call but neither blanks the cached session nor
// marks it dead; the next call refreshes.
func TestRefreshServerErrorKeepsSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	d := f.connect(t)
	before, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway} {
		f.srv.ExpireAccessTokens()
		f.srv.FailNext(protontest.RouteAuthRefresh, 1, status, 0)
		_, err := d.Account(ctx)
		if !errors.Is(err, ErrServer) || errors.Is(err, ErrSessionExpired) {
			t.Fatalf("Account with a %d on refresh = %v, want ErrServer", status, err)
		}
		after, err := f.store.Load(ctx)
		if err != nil || after.RefreshToken != before.RefreshToken {
			t.Fatalf("after a %d on refresh the cached session changed (%v)", status, err)
		}
	}
	if _, err := d.Account(ctx); err != nil {
		t.Fatalf("Account once Proton answers again: %v", err)
	}
	if _, refused := f.srv.Refreshes(); refused != 0 {
		t.Fatalf("%d refreshes refused", refused)
	}
}

// TestRefreshRefusedMarksSessionDead: a refresh Proton refuses for good
// (the token was spent elsewhere and the cache does not have the new
// one) gives ErrSessionExpired, and the cached session is kept, not
// deleted: only a login replaces it.
func TestRefreshRefusedMarksSessionDead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	d := f.connect(t)
	cached, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rotateElsewhere(t, f, cached) // which ends the access token too
	if _, err := d.Account(ctx); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("Account after the refresh token was spent elsewhere = %v, want ErrSessionExpired", err)
	}
	if _, refused := f.srv.Refreshes(); refused == 0 {
		t.Fatal("the fake refused no refresh")
	}
	if s, err := f.store.Load(ctx); err != nil || s.UID != cached.UID {
		t.Fatalf("the cached session is gone: %v", err)
	}
}

// TestRefreshRetriedWithTokenSavedMeanwhile: a process that does not take
// the lock (an older cakebackup) renews the session and saves it just
// after this one read the cache; Proton refuses the spent token, and the
// refresh is retried once with the token now in the cache.
func TestRefreshRetriedWithTokenSavedMeanwhile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	store := &hookedStore{SessionStore: f.store}
	d, err := Connect(ctx, f.opts, store)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	store.afterLoad = func(s Session) {
		s.AccessToken, s.RefreshToken = rotateElsewhere(t, f, s)
		if err := f.store.Save(ctx, s); err != nil {
			t.Error(err)
		}
	}
	f.srv.ExpireAccessTokens()
	if _, err := d.Account(ctx); err != nil {
		t.Fatalf("Account: %v", err)
	}
	if _, refused := f.srv.Refreshes(); refused != 1 {
		t.Fatalf("%d refreshes refused, want exactly the one retried", refused)
	}
}

// rotateElsewhere renews s at the fake as another process would, and
// returns the new access and refresh tokens.
func rotateElsewhere(t *testing.T, f *fakeProton, s Session) (string, string) {
	t.Helper()
	m := protonapi.New(protonapi.WithHostURL(f.srv.URL()), protonapi.WithAppVersion(f.opts.appVersion()), protonapi.WithTransport(&http.Transport{}))
	defer m.Close()
	c, auth, err := m.NewClientWithRefresh(context.Background(), s.UID, s.RefreshToken)
	if err != nil {
		t.Fatalf("refreshing elsewhere: %v", err)
	}
	c.Close()
	return auth.AccessToken, auth.RefreshToken
}

// hookedStore runs afterLoad once, after the first Load that follows
// arming it.
type hookedStore struct {
	SessionStore
	mu        sync.Mutex
	afterLoad func(Session)
}

func (h *hookedStore) Load(ctx context.Context) (Session, error) {
	s, err := h.SessionStore.Load(ctx)
	h.mu.Lock()
	fn := h.afterLoad
	h.afterLoad = nil
	h.mu.Unlock()
	if fn != nil && err == nil {
		fn(s)
	}
	return s, err
}
