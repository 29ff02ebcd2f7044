package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

var failed = Event{Job: "nightly", Kind: Failure, Time: time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC),
	Error: "Proton session expired", Fix: "run `cakebackup proton login`"}

// recorder is a loopback HTTP server that records what it is sent.
type recorder struct {
	mu   sync.Mutex
	reqs []string // "METHOD PATH BODY"
	hdr  []http.Header
}

func newRecorder(t *testing.T) (*recorder, string) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r.Method+" "+r.URL.Path+" "+string(body))
		rec.hdr = append(rec.hdr, r.Header.Clone())
		rec.mu.Unlock()
		if strings.Contains(r.URL.Path, "/broken") {
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

func TestPing(t *testing.T) {
	rec, url := newRecorder(t)
	p := Ping{URL: url + "/ping/abc"}
	ok := Event{Job: "nightly", Kind: Success, File: "/media/x/b"}
	for _, e := range []Event{{Job: "nightly", Kind: Start}, ok, failed, {Job: "nightly", Kind: Overdue}, {Job: "nightly", Kind: Recovered}} {
		if err := p.Notify(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"POST /ping/abc/start ", "POST /ping/abc ", "POST /ping/abc/fail Proton session expired"}
	if !slices.Equal(rec.reqs, want) {
		t.Fatalf("pings %q, want %q", rec.reqs, want)
	}
	if err := (Ping{URL: url + "/broken"}).Notify(context.Background(), ok); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("a failing ping service: %v", err)
	}
}

func TestWebhook(t *testing.T) {
	rec, url := newRecorder(t)
	if err := (Webhook{URL: url + "/cakebackup"}).Notify(context.Background(), failed); err != nil {
		t.Fatal(err)
	}
	if len(rec.reqs) != 1 {
		t.Fatalf("requests %q", rec.reqs)
	}
	var body WebhookBody
	if err := json.Unmarshal([]byte(strings.TrimPrefix(rec.reqs[0], "POST /cakebackup ")), &body); err != nil {
		t.Fatal(err)
	}
	if body.Job != "nightly" || body.Event != Failure || body.Error != failed.Error || body.Fix != failed.Fix ||
		body.Title != "cakebackup: job nightly failed" || !strings.Contains(body.Message, "proton login") {
		t.Errorf("webhook body %+v", body)
	}
	if rec.hdr[0].Get("Title") != body.Title || rec.hdr[0].Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", rec.hdr[0])
	}
}

func TestHook(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the hook test uses sh")
	}
	t.Setenv("CAKEBACKUP_PASSWORD", "the backup password")
	t.Setenv("CAKEBACKUP_PROTON_PASSWORD", "the proton password")
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	var out strings.Builder
	h := Hook{Command: "env > '" + envFile + "'; echo hook ran", Kinds: []Kind{Failure}, Output: &out}
	if err := h.Notify(context.Background(), Event{Job: "nightly", Kind: Success}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(envFile); err == nil {
		t.Fatal("a failure hook ran for a success")
	}
	e := failed
	e.Dests = []string{"usb:W", "proton:/B"}
	if err := h.Notify(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	env, _ := os.ReadFile(envFile)
	for _, want := range []string{"CAKEBACKUP_JOB=nightly", "CAKEBACKUP_EVENT=failure", "CAKEBACKUP_ERROR=Proton session expired", "CAKEBACKUP_DESTINATIONS=usb:W proton:/B"} {
		if !strings.Contains(string(env), want+"\n") {
			t.Errorf("hook environment lacks %q", want)
		}
	}
	if strings.Contains(string(env), "password") {
		t.Errorf("the hook saw a password:\n%s", env)
	}
	if out.String() != "hook ran\n" {
		t.Errorf("hook output %q", out.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	slow := Hook{Command: "sleep 30", Kinds: []Kind{Failure}}
	if err := slow.Notify(ctx, failed); err == nil || !strings.Contains(err.Error(), "time ran out") {
		t.Errorf("a hook past its time: %v", err)
	}
}

func TestOsascriptCommand(t *testing.T) {
	e := failed
	e.Error = `quote " and backslash \ in it`
	name, args := osascriptCommand(e)
	if name != "osascript" || len(args) != 4 || args[2] != e.Title() || args[3] != e.Message() {
		t.Fatalf("%s %q", name, args)
	}
	if strings.Contains(args[1], "quote") {
		t.Error("the message was spliced into the script")
	}
}

// notifications is a freedesktop notification service on a test bus.
type notifications struct {
	mu   sync.Mutex
	got  [][2]string
	urge []byte
}

func (n *notifications) Notify(app string, id uint32, icon, summary, body string, actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, [2]string{summary, body})
	u, _ := hints["urgency"].Value().(byte)
	n.urge = append(n.urge, u)
	return uint32(len(n.got)), nil
}

// privateBus starts a dbus-daemon of the test's own and returns its
// address; the test is skipped where Debian's dbus-daemon is missing.
func privateBus(t *testing.T) string {
	t.Helper()
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("no dbus-daemon (Debian package dbus-daemon)")
	}
	cmd := exec.Command(daemon, "--session", "--nofork", "--print-address")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(addr)
}

func TestDesktopOverDBus(t *testing.T) {
	addr := privateBus(t)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	svc := &notifications{}
	if err := conn.Export(svc, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", reply, err)
	}
	d := Desktop{GOOS: "linux", Bus: addr}
	for _, e := range []Event{{Job: "nightly", Kind: Start}, {Job: "nightly", Kind: Success}, failed, {Job: "nightly", Kind: Recovered}} {
		if err := d.Notify(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if len(svc.got) != 2 || svc.got[0][0] != "cakebackup: job nightly failed" || !strings.Contains(svc.got[0][1], "proton login") ||
		svc.got[1][0] != "cakebackup: job nightly is working again" || !slices.Equal(svc.urge, []byte{2, 1}) {
		t.Fatalf("notifications %q, urgencies %v", svc.got, svc.urge)
	}
	// No notification service on the bus: one clear error.
	conn.ReleaseName("org.freedesktop.Notifications")
	if err := d.Notify(context.Background(), failed); err == nil {
		t.Error("a bus without a notification service took the notification")
	}
}

func TestSendReportsUndelivered(t *testing.T) {
	_, url := newRecorder(t)
	got := Send(context.Background(), []Notifier{Ping{URL: url + "/broken"}, Webhook{URL: url + "/ok"}}, failed, time.Second)
	if len(got) != 1 || got[0].Notifier != "ping "+url+"/broken" {
		t.Fatalf("undelivered %+v", got)
	}
}
