package protontest

import (
	"net/http"
	"regexp"
	"sync"
)

// Proton refuses clients that identify with an outdated or unknown
// x-pm-appversion, on every route:
//
//   - rclone issue 9764 (August 2026): "422 POST https://drive-api.proton.me/auth/v4:
//     This version of the app is no longer supported, please update to
//     continue using the app (Code=2028, Status=422)", the answer to clients
//     still sending "macos-drive@1.0.0-alpha.1+rclone"; which strings Proton
//     accepts is its decision and has changed before, hence SetAppVersions.
//   - rclone issue 7864 (May 2024): "400 POST .../drive/blocks: You are using
//     an outdated version of the app. Please update to upload this file
//     (Code=2000)" for "macos-drive@1.0.0-alpha.1".
//
// The fake gives the 2028 reply of issue 9764 to every request whose
// header does not match the accepted pattern. The reply to a request with
// no header at all is not confirmed from public sources; the fake gives
// the same 2028 reply (go-proton-api's own server answers 400 with code
// 5001 "Missing x-pm-appversion header", which the real API is not known
// to send).

// CodeAppVersionRefused is the code of Proton's "This version of the app
// is no longer supported" reply (HTTP 422).
const CodeAppVersionRefused = 2028

// appVersionRefused is the real API's message with CodeAppVersionRefused.
const appVersionRefused = "This version of the app is no longer supported, please update to continue using the app"

// DefaultAppVersions is the form of x-pm-appversion the fake accepts by
// default: the one Proton asks third-party Drive clients to use,
// "external-drive-<project>@<major>.<minor>.<patch>-<channel>[+metadata]",
// as rclone's backend/protondrive tests check it
// (protonDriveAppVersionPattern). Everything else, including every
// "macos-drive@1.0.0-alpha.1..." string, is refused.
var DefaultAppVersions = regexp.MustCompile(`(?i)^external-drive(-[a-z_]+)+@[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?-((stable|beta|RC|alpha)(([.-]?\d+)*)?)?([.-]?dev)?(\+.*)?$`)

// appVersions holds the accepted x-pm-appversion pattern.
type appVersions struct {
	mu      sync.Mutex
	pattern *regexp.Regexp
}

func (a *appVersions) accepts(v string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return v != "" && a.pattern.MatchString(v)
}

// SetAppVersions changes the x-pm-appversion values the server accepts,
// as when Proton retires a client version; nil restores
// DefaultAppVersions. Other values get 422 with CodeAppVersionRefused.
func (s *Server) SetAppVersions(pattern *regexp.Regexp) {
	if pattern == nil {
		pattern = DefaultAppVersions
	}
	s.appVersions.set(pattern)
}

func (a *appVersions) set(pattern *regexp.Regexp) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pattern = pattern
}

// withAppVersion refuses a request whose x-pm-appversion is missing or
// not accepted, before anything else looks at it.
func (s *Server) withAppVersion(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.appVersions.accepts(r.Header.Get("x-pm-appversion")) {
			writeAPIError(w, http.StatusUnprocessableEntity, CodeAppVersionRefused, appVersionRefused)
			return
		}
		next.ServeHTTP(w, r)
	})
}
