// Package notifytest runs a private D-Bus session bus with a desktop
// notification service on it, for tests of desktop notifications.
package notifytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/cakebackup/cakebackup/internal/dbustest"
)

// Notification is one notification the service was sent.
type Notification struct {
	Summary, Body string
	Urgency       byte
}

// Service is a freedesktop.org notification service on a test bus. It
// records what it is sent.
type Service struct {
	conn *dbus.Conn
	mu   sync.Mutex
	got  []Notification
}

// Notify implements org.freedesktop.Notifications.Notify.
func (s *Service) Notify(app string, id uint32, icon, summary, body string, actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, _ := hints["urgency"].Value().(byte)
	s.got = append(s.got, Notification{Summary: summary, Body: body, Urgency: u})
	return uint32(len(s.got)), nil
}

// Got returns the notifications received so far.
func (s *Service) Got() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Notification(nil), s.got...)
}

// Leave takes the service off the bus, so the bus has no notification
// service.
func (s *Service) Leave() error {
	_, err := s.conn.ReleaseName("org.freedesktop.Notifications")
	return err
}

// SessionBus starts a dbus-daemon of the test's own (dbustest.SessionBus),
// puts a notification Service on it and returns the bus address and the
// service. The test is skipped where Debian's dbus-daemon is missing.
func SessionBus(t *testing.T) (string, *Service) {
	t.Helper()
	addr := dbustest.SessionBus(t)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	svc := &Service{conn: conn}
	if err := conn.Export(svc, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", reply, err)
	}
	return addr, svc
}

// Recorder is a loopback HTTP server that records the requests it is
// sent, answering 500 to paths holding "/broken" and 200 to the rest.
type Recorder struct {
	URL string
	mu  sync.Mutex
	req []Request
}

// Request is one request a Recorder got.
type Request struct {
	Method, Path, Body string
	Header             http.Header
}

// NewRecorder starts a Recorder, closed when the test ends.
func NewRecorder(t *testing.T) *Recorder {
	rec := &Recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.req = append(rec.req, Request{Method: r.Method, Path: r.URL.Path, Body: string(body), Header: r.Header.Clone()})
		rec.mu.Unlock()
		if strings.Contains(r.URL.Path, "/broken") {
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	rec.URL = srv.URL
	return rec
}

// Requests returns the requests so far.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.req...)
}

// Lines returns the requests so far as "METHOD PATH BODY".
func (r *Recorder) Lines() []string {
	var out []string
	for _, q := range r.Requests() {
		out = append(out, q.Method+" "+q.Path+" "+q.Body)
	}
	return out
}

// JSONBodies decodes the bodies of the requests r got at path as Ts.
func JSONBodies[T any](t *testing.T, r *Recorder, path string) []T {
	t.Helper()
	var out []T
	for _, q := range r.Requests() {
		if q.Path != path {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(q.Body), &v); err != nil {
			t.Fatalf("body of %s %q: %v", q.Path, q.Body, err)
		}
		out = append(out, v)
	}
	return out
}
