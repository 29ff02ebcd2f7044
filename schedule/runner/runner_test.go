package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/notify/notifytest"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/schedule/runner"
)

const password = "a long and unguessable test password"

// newRunner is a runner over the local destinations, its state in a
// temporary folder.
func newRunner(t *testing.T) runner.Runner {
	t.Helper()
	vars := map[string]string{"HOME": t.TempDir(), "XDG_STATE_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir()}
	getenv := func(k string) string { return vars[k] }
	reg := destinations.NewRegistry()
	local.Register(reg, getenv, local.Detector{Getenv: getenv}, nil)
	return runner.Runner{Getenv: getenv, Registry: reg, AppVersion: "cakebackup test"}
}

func fixed(pw string, err error) runner.PasswordFunc {
	return func(context.Context, schedule.Job) (string, error) { return pw, err }
}

func TestCheckJob(t *testing.T) {
	r := newRunner(t)
	dest := "folder:" + t.TempDir()
	gone := "folder:" + filepath.Join(t.TempDir(), "not-yet")
	noPassword := errors.New("no password in the keyring")
	watched := t.TempDir()
	watchedLink := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(watched, watchedLink); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		job      schedule.Job
		password runner.PasswordFunc
		fails    func(error) bool // nil: no error
		warnings int
	}{
		{"all there", schedule.Job{Name: "j", Source: "/d", Dest: dest, PasswordFile: "/pw"}, fixed(password, nil), nil, 0},
		{"watch folder missing", schedule.Job{Name: "j", Watch: "/nonexistent/in", Dest: dest}, nil,
			func(err error) bool {
				var nf *inbox.NotFolderError
				return errors.As(err, &nf) && strings.Contains(err.Error(), "/nonexistent/in is not a folder to watch")
			}, 0},
		{"password variable unset", schedule.Job{Name: "j", Source: "/d", Dest: dest, PasswordEnv: "UNSET_PW"}, nil,
			func(err error) bool { var u *runner.EnvUnsetError; return errors.As(err, &u) && u.Var == "UNSET_PW" }, 0},
		{"password file unreadable", schedule.Job{Name: "j", Source: "/d", Dest: dest, PasswordFile: "/pw"}, fixed("", os.ErrNotExist),
			func(err error) bool {
				return errors.Is(err, os.ErrNotExist) && strings.HasPrefix(err.Error(), "job j: ")
			}, 0},
		{"unknown kind", schedule.Job{Name: "j", Source: "/d", Dest: "ftp:x", PasswordFile: "/pw"}, fixed(password, nil),
			func(err error) bool {
				var k *destinations.KindError
				return errors.As(err, &k) && k.Kind == "ftp" && len(k.Known) > 0
			}, 0},
		{"watch job storing into its own folder", schedule.Job{Name: "j", Watch: watched, Dests: []string{dest, watched + "/"}}, nil,
			func(err error) bool {
				return errors.Is(err, inbox.ErrDestIsInbox) && strings.HasPrefix(err.Error(), "job j: ")
			}, 0},
		{"watch job storing into its own folder through a link", schedule.Job{Name: "j", Watch: watched, Dests: []string{dest, "folder:" + watchedLink}}, nil,
			func(err error) bool {
				var in *inbox.DestIsInboxError
				return errors.As(err, &in) && in.Dest == "folder:"+watchedLink && strings.HasPrefix(err.Error(), "job j: ")
			}, 0},
		{"no password in the keyring yet", schedule.Job{Name: "j", Source: "/d", Dest: dest, PasswordKeyring: true}, fixed("", noPassword), nil, 1},
		{"destinations not there now", schedule.Job{Name: "j", Source: "/d", Dests: []string{gone, dest, "usb:NO-SUCH-STICK"}, PasswordFile: "/pw"}, fixed(password, nil), nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			warnings, err := r.CheckJob(t.Context(), &schedule.Config{}, tt.job, tt.password)
			switch {
			case tt.fails == nil && err != nil:
				t.Fatalf("CheckJob: %v", err)
			case tt.fails != nil && (err == nil || !tt.fails(err)):
				t.Fatalf("CheckJob: %v; not the error wanted", err)
			case len(warnings) != tt.warnings:
				t.Fatalf("warnings %v, want %d", warnings, tt.warnings)
			}
			for _, w := range warnings {
				var u *runner.UnavailableError
				if errors.As(w, &u) && (u.Job != "j" || !strings.Contains(w.Error(), "is not available now")) {
					t.Errorf("warning %q", w)
				}
				if u != nil && strings.Count(w.Error(), u.Dest) != 1 {
					t.Errorf("warning %q names %s more than once", w, u.Dest)
				}
			}
		})
	}
}

