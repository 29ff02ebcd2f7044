package protontest

import (
	"net/http"
	"net/http/httptest"
	"sync"
)

// RouteAuthRefresh is the token refresh, named as FailNext and Calls
// expect it.
const RouteAuthRefresh = "POST /auth/v4/refresh"

// CodeRefreshTokenInvalid is Proton's code for a refresh token that was
// already used, expired or belongs to a revoked session (go-proton-api's
// AuthRefreshTokenInvalid).
const CodeRefreshTokenInvalid = 10013

// Refresh tokens are single-use. go-proton-api's server already replaces
// a session's tokens on every refresh, so a used refresh token (and the
// access token it replaced) stops working at once; it answers a refused
// refresh with a bare 422. Proton answers "400 Invalid refresh token
// (Code=10013)" (rclone issue 9880: two processes sharing one session
// both refreshed and the loser got this), which is what the fake sends.
// Whether the real API also ends the old access token at once is not
// known; the fake's stricter rule makes a process that lost the race get
// 401 on its next call, which is the case to handle. Access tokens live
// as long as SetAuthLife says (about a day at Proton, reported, not
// confirmed; refresh tokens about a month, not enforced here).

// refreshes counts the outcomes of token refreshes.
type refreshes struct {
	mu      sync.Mutex
	ok      int
	refused int
}

// Refreshes returns how many token refreshes the server granted and how
// many it refused with CodeRefreshTokenInvalid. Failures injected with
// FailNext are in neither.
func (s *Server) Refreshes() (granted, refused int) { return s.refreshes.counts() }

func (rc *refreshes) counts() (granted, refused int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.ok, rc.refused
}

// count records the outcome of a refresh the core server answered with
// status.
func (rc *refreshes) count(status int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	switch {
	case status >= 400 && status < 500:
		rc.refused++
	case status == http.StatusOK:
		rc.ok++
	}
}

// handleRefresh passes a refresh to the core server and words a refusal
// as Proton does.
func (s *Server) handleRefresh(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		res := rec.Result()
		s.refreshes.count(res.StatusCode)
		if res.StatusCode >= 400 && res.StatusCode < 500 {
			writeAPIError(w, http.StatusBadRequest, CodeRefreshTokenInvalid, "Invalid refresh token")
			return
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = rec.Body.WriteTo(w)
	})
}
