package proton

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/proton/protontest"
)

// authLife is the access token life in the refresh tests: short, so
// every few calls need a refresh, yet longer than a refresh and the call
// after it take on a busy 2-core machine running the tests in parallel.
// (2 s was not: at a load average of 13 to 17 TestDrivesShareOneSession's
// retried call twice arrived after its new token had expired.)
const authLife = 3 * time.Second

// TestDrivesShareOneSession: two Drives on one cached session (two
// commands running at once), each refreshing as its access token
// expires, never present a spent refresh token to Proton and never lose
// the session. The fake refuses every reuse of a refresh token.
//
// A Drive whose token expired is handed the tokens the other renewed (the
// refresher's step 2) only while at least half of their life is left;
// older ones it renews itself. (Before that rule, with a pause of
// authLife/2, a starved retry once came after the tokens it had been
// handed expired and got 401.)
func TestDrivesShareOneSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProtonWith(t, protontest.WithAuthLife(authLife))
	drives := []*Drive{f.connect(t), f.connect(t)}
	const calls, pause = 6, authLife / 2
	var wg sync.WaitGroup
	for i, d := range drives {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				if _, err := d.Account(ctx); err != nil {
					t.Errorf("Drive %d: %v", i, err)
					return
				}
				time.Sleep(pause)
			}
			if err := d.SaveError(); err != nil {
				t.Errorf("Drive %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	granted, refused := f.srv.Refreshes()
	t.Logf("refreshes: %d granted, %d refused", granted, refused)
	if refused != 0 || granted == 0 {
		t.Fatalf("%d refreshes granted, %d refused; want some and none", granted, refused)
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
	f := newFakeProtonWith(t, protontest.WithAuthLife(authLife))
	d := f.connect(t)
	before, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway} {
		time.Sleep(authLife + 100*time.Millisecond)
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
	f := newFakeProtonWith(t, protontest.WithAuthLife(authLife))
	d := f.connect(t)
	cached, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rotateElsewhere(t, f, cached)
	time.Sleep(authLife + 100*time.Millisecond)
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
	f := newFakeProtonWith(t, protontest.WithAuthLife(authLife))
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
	time.Sleep(authLife + 100*time.Millisecond)
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
