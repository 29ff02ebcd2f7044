package notify

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/notify/notifytest"
)

var failed = Event{Job: "nightly", Kind: Failure, Time: time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC),
	Error: "Proton session expired", Fix: "run `cakebackup proton login`"}

func TestPing(t *testing.T) {
	rec := notifytest.NewRecorder(t)
	url := rec.URL
	p := Ping{URL: url + "/ping/abc"}
	ok := Event{Job: "nightly", Kind: Success, File: "/media/x/b"}
	skipped := Event{Job: "nightly", Kind: Skipped, Error: "another cakebackup process is shipping from this folder"}
	for _, e := range []Event{{Job: "nightly", Kind: Start}, ok, failed, {Job: "nightly", Kind: Overdue}, {Job: "nightly", Kind: Recovered}, {Job: "nightly", Kind: Test}, skipped} {
		if err := p.Notify(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"POST /ping/abc/start ", "POST /ping/abc ", "POST /ping/abc/fail Proton session expired",
		"POST /ping/abc/log Notifications for this job reach you here.",
		"POST /ping/abc skipped: another cakebackup process is shipping from this folder"}
	if got := rec.Lines(); !slices.Equal(got, want) {
		t.Fatalf("pings %q, want %q", got, want)
	}
	if err := (Ping{URL: url + "/broken"}).Notify(context.Background(), ok); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("a failing ping service: %v", err)
	}
}

func TestWebhook(t *testing.T) {
	rec := notifytest.NewRecorder(t)
	if err := (Webhook{URL: rec.URL + "/cakebackup"}).Notify(context.Background(), failed); err != nil {
		t.Fatal(err)
	}
	reqs := rec.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/cakebackup" {
		t.Fatalf("requests %+v", reqs)
	}
	var body WebhookBody
	if err := json.Unmarshal([]byte(reqs[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Job != "nightly" || body.Event != Failure || body.Error != failed.Error || body.Fix != failed.Fix ||
		body.Title != "cakebackup: job nightly failed" || !strings.Contains(body.Message, "proton login") {
		t.Errorf("webhook body %+v", body)
	}
	if reqs[0].Header.Get("Title") != body.Title || reqs[0].Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", reqs[0].Header)
	}
}

func TestHook(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the hook test uses sh")
	}
	t.Setenv("CAKEBACKUP_PASSWORD", "the backup password")
	t.Setenv("CAKEBACKUP_PROTON_PASSWORD", "the proton password")
	t.Setenv("NIGHTLY_PW", "the job's password")
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	var out strings.Builder
	h := Hook{Command: "env > '" + envFile + "'; echo hook ran", Kinds: []Kind{Failure}, Output: &out, Scrub: []string{"NIGHTLY_PW"}}
	if err := h.Notify(context.Background(), Event{Job: "nightly", Kind: Success}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(envFile); err == nil {
		t.Fatal("a failure hook ran for a success")
	}
	if err := h.Notify(context.Background(), Event{Job: "nightly", Kind: Test}); err != nil {
		t.Fatal(err)
	}
	if env, _ := os.ReadFile(envFile); !strings.Contains(string(env), "CAKEBACKUP_EVENT=test\n") {
		t.Fatal("a test event did not run the hook")
	}
	out.Reset()
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

// TestOsascriptEnvironment: on macOS the desktop notification is a child
// process, osascript; like a hook, it never gets a password in its
// environment. A stand-in osascript on PATH records what it was given.
func TestOsascriptEnvironment(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in osascript is a shell script")
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	script := "#!/bin/sh\nenv > '" + envFile + "'\n"
	if err := os.WriteFile(filepath.Join(dir, "osascript"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("CAKEBACKUP_PASSWORD", "the backup password")
	t.Setenv("CAKEBACKUP_PROTON_PASSWORD", "the proton password")
	t.Setenv("NIGHTLY_PW", "the job's password")
	t.Setenv("NOT_A_SECRET", "kept")
	d := Desktop{GOOS: "darwin", Scrub: []string{"NIGHTLY_PW"}}
	if err := d.Notify(context.Background(), failed); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatalf("osascript did not run: %v", err)
	}
	if strings.Contains(string(env), "password") {
		t.Errorf("osascript saw a password:\n%s", env)
	}
	if !strings.Contains(string(env), "NOT_A_SECRET=kept\n") {
		t.Errorf("osascript lost the rest of the environment:\n%s", env)
	}
}

func TestDesktopOverDBus(t *testing.T) {
	addr, svc := notifytest.SessionBus(t)
	d := Desktop{GOOS: "linux", Bus: addr}
	for _, e := range []Event{{Job: "nightly", Kind: Start}, {Job: "nightly", Kind: Success}, failed, {Job: "nightly", Kind: Recovered}} {
		if err := d.Notify(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	got := svc.Got()
	if len(got) != 2 || got[0].Summary != "cakebackup: job nightly failed" || !strings.Contains(got[0].Body, "proton login") ||
		got[1].Summary != "cakebackup: job nightly is working again" || got[0].Urgency != 2 || got[1].Urgency != 1 {
		t.Fatalf("notifications %+v", got)
	}
	// No notification service on the bus: one clear error.
	if err := svc.Leave(); err != nil {
		t.Fatal(err)
	}
	if err := d.Notify(context.Background(), failed); err == nil {
		t.Error("a bus without a notification service took the notification")
	}
}

func TestSendReportsUndelivered(t *testing.T) {
	url := notifytest.NewRecorder(t).URL
	got := Send(context.Background(), []Notifier{Ping{URL: url + "/broken"}, Webhook{URL: url + "/ok"}}, failed, time.Second)
	if len(got) != 1 || got[0].Notifier != "ping "+url+"/broken" {
		t.Fatalf("undelivered %+v", got)
	}
}

// TestMessageSentences: an event's error ends its sentence before the fix
// starts the next, whether or not the error ends in a full stop. A
// failure notification read "not logged in to Proton To fix: run
// `cakebackup proton login`.".
func TestMessageSentences(t *testing.T) {
	for _, tt := range []struct {
		name string
		e    Event
		want string
	}{
		{"error with a fix", Event{Kind: Failure, Job: "j", Error: "destination proton:/B: not logged in to Proton", Fix: "run `cakebackup proton login`"},
			"destination proton:/B: not logged in to Proton. To fix: run `cakebackup proton login`."},
		{"error ending in a stop", Event{Kind: Overdue, Job: "j", Error: "no backup for 3 days.", Fix: "plug in the stick labelled WALLETS"},
			"no backup for 3 days. To fix: plug in the stick labelled WALLETS."},
		{"error without a fix", Event{Kind: Failure, Job: "j", Error: "the drive is full"}, "the drive is full"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Message(); got != tt.want {
				t.Errorf("Message() = %q, want %q", got, tt.want)
			}
		})
	}
}
