package schedule

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/notify"
	"github.com/cakebackup/cakebackup/notify/notifytest"
)

// kinds lists the events' kinds.
func kinds(bodies []notify.WebhookBody) []notify.Kind {
	var out []notify.Kind
	for _, b := range bodies {
		out = append(out, b.Event)
	}
	return out
}

// pings lists the ping paths rec got under /ping.
func pings(rec *notifytest.Recorder) []string {
	var out []string
	for _, r := range rec.Requests() {
		if p, ok := strings.CutPrefix(r.Path, "/ping"); ok {
			out = append(out, p)
		}
	}
	return out
}

// hookLog reads the lines hooks appended to file.
func hookLog(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// A job that stops succeeding is told about once when it starts failing,
// once when it turns overdue and once when it works again, whatever the
// number of passes; pings go on every run; the desktop, the webhook and
// the hooks get the same events, with the fix.
func TestAlertsDriveAJobOverdueAndBack(t *testing.T) {
	t.Setenv("CAKEBACKUP_PASSWORD", "the-backup-password-x7")
	rec := notifytest.NewRecorder(t)
	bus, desktop := notifytest.SessionBus(t)
	hooks := t.TempDir()
	hook := func(name string) string {
		return `echo "$CAKEBACKUP_EVENT:$CAKEBACKUP_JOB" >> '` + filepath.Join(hooks, name) + `'; echo said ` + name
	}
	start := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	job := Job{Name: "nightly", Every: "1h", Alerts: Alerts{
		WarnAfter: "3h", PingURL: rec.URL + "/ping", Webhook: rec.URL + "/hook", NotifyDesktop: true,
		OnFailure: hook("failure"), OnSuccess: hook("success"), OnOverdue: hook("overdue"),
	}}
	f := newSchedulerFixture(t, job, start)
	f.sched.Desktop = notify.Desktop{GOOS: "linux", Bus: bus}
	f.sched.Fix = func(j Job, err error) string { return "plug in the stick labelled WALLETS" }
	ctx := context.Background()
	pass := func() {
		t.Helper()
		f.sched.RunDue(ctx)
		f.clock.Sleep(ctx, time.Hour)
	}

	pass() // 03:00 ok
	hidden := f.source + ".away"
	if err := os.Rename(f.source, hidden); err != nil {
		t.Fatal(err)
	}
	for range 6 { // 04:00 .. 09:00 fail; overdue from 06:00 on (3 h after 03:00)
		pass()
	}
	if err := os.Rename(hidden, f.source); err != nil {
		t.Fatal(err)
	}
	pass() // 10:00 ok again
	pass() // 11:00 ok

	wantPings := []string{"/start", ""}
	for range 6 {
		wantPings = append(wantPings, "/start", "/fail")
	}
	wantPings = append(wantPings, "/start", "", "/start", "")
	if got := pings(rec); !slices.Equal(got, wantPings) {
		t.Errorf("pings %q\nwant  %q", got, wantPings)
	}
	events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook")
	if got := kinds(events); !slices.Equal(got, []notify.Kind{notify.Failure, notify.Overdue, notify.Recovered}) {
		t.Fatalf("webhook events %v", got)
	}
	if e := events[0]; !strings.Contains(e.Error, "read source") || e.Fix != "plug in the stick labelled WALLETS" || !e.Time.Equal(start.Add(time.Hour)) {
		t.Errorf("failure event %+v", e)
	}
	if e := events[1]; !strings.Contains(e.Error, "No verified backup for 4h0m0s") || !strings.Contains(e.Error, "read source") ||
		e.Fix != "plug in the stick labelled WALLETS" || !e.Time.Equal(start.Add(4*time.Hour)) {
		t.Errorf("overdue event %+v", e)
	}
	if e := events[2]; e.Fix != "" || e.Error != "" || !strings.HasPrefix(e.File, f.dir) || e.Size == 0 {
		t.Errorf("recovered event %+v", e)
	}
	got := desktop.Got()
	if len(got) != 3 || got[0].Summary != "cakebackup: job nightly failed" || got[1].Summary != "cakebackup: job nightly is overdue" ||
		!strings.Contains(got[1].Body, "plug in the stick labelled WALLETS") || got[2].Summary != "cakebackup: job nightly is working again" {
		t.Errorf("desktop notifications %+v", got)
	}
	for name, want := range map[string][]string{
		"success": {"success:nightly", "success:nightly", "success:nightly"},
		"failure": {"failure:nightly"},
		"overdue": {"overdue:nightly"},
	} {
		if got := hookLog(t, filepath.Join(hooks, name)); !slices.Equal(got, want) {
			t.Errorf("on_%s hook ran for %q, want %q", name, got, want)
		}
	}
	if !strings.Contains(f.log.String(), `line="said overdue"`) {
		t.Errorf("the hook's output is not in the log:\n%s", f.log)
	}
	js, _ := f.sched.State.Job("nightly")
	if js.Notified != conditionOK || js.LastFix != "" {
		t.Errorf("state %+v", js)
	}
}

// Hooks get the job's result in CAKEBACKUP_* variables and no password;
// a failing or slow hook is logged and the backup stands.
func TestHooksEnvironmentAndFailures(t *testing.T) {
	t.Setenv("CAKEBACKUP_PASSWORD", "the-backup-password-x7")
	t.Setenv("CAKEBACKUP_PROTON_PASSWORD", "the-proton-password-y8")
	t.Setenv("NIGHTLY_PW", "the-nightly-password-z9")
	t.Setenv("OTHER_PW", "the-other-password-w1")
	envFile := filepath.Join(t.TempDir(), "env")
	job := Job{Name: "nightly", Every: "24h", PasswordEnv: "NIGHTLY_PW", Alerts: Alerts{
		OnSuccess: "env > '" + envFile + "'; echo broken >&2; exit 3", HookTimeout: "300ms",
		OnFailure: "sleep 20",
	}}
	start := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, job, start)
	// Another job, not due, reads its password from another variable,
	// which the first job's hooks must not see either.
	f.sched.Jobs = append(f.sched.Jobs, Job{Name: "other", Every: "24h", PasswordEnv: "OTHER_PW"})
	if err := f.sched.State.Record("other", JobState{LastStart: start, LastResult: ResultOK, LastSuccess: start}); err != nil {
		t.Fatal(err)
	}
	if err := f.sched.RunDue(context.Background()); err != nil {
		t.Fatalf("a failing hook failed the backup: %v", err)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := f.sched.State.Job("nightly")
	for _, want := range []string{"CAKEBACKUP_JOB=nightly", "CAKEBACKUP_EVENT=success", "CAKEBACKUP_FILE=" + js.LastBackup,
		"CAKEBACKUP_DESTINATIONS=folder:" + f.dir, "CAKEBACKUP_ERROR=\n"} {
		if !strings.Contains(string(env), want) {
			t.Errorf("hook environment lacks %q:\n%s", want, env)
		}
	}
	if strings.Contains(string(env), "password") {
		t.Errorf("a hook saw a password:\n%s", env)
	}
	if js.LastResult != ResultOK || len(dirNames(t, f.dir)) != 1 {
		t.Errorf("state %+v, folder %v", js, dirNames(t, f.dir))
	}
	log := f.log.String()
	if !strings.Contains(log, "notification not delivered") || !strings.Contains(log, "exit status 3") || !strings.Contains(log, `line=broken`) {
		t.Errorf("log:\n%s", log)
	}
	// A hook past its time is stopped and logged.
	os.RemoveAll(f.source)
	f.clock.Sleep(context.Background(), 24*time.Hour)
	begin := time.Now()
	f.sched.RunDue(context.Background())
	if time.Since(begin) > 10*time.Second {
		t.Error("the slow hook was not stopped")
	}
	if !strings.Contains(f.log.String(), "time ran out") {
		t.Errorf("log:\n%s", f.log)
	}
}

func TestDefaultWarnAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) // a Tuesday
	tests := []struct {
		job  Job
		want time.Duration
	}{
		{Job{Every: "24h"}, 72 * time.Hour},
		{Job{Every: "1h"}, MinWarnAfter},
		{Job{Every: "168h"}, 3 * 168 * time.Hour},
		{Job{Every: "1h", Alerts: Alerts{WarnAfter: "5h"}}, 5 * time.Hour},
		{Job{Cron: "30 2 * * *"}, 72 * time.Hour},
		{Job{Cron: "0 9 * * 1-5"}, 3 * 72 * time.Hour}, // Friday to Monday
		{Job{Cron: "*/10 * * * *"}, MinWarnAfter},
		{Job{Cron: "@monthly"}, 3 * 31 * 24 * time.Hour},
	}
	for _, tt := range tests {
		got, err := WarnAfterOf(tt.job, now)
		if err != nil || got != tt.want {
			t.Errorf("%+v: warn after %v, %v; want %v", tt.job, got, err, tt.want)
		}
	}
}

