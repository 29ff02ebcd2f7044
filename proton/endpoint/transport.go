// Package endpoint points Proton API clients at another API base URL, such
// as a local fake, without touching any process-wide HTTP state.
package endpoint

import (
	"net/http"
	"net/url"
	"strings"
)

// apiPrefix reports whether host is one of Proton's API hosts and, if so,
// the path under which that host serves the API. go-proton-api (rclone's
// fork) and therefore Proton-API-Bridge talk to https://drive-api.proton.me;
// upstream go-proton-api and older clients use https://mail.proton.me/api.
func apiPrefix(host string) (string, bool) {
	switch strings.ToLower(host) {
	case "drive-api.proton.me":
		return "", true
	case "mail.proton.me":
		return "/api", true
	}
	return "", false
}

// Transport returns a RoundTripper that sends requests for Proton's API
// hosts (drive-api.proton.me, the host go-proton-api and the bridge use, and
// mail.proton.me/api, the older core API root) to base instead, keeping the
// API path under base's path. Requests for any other host are passed to
// next unchanged. next does the I/O; nil means a clone of
// http.DefaultTransport. No global transport is modified.
func Transport(base *url.URL, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			next = t.Clone()
		} else {
			next = http.DefaultTransport
		}
	}
	copied := *base
	return &redirectingTransport{base: &copied, next: next}
}

// redirectingTransport rewrites Proton API URLs onto base.
type redirectingTransport struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper. It never modifies req; it sends
// a clone whose URL points under base.
func (t *redirectingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	prefix, ok := apiPrefix(req.URL.Hostname())
	if !ok {
		return t.next.RoundTrip(req)
	}
	rest := req.URL.Path
	if prefix != "" && (rest == prefix || strings.HasPrefix(rest, prefix+"/")) {
		rest = strings.TrimPrefix(rest, prefix)
	}
	u := *req.URL
	u.Scheme = t.base.Scheme
	u.Host = t.base.Host
	u.User = nil
	u.Path = strings.TrimSuffix(t.base.Path, "/") + ensureLeadingSlash(rest)
	u.RawPath = ""

	out := req.Clone(req.Context())
	out.URL = &u
	out.Host = ""
	return t.next.RoundTrip(out)
}

func ensureLeadingSlash(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	return "/" + p
}
