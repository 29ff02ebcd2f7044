package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/notify"
	"github.com/cakebackup/cakebackup/notify/notifytest"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/proton/protontest"
	"github.com/cakebackup/cakebackup/schedule"
)

// pretendLastSuccessWas moves the job's last run and last verified backup
// back by d.
func (s *scheduleCLI) pretendLastSuccessWas(t *testing.T, name string, d time.Duration) {
	t.Helper()
	st := s.state(t)
	js, err := st.Job(name)
	if err != nil {
		t.Fatal(err)
	}
	js.LastStart, js.LastSuccess = js.LastStart.Add(-d), js.LastSuccess.Add(-d)
	if err := st.Record(name, js); err != nil {
		t.Fatal(err)
	}
}

func TestScheduleAddAlertFlags(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw,
		"--warn-after", "50h", "--on-failure", "notify-send failed", "--on-success", "true", "--on-overdue", "echo late",
		"--ping-url", "https://hc-ping.com/abc", "--webhook", "https://ntfy.sh/mine", "--notify-desktop", "nightly")
	cfg, err := schedule.LoadConfig(s.config)
	if err != nil {
		t.Fatal(err)
	}
	want := schedule.Alerts{WarnAfter: "50h", OnFailure: "notify-send failed", OnSuccess: "true", OnOverdue: "echo late",
		PingURL: "https://hc-ping.com/abc", Webhook: "https://ntfy.sh/mine", NotifyDesktop: true}
	if cfg.Jobs[0].Alerts != want {
		t.Errorf("alerts %+v", cfg.Jobs[0].Alerts)
	}
	data, _ := os.ReadFile(s.config)
	for _, key := range []string{"warn_after = ", "on_failure = ", "ping_url = ", "notify_desktop = true"} {
		if !strings.Contains(string(data), key) {
			t.Errorf("config lacks %q:\n%s", key, data)
		}
	}
	for _, bad := range [][]string{{"--warn-after", "soon"}, {"--webhook", "ntfy.sh/mine"}, {"--warn-after", "5m"}} {
		args := append([]string{"schedule", "add", "--source", sampleWallets, "--dest", "folder:" + s.dest, "--every", "24h", "--password-file", s.pw}, bad...)
		if code := s.run(append(args, "other")...); code != exitUsage || !strings.Contains(s.stderr.String(), strings.ReplaceAll(bad[0][2:], "-", "_")) {
			t.Errorf("%v: exit %d, stderr %q", bad, code, s.stderr.String())
		}
	}
}

// A job whose last verified backup is older than warn_after is OVERDUE,
// first in the list, and status exits 1.
func TestScheduleStatusOverdue(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	for _, name := range []string{"fresh", "stale"} {
		s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, name)
	}
	s.mustRun("schedule", "run", "--once")
	s.mustRun("schedule", "status")
	s.pretendLastSuccessWas(t, "stale", 73*time.Hour)
	if code := s.run("schedule", "status"); code != exitFailure || !strings.Contains(s.stderr.String(), "1 of 2 jobs needs attention: stale (overdue)") {
		t.Fatalf("status: exit %d, stderr %q", code, s.stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(s.stdout.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "stale") || !strings.Contains(lines[1], "OVERDUE") ||
		!strings.Contains(lines[1], "warn after 72h0m0s") || !strings.HasPrefix(lines[2], "fresh") {
		t.Fatalf("status:\n%s", s.stdout.String())
	}
	if code := s.run("schedule", "status", "--json"); code != exitFailure {
		t.Fatalf("status --json: exit %d", code)
	}
	var status struct{ Jobs []map[string]any }
	err := json.Unmarshal(s.stdout.Bytes(), &status)
	rows := status.Jobs
	if err != nil || len(rows) != 2 {
		t.Fatalf("status --json: %v %s", err, s.stdout.String())
	}
	if rows[0]["job"] != "stale" || rows[0]["overdue"] != true || rows[0]["warn_after_seconds"] != float64(72*3600) ||
		rows[0]["last_success"] == nil || rows[1]["overdue"] != false {
		t.Errorf("status --json: %v", rows)
	}
}

// notify test sends through every channel and says how each went.
func TestNotifyTest(t *testing.T) {
	t.Parallel()
	rec := notifytest.NewRecorder(t)
	bus, desktop := notifytest.SessionBus(t)
	s := newScheduleCLI(t)
	s.vars["DBUS_SESSION_BUS_ADDRESS"] = bus
	envFile := filepath.Join(t.TempDir(), "env")
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw,
		"--ping-url", rec.URL+"/ping/abc", "--webhook", rec.URL+"/hook", "--notify-desktop",
		"--on-failure", "env > '"+envFile+"'; echo hook says hi", "nightly")
	out := s.mustRun("notify", "test", "nightly")
	if strings.Count(out, "  sent\n") != 4 || !strings.Contains(out, "  | hook says hi") {
		t.Fatalf("notify test:\n%s", out)
	}
	reqs := rec.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/ping/abc/log" || reqs[1].Path != "/hook" {
		t.Fatalf("requests %+v", reqs)
	}
	if b := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook"); b[0].Event != notify.Test || b[0].Job != "nightly" {
		t.Errorf("webhook %+v", b)
	}
	if got := desktop.Got(); len(got) != 1 || !strings.Contains(got[0].Summary, "test") {
		t.Errorf("desktop %+v", got)
	}
	if env, _ := os.ReadFile(envFile); !strings.Contains(string(env), "CAKEBACKUP_EVENT=test\n") || strings.Contains(string(env), "scheduled-secret") {
		t.Errorf("hook environment:\n%s", env)
	}
	// A channel that fails is reported, and the command exits 1.
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw,
		"--webhook", rec.URL+"/broken", "--on-success", "true", "other")
	if code := s.run("notify", "test", "other"); code != exitFailure || !strings.Contains(s.stdout.String(), "failed: ") ||
		!strings.Contains(s.stdout.String(), "500") || !strings.Contains(s.stderr.String(), "1 of 2 notification channels of job other failed") {
		t.Fatalf("exit %d\n%s%s", code, s.stdout.String(), s.stderr.String())
	}
	if code := s.run("notify", "test", "nosuch"); code != exitUsage {
		t.Errorf("an unknown job: exit %d", code)
	}
	// A job without notifications is a mistake to fix in the config.
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "folder:"+s.dest, "--every", "24h", "--password-file", s.pw, "quiet")
	if code := s.run("notify", "test", "quiet"); code != exitUsage || s.stdout.Len() != 0 ||
		!strings.Contains(s.stderr.String(), "job quiet has no notifications: set ping_url, webhook, notify_desktop or on_* hooks in ") {
		t.Errorf("no notifications: exit %d\n%s%s", code, s.stdout.String(), s.stderr.String())
	}
}

func TestFixFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("uploading x: %w", proton.ErrSessionExpired), "run `cakebackup proton login`"},
		{fmt.Errorf("destination proton:/B: %w", proton.ErrNotLoggedIn), "run `cakebackup proton login`"},
		{&job.DestinationsError{Total: 2, Failed: job.Stores{{Dest: "usb:WALLETS", Err: fmt.Errorf("destination usb:WALLETS: %w", &local.NoDriveError{Want: "WALLETS"})}}},
			"plug in the stick labelled WALLETS"},
		{&local.NoDriveError{Want: "/media/ana/STICK"}, "plug in the stick mounted at /media/ana/STICK"},
		{&local.NoDriveError{}, "plug in the USB stick"},
		{fmt.Errorf("%w (/home/ana/Downloads)", inbox.ErrBusy), "only one `cakebackup watch` or watch job at a time ships from a folder: stop the other"},
		{errors.New("disk full"), ""},
	}
	for _, tt := range tests {
		if got := fixFor(schedule.Job{}, tt.err); got != tt.want {
			t.Errorf("fixFor(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// A Proton job whose session died tells, through the webhook, to log in
// again, once however many runs fail.
func TestScheduledProtonSessionExpiredNotifies(t *testing.T) {
	t.Parallel()
	c, srv := loggedInProtonCLI(t, protontest.WithOwnCore())
	rec := notifytest.NewRecorder(t)
	s := &scheduleCLI{cliRun: c, config: filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "config.toml"),
		pw: writePasswordFile(t, "scheduled-secret-password-9f2k")}
	s.mustRun("schedule", "add", "--source", sampleWallets, "--dest", "proton:/Backups", "--every", "1h", "--password-file", s.pw,
		"--webhook", rec.URL+"/hook", "cloud")
	s.mustRun("schedule", "run", "--once")
	if err := srv.RevokeSessions(protonTestUser); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s.pretendLastRunWas(t, "cloud", 2*time.Hour)
		if code := s.run("schedule", "run", "--once"); code != exitFailure {
			t.Fatalf("a run on a dead session: exit %d", code)
		}
	}
	events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook")
	if len(events) != 1 || events[0].Event != notify.Failure || events[0].Fix != "run `cakebackup proton login`" {
		t.Fatalf("webhook events %+v", events)
	}
	if code := s.run("schedule", "status"); code != exitFailure || !strings.Contains(s.stdout.String(), "to fix: run `cakebackup proton login`") {
		t.Fatalf("status: exit %d\n%s", code, s.stdout.String())
	}
}