func TestStatusAtPutsOverdueFirst(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	c := &Config{Alerts: Alerts{WarnAfter: "48h"}, Jobs: []Job{
		{Name: "fresh", Every: "24h"},
		{Name: "broken", Every: "24h"},
		{Name: "stale", Every: "24h"},
		{Name: "own", Every: "24h", Alerts: Alerts{WarnAfter: "100h"}},
	}}
	st := &State{Jobs: map[string]JobState{
		"fresh":  {LastStart: now.Add(-time.Hour), LastResult: ResultOK, LastSuccess: now.Add(-time.Hour)},
		"broken": {LastStart: now.Add(-time.Hour), LastResult: ResultFailed, LastSuccess: now.Add(-30 * time.Hour)},
		"stale":  {LastStart: now.Add(-49 * time.Hour), LastResult: ResultOK, LastSuccess: now.Add(-49 * time.Hour)},
		"own":    {LastStart: now.Add(-90 * time.Hour), LastResult: ResultOK, LastSuccess: now.Add(-90 * time.Hour)},
	}}
	rows, err := StatusAt(c, st, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Job)
		if r.Overdue != (r.Job == "stale") {
			t.Errorf("%s overdue = %v", r.Job, r.Overdue)
		}
	}
	if want := []string{"stale", "broken", "fresh", "own"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestAlertKeysInConfig(t *testing.T) {
	good := `ping_url = "https://hc-ping.com/abc"
notify_desktop = true
hook_timeout = "30s"

[[job]]
name = "nightly"
source = "/data"
dest = "folder:/b"
every = "24h"
password_env = "PW"
warn_after = "50h"
on_failure = "mail -s failed me"
webhook = "https://ntfy.sh/mine"
`
	c, err := parseConfig("config.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	// Saving keeps the top-level keys.
	saved := filepath.Join(t.TempDir(), "config.toml")
	if err := c.Save(saved); err != nil {
		t.Fatal(err)
	}
	if again, err := LoadConfig(saved); err != nil || again.Alerts != c.Alerts || again.Jobs[0].Alerts != c.Jobs[0].Alerts {
		t.Fatalf("saved and loaded: %v %+v", err, again)
	}
	j := c.WithAlerts(c.Jobs)[0]
	if j.PingURL != "https://hc-ping.com/abc" || !j.NotifyDesktop || j.WarnAfter != "50h" || j.OnFailure != "mail -s failed me" ||
		j.Webhook != "https://ntfy.sh/mine" || j.HookTimeoutOrDefault() != 30*time.Second {
		t.Errorf("merged alerts %+v", j.Alerts)
	}
	for _, tt := range []struct{ edit, want string }{
		{`warn_after = "50h"`, `config.toml:11: job "nightly": warn_after: "soon"`},
		{`hook_timeout = "30s"`, `config.toml:3: hook_timeout: "-1s"`},
		{`webhook = "https://ntfy.sh/mine"`, `config.toml:13: job "nightly": webhook: "ftp://x"`},
		{`warn_after = "50h"`, `config.toml:11: job "nightly": warn_after: "10m" is shorter than an hour`},
	} {
		bad := map[string]string{
			`warn_after = "50h"`: `warn_after = "soon"`, `hook_timeout = "30s"`: `hook_timeout = "-1s"`,
			`webhook = "https://ntfy.sh/mine"`: `webhook = "ftp://x"`,
		}[tt.edit]
		if strings.Contains(tt.want, "10m") {
			bad = `warn_after = "10m"`
		}
		_, err := parseConfig("config.toml", []byte(strings.Replace(good, tt.edit, bad, 1)))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %s...", bad, err, tt.want)
		}
	}
}

// stopClock is a fakeClock that ends the loop once stop says so.
type stopClock struct {
	*fakeClock
	stop   func() bool
	cancel context.CancelFunc
}

func (c stopClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.stop() {
		c.cancel()
	}
	return c.fakeClock.Sleep(ctx, d)
}

// Loop tells about a job turning overdue between runs, within a pass.
func TestLoopNotifiesOverdueBetweenRuns(t *testing.T) {
	rec := notifytest.NewRecorder(t)
	start := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	job := Job{Name: "weekly", Every: "168h", Alerts: Alerts{WarnAfter: "2h", Webhook: rec.URL + "/hook"}}
	f := newSchedulerFixture(t, job, start)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.sched.Clock = stopClock{fakeClock: f.clock, cancel: cancel, stop: func() bool {
		return len(rec.Requests()) > 0 || f.clock.Now().After(start.Add(5*time.Hour))
	}}
	if err := f.sched.Loop(ctx); err != nil {
		t.Fatal(err)
	}
	events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook")
	if len(events) != 1 || events[0].Event != notify.Overdue || events[0].Time.Sub(start) > 2*time.Hour+2*time.Minute {
		t.Fatalf("events %+v (at %v)", events, f.clock.Now())
	}
}

// A watch job has nothing to send until the app exports a backup: it is
// overdue only when its runs stop succeeding, not when no export comes.
func TestWatchJobOverdueOnlyWhenItsRunsFail(t *testing.T) {
	rec := notifytest.NewRecorder(t)
	start := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	job := Job{Name: "exports", Watch: "/home/ana/Downloads", Every: "1h", Alerts: Alerts{WarnAfter: "3h", Webhook: rec.URL + "/hook"}}
	f := newSchedulerFixture(t, job, start)
	var fail error
	f.sched.Run = func(ctx context.Context, r Run) (Result, error) { return Result{}, fail }
	ctx := context.Background()
	for range 10 { // nothing new to ship for 10 hours
		f.sched.RunDue(ctx)
		f.clock.Sleep(ctx, time.Hour)
	}
	if events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook"); len(events) != 0 {
		t.Fatalf("a watch job with nothing to send notified %+v", events)
	}
	fail = errors.New("destination folder:/gone: not found")
	for range 5 {
		f.sched.RunDue(ctx)
		f.clock.Sleep(ctx, time.Hour)
	}
	events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook")
	if got := kinds(events); !slices.Equal(got, []notify.Kind{notify.Failure, notify.Overdue}) ||
		!strings.Contains(events[1].Error, "/home/ana/Downloads") {
		t.Fatalf("webhook events %+v", events)
	}
}

