package proton

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// grantThenGiveUp passes requests on; when Proton grants a token refresh
// it calls granted (which ends the caller's context) and hands the reply
// back only after a short while, or not at all once the request's own
// context has ended: a reply still on the way when the caller gave up.
type grantThenGiveUp struct {
	next    http.RoundTripper
	granted func()
}

func (g *grantThenGiveUp) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := g.next.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, refreshPath) || res.StatusCode != http.StatusOK {
		return res, err
	}
	g.granted()
	select {
	case <-req.Context().Done():
		res.Body.Close()
		return nil, req.Context().Err()
	case <-time.After(200 * time.Millisecond):
		return res, nil
	}
}

// TestGrantedRefreshSavedWhenCallerGivesUp: a call whose context ends
// (Ctrl-C, a deadline) while its token refresh is on the way still takes
// Proton's answer and saves the new tokens. Refresh tokens are single-use:
// Proton has spent the cached one, so a granted reply dropped here would
// leave the next run with a dead session and a new login to do.
func TestGrantedRefreshSavedWhenCallerGivesUp(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := f.opts
	opts.Transport = &grantThenGiveUp{next: http.DefaultTransport, granted: cancel}
	d, err := Connect(context.Background(), opts, f.store)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	f.srv.ExpireAccessTokens()
	_, _ = d.Account(ctx) // Its caller gave up; the refresh was granted.
	if granted, _ := f.srv.Refreshes(); granted != 1 {
		t.Fatalf("%d refreshes granted, want 1", granted)
	}
	// The next run starts from the cache.
	if _, err := f.connect(t).Account(context.Background()); err != nil {
		t.Fatalf("the next run: %v", err)
	}
	if _, refused := f.srv.Refreshes(); refused != 0 {
		t.Fatalf("%d refreshes refused: the granted tokens were not saved", refused)
	}
}