// TestUnavailableNamesTheDestinationOnce: CheckJob's warning for a
// destination that is not there names it once, whether the job spells it
// folder:PATH or as a bare path.
func TestUnavailableNamesTheDestinationOnce(t *testing.T) {
	r := newRunner(t)
	gone := filepath.Join(t.TempDir(), "unplugged")
	for _, dest := range []string{"folder:" + gone, gone} {
		t.Run(dest, func(t *testing.T) {
			j := schedule.Job{Name: "j", Source: "/d", Dest: dest, PasswordFile: "/pw"}
			warnings, err := r.CheckJob(t.Context(), &schedule.Config{}, j, fixed(password, nil))
			if err != nil || len(warnings) != 1 {
				t.Fatalf("CheckJob: %v, %v; want one warning", warnings, err)
			}
			want := "job j: " + dest + " is not available now (folder " + gone + " does not exist); its runs fail until it is"
			if got := warnings[0].Error(); got != want {
				t.Errorf("warning %q\nwant    %q", got, want)
			}
		})
	}
}

// A scheduled run makes a backup at each destination, records it as
// verified, and the job's retention prunes the older ones; the check of
// the destination reads what is there.
func TestSchedulerBacksUpPrunesAndChecks(t *testing.T) {
	r := newRunner(t)
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	out := t.TempDir()
	old := schedule.BackupName("nightly", time.Now().AddDate(0, 0, -3))
	if err := os.WriteFile(filepath.Join(out, old), []byte("not a backup at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &schedule.Config{Jobs: []schedule.Job{{Name: "nightly", Source: src, Dest: "folder:" + out, Every: "24h", PasswordFile: "/pw",
		Retention: schedule.Retention{KeepLast: 1}}}}
	sched, err := r.Scheduler(cfg, fixed(password, nil), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.RunNow(t.Context(), []string{"nightly"}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	// The damaged file is never counted as a backup, so never pruned.
	if len(entries) != 2 {
		t.Fatalf("destination holds %v, want the new backup and the damaged file", entries)
	}
	st, err := r.Status(cfg, time.Now()) // what the runs recorded
	rows := st.Jobs
	if err != nil || len(rows) != 1 || rows[0].Last.LastResult != schedule.ResultOK || len(rows[0].Failed) != 1 || rows[0].Failed[0].Name != old {
		t.Fatalf("status %+v, %v; want the run ok and %s failed", rows, err, old)
	}

	plans, err := r.PruneJob(t.Context(), cfg.Jobs[0], cfg.DestsFor(cfg.Jobs[0]), true)
	if err != nil || len(plans) != 1 || len(plans[0].Keep) != 1 || len(plans[0].Remove) != 0 || len(plans[0].Rejected) != 1 {
		t.Fatalf("dry-run prune: %+v, %v", plans, err)
	}

	dest, err := r.Registry.Open(t.Context(), "folder:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	rep, err := r.Check(t.Context(), dest, check.Options{})
	if !errors.Is(err, check.ErrFailed) || rep == nil || len(rep.Failed()) != 1 {
		t.Fatalf("check: %+v, %v; want %s failed", rep, err, old)
	}
}

// The stale session warning comes once a day, and only for a config
// that stores at Proton Drive.
func TestStaleProtonSession(t *testing.T) {
	r := staleSessionRunner(t)
	offline := &schedule.Config{Jobs: []schedule.Job{{Name: "j", Dest: "usb"}}}
	if _, _, warn := r.StaleProtonSession(t.Context(), offline, time.Now()); warn {
		t.Error("warned for a config that does not use Proton Drive")
	}
	cloud := &schedule.Config{DefaultDest: "proton:/Backups", Jobs: []schedule.Job{{Name: "j"}}}
	now := time.Now()
	user, age, warn := r.StaleProtonSession(t.Context(), cloud, now)
	if !warn || user != "alice" || int(age.Hours()/24) != 25 {
		t.Fatalf("first look: %q, %v, %v; want alice's 25-day-old session", user, age, warn)
	}
	if _, _, warn := r.StaleProtonSession(t.Context(), cloud, now.Add(time.Hour)); warn {
		t.Error("warned twice in a day")
	}
	if _, _, warn := r.StaleProtonSession(t.Context(), cloud, now.Add(25*time.Hour)); !warn {
		t.Error("no warning the next day")
	}
}

func TestCheckPasswords(t *testing.T) {
	missing := errors.New("no password")
	byName := func(_ context.Context, j schedule.Job) (string, error) {
		if j.Name == "missing" {
			return "", missing
		}
		return password, nil
	}
	tests := []struct {
		name string
		jobs []schedule.Job
		want error
	}{
		{"all there", []schedule.Job{{Name: "a", Source: "/d"}, {Name: "w", Watch: "/in", PasswordFile: "/pw"}}, nil},
		{"a backup job without", []schedule.Job{{Name: "a", Source: "/d"}, {Name: "missing", Source: "/d"}}, missing},
		{"a watch job needs none", []schedule.Job{{Name: "missing", Watch: "/in"}}, nil},
		{"unless it names one", []schedule.Job{{Name: "missing", Watch: "/in", PasswordKeyring: true}}, missing},
	}
	for _, tt := range tests {
		if err := runner.CheckPasswords(t.Context(), tt.jobs, byName); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: CheckPasswords = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestServe: a scheduler whose job's password does not read fails on
// start, before it says it started; one whose passwords read says so and
// runs until its context ends.
func TestServe(t *testing.T) {
	missing := errors.New("no password")
	for _, tt := range []struct {
		name string
		pw   runner.PasswordFunc
		want error
		log  string
	}{
		{"no password", fixed("", missing), missing, ""},
		{"password", fixed(password, nil), nil, "level=INFO msg=\"scheduler started\" jobs=1\n"},
	} {
		r := newRunner(t)
		var log strings.Builder
		r.Log = timelessLog(&log)
		cfg := &schedule.Config{Jobs: []schedule.Job{{Name: "a", Source: t.TempDir(), Dest: "folder:" + t.TempDir(), Every: "1h"}}}
		sched, err := r.Scheduler(cfg, tt.pw, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // ended: the loop returns at once
		if err := runner.Serve(ctx, sched, tt.pw); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: Serve = %v, want %v", tt.name, err, tt.want)
		}
		if log.String() != tt.log {
			t.Errorf("%s: logged %q, want %q", tt.name, log.String(), tt.log)
		}
	}
}

// TestRunOnce: a pass runs the job that is due and says nothing; the
// next says, in one whole line, that it is not due, when it is and the
// command given, and makes nothing; a pass whose context has ended is no
// failure and makes nothing.
func TestRunOnce(t *testing.T) {
	r := newRunner(t)
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	out := t.TempDir()
	cfg := &schedule.Config{Jobs: []schedule.Job{{Name: "nightly", Source: src, Dest: "folder:" + out, Every: "24h", PasswordFile: "/pw"}}}
	sched, err := r.Scheduler(cfg, fixed(password, nil), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runNow := func(job string) string { return "RUN " + job }
	var said strings.Builder
	if err := runner.RunOnce(t.Context(), sched, &said, runNow); err != nil || said.Len() != 0 {
		t.Fatalf("first pass: %v, said %q", err, said.String())
	}
	made, err := os.ReadDir(out)
	if err != nil || len(made) != 1 {
		t.Fatalf("first pass made %v (%v), want one backup", made, err)
	}
	last, err := sched.State.Job("nightly")
	if err != nil {
		t.Fatal(err)
	}
	want := "job nightly is not due until " + last.LastStart.Add(24*time.Hour).Local().Format("2006-01-02 15:04") + " (to run it now: RUN nightly)\n"
	if err := runner.RunOnce(t.Context(), sched, &said, runNow); err != nil || said.String() != want {
		t.Errorf("second pass: %v, said %q, want %q", err, said.String(), want)
	}
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	sched.Clock = laterClock{time.Now().Add(48 * time.Hour)} // due again
	said.Reset()
	if err := runner.RunOnce(ended, sched, &said, runNow); err != nil || said.Len() != 0 {
		t.Errorf("pass after the end: %v, said %q", err, said.String())
	}
	if after, err := os.ReadDir(out); err != nil || len(after) != 1 {
		t.Errorf("the destination holds %v (%v), want the first backup alone", after, err)
	}
}

// laterClock is the system clock at another time.
type laterClock struct{ now time.Time }

func (c laterClock) Now() time.Time { return c.now }

func (laterClock) Sleep(ctx context.Context, d time.Duration) error {
	return schedule.SystemClock{}.Sleep(ctx, d)
}

// A watch job's run ships through the inbox; what the inbox refuses is a
// *ShipError, for the caller to word.
func TestSchedulerShipsAWatchJob(t *testing.T) {
	r := newRunner(t)
	in, out := t.TempDir(), t.TempDir()
	cfg := &schedule.Config{Jobs: []schedule.Job{
		{Name: "inbox", Watch: in, Dest: "folder:" + out, Every: "1h"},
		{Name: "loop", Watch: in, Dest: "folder:" + in, Every: "1h"},
	}}
	sched, err := r.Scheduler(cfg, fixed("", errors.New("no password needed")), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.RunNow(t.Context(), []string{"inbox"}); err != nil {
		t.Fatalf("a pass over an empty folder: %v", err)
	}
	err = sched.RunNow(t.Context(), []string{"loop"})
	var ship *runner.ShipError
	if !errors.As(err, &ship) || !errors.Is(err, inbox.ErrDestIsInbox) {
		t.Fatalf("shipping into the watched folder: %v; want a *ShipError wrapping ErrDestIsInbox", err)
	}
}

// TestSkippedWatchRunPingsNothing: a watch job's run while a `cakebackup
// watch` ships from its folder is skipped before it pings its start, so a
// ping_url monitor sees no run rather than one that never ended; a run
// that goes ahead pings its start and its end.
func TestSkippedWatchRunPingsNothing(t *testing.T) {
	r := newRunner(t)
	rec := notifytest.NewRecorder(t)
	in, out := t.TempDir(), t.TempDir()
	cfg := &schedule.Config{Jobs: []schedule.Job{
		{Name: "inbox", Watch: in, Dest: "folder:" + out, Every: "1h", Alerts: schedule.Alerts{PingURL: rec.URL + "/ping"}},
	}}
	sched, err := r.Scheduler(cfg, fixed("", errors.New("no password needed")), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := schedule.DefaultPaths(r.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	watcher, err := inbox.New(in, []string{"folder:" + out}, r.Registry.Open, paths, r.Getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	started, stopped := make(chan struct{}), make(chan error)
	watcher.Started = func() { close(started) }
	ctx, stop := context.WithCancel(t.Context())
	go func() { stopped <- watcher.Watch(ctx) }()
	select {
	case <-started:
	case err := <-stopped:
		t.Fatalf("watch: %v", err)
	}
	err = sched.RunNow(t.Context(), []string{"inbox"})
	stop()
	if werr := <-stopped; werr != nil {
		t.Fatalf("watch: %v", werr)
	}
	var skip *schedule.SkippedError
	if !errors.As(err, &skip) || !errors.Is(err, inbox.ErrBusy) {
		t.Fatalf("a run while the folder is watched: %v; want a *SkippedError wrapping ErrBusy", err)
	}
	if got := rec.Lines(); len(got) != 0 {
		t.Errorf("a skipped run pinged %q", got)
	}
	if err := sched.RunNow(t.Context(), []string{"inbox"}); err != nil {
		t.Fatalf("a run once the watch stopped: %v", err)
	}
	if got, want := rec.Lines(), []string{"POST /ping/start ", "POST /ping "}; !slices.Equal(got, want) {
		t.Errorf("pings %q, want %q", got, want)
	}
}

// A scheduled run that reads a wallet file while the wallet app saves it
// (the file is appended to as its first bytes are read, in the first
// attempt) logs why it waits, as create prints it, and the next attempt
// stores the one backup.
func TestSchedulerRetriesAChangedSource(t *testing.T) {
	src := wallettest.Folder(t, map[string][]byte{
		"wallets/monero/a/a":      wallettest.RandomBytes(t, 64<<10),
		"wallets/monero/a/a.keys": []byte("keys"),
	})
	path := filepath.Join(src, "wallets", "monero", "a", "a")
	var logged bytes.Buffer
	r := newRunner(t).WithTweak(func(b *job.Backup) {
		b.RetryWaits = []time.Duration{time.Millisecond, time.Millisecond}
		attempts, changed := 0, false
		b.OnCollected = func(*backup.Source) { attempts, changed = attempts+1, false }
		b.OnProgress = func(int64) {
			if changed || attempts > 1 {
				return
			}
			changed = true
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Write([]byte("saved meanwhile")); err != nil {
				t.Fatal(err)
			}
		}
	})
	r.Log = slog.New(slog.NewJSONHandler(&logged, nil))
	out := t.TempDir()
	cfg := &schedule.Config{Jobs: []schedule.Job{{Name: "nightly", Source: src, Dest: "folder:" + out, Every: "24h", PasswordFile: "/pw"}}}
	sched, err := r.Scheduler(cfg, fixed(password, nil), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.RunNow(t.Context(), []string{"nightly"}); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(out); err != nil || len(entries) != 1 {
		t.Fatalf("destination holds %v (%v), want the one backup", entries, err)
	}
	want := path + " changed while it was being read; trying again in 1 ms (attempt 2 of 3)"
	var retries []string
	dec := json.NewDecoder(&logged)
	for {
		var rec struct{ Level, Msg, Job string }
		if err := dec.Decode(&rec); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rec.Msg, "changed while") {
			retries = append(retries, rec.Level+" "+rec.Job+": "+rec.Msg)
		}
	}
	if len(retries) != 1 || retries[0] != "WARN nightly: "+want {
		t.Errorf("logged %q, want the one retry line %q", retries, want)
	}
}

// TestCheckNewJob: CheckNewJob adds the job to the config, refusing one
// Config.Add refuses; then, before CheckJob's checks, it refuses a backup
// job's source that is no wallet data folder and a settings file that is
// not a JSON object, each with its own error type naming the job. The
// config holds the job once Add took it, whatever the later checks say.
func TestCheckNewJob(t *testing.T) {
	r := newRunner(t)
	dest := "folder:" + t.TempDir()
	empty := t.TempDir()
	missing := filepath.Join(t.TempDir(), "gone")
	notObject := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(notObject, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	watched := t.TempDir()
	isSource := func(target any) func(error) bool {
		return func(err error) bool {
			var s *runner.SourceError
			return errors.As(err, &s) && s.Job == "j" && errors.As(s.Err, target) && err.Error() == "job j: "+s.Err.Error()
		}
	}
	tests := []struct {
		name       string
		job        schedule.Job
		allowEmpty bool
		fails      func(error) bool // nil: no error
	}{
		{"a name the config holds", schedule.Job{Name: "taken", Every: "1h", Source: empty, Dest: dest, PasswordFile: "/pw"}, true,
			func(err error) bool { return errors.As(err, new(*schedule.JobExistsError)) }},
		{"no schedule", schedule.Job{Name: "j", Source: empty, Dest: dest, PasswordFile: "/pw"}, true,
			func(err error) bool { return strings.HasPrefix(err.Error(), "job j: ") }},
		{"source missing", schedule.Job{Name: "j", Every: "1h", Source: missing, Dest: dest, PasswordFile: "/pw"}, false, isSource(new(*job.SourceError))},
		{"source without wallets", schedule.Job{Name: "j", Every: "1h", Source: empty, Dest: dest, PasswordFile: "/pw"}, false, isSource(new(*backup.DataFolderError))},
		{"source without wallets, allowed", schedule.Job{Name: "j", Every: "1h", Source: empty, Dest: dest, PasswordFile: "/pw"}, true, nil},
		{"settings not an object", schedule.Job{Name: "j", Every: "1h", Source: empty, Settings: notObject, Dest: dest, PasswordFile: "/pw"}, true,
			func(err error) bool {
				var s *runner.SettingsError
				var bad *job.SettingsError
				return errors.As(err, &s) && s.Job == "j" && errors.As(s.Err, &bad) && err.Error() == "job j: "+s.Err.Error()
			}},
		{"a watch job has no source to check", schedule.Job{Name: "j", Every: "1h", Watch: watched, Dest: dest}, false, nil},
		{"then what CheckJob checks", schedule.Job{Name: "j", Every: "1h", Source: empty, Dest: "ftp:x", PasswordFile: "/pw"}, true,
			func(err error) bool { var k *destinations.KindError; return errors.As(err, &k) && k.Kind == "ftp" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			taken := schedule.Job{Name: "taken", Every: "1h", Source: empty, PasswordFile: "/pw"}
			cfg := &schedule.Config{Jobs: []schedule.Job{taken}}
			warnings, err := r.CheckNewJob(t.Context(), cfg, tt.job, tt.allowEmpty, fixed(password, nil))
			want := []schedule.Job{taken}
			if tt.job.Name == "j" && tt.job.Every != "" { // Add takes it
				want = append(want, tt.job)
			}
			if !reflect.DeepEqual(cfg.Jobs, want) {
				t.Errorf("the config holds %v, want %v", cfg.Jobs, want)
			}
			switch {
			case tt.fails == nil && err != nil:
				t.Fatalf("CheckNewJob: %v", err)
			case tt.fails != nil && (err == nil || !tt.fails(err)):
				t.Fatalf("CheckNewJob: %v; not the error wanted", err)
			case len(warnings) != 0:
				t.Fatalf("warnings %v, want none", warnings)
			}
		})
	}
}

// TestCheckNewJobAbsolute: the config holds a new job with its paths
// made absolute, and the checks see them so.
func TestCheckNewJobAbsolute(t *testing.T) {
	r := newRunner(t)
	empty := t.TempDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, empty)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &schedule.Config{}
	j := schedule.Job{Name: "j", Every: "1h", Source: rel, Dest: "folder:" + t.TempDir(), PasswordFile: "pw"}
	if _, err := r.CheckNewJob(t.Context(), cfg, j, true, fixed(password, nil)); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Jobs) != 1 || cfg.Jobs[0].Source != empty || cfg.Jobs[0].PasswordFile != filepath.Join(wd, "pw") {
		t.Errorf("the config holds %+v, want source %s and password file %s", cfg.Jobs, empty, filepath.Join(wd, "pw"))
	}
}

// TestPruneNow: a job without keep_* rules and a watch job are not
// pruned (no plan), and a job with rules is, at each destination: here
// its files are no backups, so they are left alone.
func TestPruneNow(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	for _, name := range []string{"cake_wallet_backup_n_2026-01-01_000000", "cake_wallet_backup_n_2026-01-02_000000"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("not a backup"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &schedule.Config{DefaultDest: "folder:" + dir}
	for _, tt := range []struct {
		name     string
		job      schedule.Job
		plans    int
		rejected int // in the first plan
	}{
		{"no rule", schedule.Job{Name: "n", Every: "1h"}, 0, 0},
		{"watch job", schedule.Job{Name: "n", Watch: t.TempDir(), Retention: schedule.Retention{KeepLast: 1}}, 0, 0},
		{"kept last", schedule.Job{Name: "n", Every: "1h", Retention: schedule.Retention{KeepLast: 1}}, 1, 2},
	} {
		p, err := r.PruneNow(t.Context(), cfg, tt.job, false)
		if err != nil || len(p.Plans) != tt.plans || tt.plans > 0 && len(p.Plans[0].Rejected) != tt.rejected || p.DryRun || p.Job.Name != "n" {
			t.Errorf("%s: %+v, %v; want %d plans, %d files rejected", tt.name, p, err, tt.plans, tt.rejected)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 2 {
		t.Errorf("the folder holds %v (%v), want both files", entries, err)
	}
}