// A watch job whose runs find another process shipping from its folder
// is skipped: no failure is told, and it turns overdue only after
// warn_after, saying why.
func TestWatchJobSkippedIsNoFailure(t *testing.T) {
	rec := notifytest.NewRecorder(t)
	start := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	job := Job{Name: "exports", Watch: "/home/ana/Downloads", Every: "1h", Alerts: Alerts{WarnAfter: "3h", Webhook: rec.URL + "/hook"}}
	f := newSchedulerFixture(t, job, start)
	busy := &SkippedError{Err: errors.New("another cakebackup process is shipping from this folder")}
	f.sched.Run = func(ctx context.Context, r Run) (Result, error) { return Result{}, busy }
	ctx := context.Background()
	if err := f.sched.RunDue(ctx); err != nil {
		t.Fatalf("a skipped run: %v", err)
	}
	js, err := f.sched.State.Job("exports")
	if err != nil || js.LastResult != ResultSkipped || js.LastError != busy.Error() {
		t.Fatalf("state %+v (%v)", js, err)
	}
	if events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook"); len(events) != 0 {
		t.Fatalf("a skipped run notified %+v", events)
	}
	// A job that has run fine turns overdue when it is skipped for longer
	// than warn_after.
	if err := f.sched.State.Record("exports", JobState{LastStart: start, LastResult: ResultOK, LastOK: start, Notified: conditionOK}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		f.clock.Sleep(ctx, time.Hour)
		f.sched.RunDue(ctx)
	}
	events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook")
	if got := kinds(events); !slices.Equal(got, []notify.Kind{notify.Overdue}) || !strings.Contains(events[0].Error, "The last run was skipped: "+busy.Error()) {
		t.Fatalf("webhook events %+v", events)
	}
}

