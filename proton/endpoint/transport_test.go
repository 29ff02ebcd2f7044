package endpoint

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// recordingServer answers every request with "METHOD PATH?QUERY|BODY".
func recordingServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, r.Method+" "+r.URL.RequestURI()+"|"+string(body)+"|"+r.Host)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTransportRedirectsProtonHosts(t *testing.T) {
	srv := recordingServer(t)
	tests := []struct {
		name     string
		base     string
		method   string
		url      string
		body     string
		wantPath string
	}{
		{"drive host", srv.URL, http.MethodGet, "https://drive-api.proton.me/drive/volumes", "", "GET /drive/volumes"},
		{"drive host with query", srv.URL, http.MethodGet, "https://drive-api.proton.me/drive/shares/a/folders/b/children?Page=0&PageSize=150", "", "GET /drive/shares/a/folders/b/children?Page=0&PageSize=150"},
		{"core host strips /api", srv.URL, http.MethodPost, "https://mail.proton.me/api/auth/v4/info", `{"Username":"u"}`, "POST /auth/v4/info"},
		{"base with path", srv.URL + "/fake/", http.MethodPost, "https://drive-api.proton.me/core/v4/users", "x", "POST /fake/core/v4/users"},
		{"explicit port", srv.URL, http.MethodGet, "https://drive-api.proton.me:443/tests/ping", "", "GET /tests/ping"},
		{"upper case host", srv.URL, http.MethodGet, "https://DRIVE-API.proton.me/drive/volumes", "", "GET /drive/volumes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, err := url.Parse(tc.base)
			if err != nil {
				t.Fatal(err)
			}
			client := &http.Client{Transport: Transport(base, nil)}
			req, err := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			origURL := req.URL.String()
			res, err := client.Do(req)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			defer res.Body.Close()
			got, _ := io.ReadAll(res.Body)
			parts := strings.Split(string(got), "|")
			if parts[0] != tc.wantPath {
				t.Errorf("server saw %q, want %q", parts[0], tc.wantPath)
			}
			if parts[1] != tc.body {
				t.Errorf("server saw body %q, want %q", parts[1], tc.body)
			}
			if want := strings.TrimPrefix(srv.URL, "http://"); parts[2] != want {
				t.Errorf("server saw Host %q, want %q", parts[2], want)
			}
			if req.URL.String() != origURL {
				t.Errorf("caller's request was modified: %q", req.URL.String())
			}
		})
	}
}

// countingTransport records the URLs it is asked to fetch without doing I/O.
type countingTransport struct{ urls []string }

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.urls = append(c.urls, req.URL.String())
	return &http.Response{StatusCode: http.StatusTeapot, Body: http.NoBody, Request: req}, nil
}

func TestTransportLeavesOtherHostsAlone(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:1")
	next := &countingTransport{}
	rt := Transport(base, next)
	for _, u := range []string{"https://example.com/drive/volumes", "https://proton.me/drive", "https://fra-storage.proton.me/storage/blocks"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		res, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	want := []string{"https://example.com/drive/volumes", "https://proton.me/drive", "https://fra-storage.proton.me/storage/blocks"}
	if strings.Join(next.urls, ",") != strings.Join(want, ",") {
		t.Errorf("next saw %v, want %v", next.urls, want)
	}
}

func TestTransportDoesNotTouchDefaultTransport(t *testing.T) {
	before := http.DefaultTransport
	base, _ := url.Parse("http://127.0.0.1:1")
	rt := Transport(base, nil)
	if http.DefaultTransport != before {
		t.Fatal("http.DefaultTransport was replaced")
	}
	if rt == before {
		t.Fatal("Transport returned http.DefaultTransport itself")
	}
}