// TestPingStartWaitsForBegin: a run pings its start when its RunFunc says
// it goes ahead (Run.Begin), so a run skipped before that pings nothing,
// which a monitor takes for a run that did not happen, rather than a start
// without an end, which it takes for a run that hung. A run that never
// calls Begin pings its start as it ends; one that began and was then
// skipped ends with a success ping saying why.
func TestPingStartWaitsForBegin(t *testing.T) {
	busy := &SkippedError{Err: errors.New("another cakebackup process is shipping from this folder")}
	fail := errors.New("the stick is unplugged")
	tests := []struct {
		name   string
		begin  int // how many times the run calls Begin
		err    error
		pings  []string
		bodies []string
	}{
		{"skipped before it began", 0, busy, nil, nil},
		{"began and succeeded", 1, nil, []string{"/start", ""}, []string{"", ""}},
		{"began twice", 2, nil, []string{"/start", ""}, []string{"", ""}},
		{"began and failed", 1, fail, []string{"/start", "/fail"}, []string{"", fail.Error()}},
		{"never began, failed", 0, fail, []string{"/start", "/fail"}, []string{"", fail.Error()}},
		{"never began, succeeded", 0, nil, []string{"/start", ""}, []string{"", ""}},
		{"began, then skipped", 1, busy, []string{"/start", ""}, []string{"", "skipped: " + busy.Error()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := notifytest.NewRecorder(t)
			job := Job{Name: "exports", Watch: "/home/ana/Downloads", Every: "1h", Alerts: Alerts{PingURL: rec.URL + "/ping"}}
			f := newSchedulerFixture(t, job, time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
			f.sched.Run = func(ctx context.Context, r Run) (Result, error) {
				for range tt.begin {
					r.Begin()
					if got := pings(rec); !slices.Equal(got, []string{"/start"}) {
						t.Errorf("pings after Begin %q, want the start alone", got)
					}
				}
				return Result{}, tt.err
			}
			f.sched.RunDue(context.Background())
			var bodies []string
			for _, r := range rec.Requests() {
				bodies = append(bodies, r.Body)
			}
			if got := pings(rec); !slices.Equal(got, tt.pings) || !slices.Equal(bodies, tt.bodies) {
				t.Errorf("pings %q with bodies %q\nwant  %q with %q", got, bodies, tt.pings, tt.bodies)
			}
		})
	}
}

// TestDesktopNotifierScrubs: the desktop notifier a job's alerts get is told
// the jobs' password variables, as the hooks are: on macOS it starts
// osascript, which must not see them.
func TestDesktopNotifierScrubs(t *testing.T) {
	scrub := []string{"NIGHTLY_PW"}
	for _, given := range []notify.Notifier{nil, notify.Desktop{GOOS: "darwin"}} {
		_, onChange := Alerts{NotifyDesktop: true}.Notifiers(given, nil, scrub)
		if len(onChange) != 1 {
			t.Fatalf("notifiers %v, want the desktop alone", onChange)
		}
		d, ok := onChange[0].(notify.Desktop)
		if !ok || !slices.Equal(d.Scrub, scrub) {
			t.Errorf("given %#v: desktop notifier %#v, want Scrub %v", given, onChange[0], scrub)
		}
	}
}
