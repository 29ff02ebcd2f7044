package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/process"
	"github.com/cakebackup/cakebackup/internal/wallettest"
)

type schedulerFixture struct {
	sched  *Scheduler
	clock  *fakeClock
	run    *folderRun
	dir    string // destination folder
	source string
	log    *bytes.Buffer
}

func newSchedulerFixture(t *testing.T, job Job, start time.Time) *schedulerFixture {
	t.Helper()
	dest, dir := newFolder(t)
	source := wallettest.Folder(t, map[string][]byte{"wallet.dat": bytes.Repeat([]byte("wallet"), 1000)})
	job.Source = source
	state := t.TempDir()
	clock := &fakeClock{now: start}
	run := &folderRun{dest: dest, source: source}
	var log bytes.Buffer
	pruner := Pruner{Store: dest, Verify: verifyTestBackup, Location: time.UTC}
	s := &Scheduler{
		Jobs:    []Job{job},
		Run:     run.run,
		Prune:   pruneWith(pruner),
		Clock:   clock,
		State:   StateStore{Path: filepath.Join(state, "state.json")},
		LockDir: filepath.Join(state, "locks"),
		Log:     slog.New(slog.NewTextHandler(&log, nil)),
	}
	return &schedulerFixture{sched: s, clock: clock, run: run, dir: dir, source: source, log: &log}
}

func runNames(runs []Run) []string {
	var out []string
	for _, r := range runs {
		out = append(out, r.BackupName)
	}
	return out
}

func TestSchedulerLoopRunsOnTimeAndPrunes(t *testing.T) {
	start := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		job  Job
		want []time.Time // run start times
		keep int
	}{
		{"every 24h keep-last 3", Job{Name: "nightly", Every: "24h", Retention: Retention{KeepLast: 3}},
			[]time.Time{start, start.Add(24 * time.Hour), start.Add(48 * time.Hour), start.Add(72 * time.Hour), start.Add(96 * time.Hour)}, 3},
		{"cron 02:30 keep-daily 2", Job{Name: "cron", Cron: "30 2 * * *", Retention: Retention{KeepDaily: 2}},
			[]time.Time{start, time.Date(2026, 11, 21, 2, 30, 0, 0, time.UTC), time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newSchedulerFixture(t, tt.job, start)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			inner := f.sched.Prune
			f.sched.Prune = func(ctx context.Context, job Job, newest Copy) (PrunePlan, error) {
				plan, err := inner(ctx, job, newest)
				if len(f.run.runs) == len(tt.want) {
					cancel() // stop the loop after the last expected run
				}
				return plan, err
			}
			if err := f.sched.Loop(ctx); err != nil {
				t.Fatalf("Loop = %v, want nil after cancel", err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, BackupName(tt.job.Name, w))
			}
			if got := runNames(f.run.runs); !slices.Equal(got, want) {
				t.Fatalf("runs = %v\nwant   %v", got, want)
			}
			// The newest backups stay, the older ones were pruned.
			if got := dirNames(t, f.dir); !slices.Equal(got, want[len(want)-tt.keep:]) {
				t.Fatalf("folder = %v, want %v", got, want[len(want)-tt.keep:])
			}
			js, err := f.sched.State.Job(tt.job.Name)
			if err != nil {
				t.Fatal(err)
			}
			if js.LastResult != ResultOK || !js.LastSuccess.Equal(tt.want[len(tt.want)-1]) ||
				js.LastBackup != filepath.Join(f.dir, want[len(want)-1]) || js.LastSize == 0 {
				t.Fatalf("state = %+v", js)
			}
			lines := strings.Split(strings.TrimSpace(f.log.String()), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("%d log lines for %d runs:\n%s", len(lines), len(tt.want), f.log)
			}
			for _, l := range lines {
				for _, field := range []string{"job=" + tt.job.Name, "result=ok", "size=", "duration=", "where=" + f.dir, "start="} {
					if !strings.Contains(l, field) {
						t.Errorf("log line %q lacks %q", l, field)
					}
				}
			}
		})
	}
}

func TestSchedulerCatchesUpMissedRunOnce(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Cron: "30 2 * * *"}, now)
	// The machine was off for five nights.
	if err := f.sched.State.Record("nightly", JobState{LastStart: now.AddDate(0, 0, -5), LastResult: ResultOK}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 3 {
		if err := f.sched.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := runNames(f.run.runs); !slices.Equal(got, []string{BackupName("nightly", now)}) {
		t.Fatalf("runs = %v, want one catch-up run", got)
	}
	next, err := f.sched.NextDue()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC); !next.Equal(want) {
		t.Fatalf("next run %v, want %v", next, want)
	}
}

func TestSchedulerFailureIsRecordedAndRetried(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "usb", Every: "24h"}, now)
	// The source folder is gone (the wallet app was moved).
	if err := os.RemoveAll(f.source); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err := f.sched.RunDue(ctx)
	if !errors.Is(err, ErrRunFailed) || !strings.Contains(err.Error(), "read source") {
		t.Fatalf("RunDue = %v, want a failure naming the source", err)
	}
	js, _ := f.sched.State.Job("usb")
	if js.LastResult != ResultFailed || !strings.Contains(js.LastError, "read source") || !js.LastSuccess.IsZero() {
		t.Fatalf("state = %+v", js)
	}
	if !strings.Contains(f.log.String(), "level=ERROR") || !strings.Contains(f.log.String(), "result=failed") {
		t.Fatalf("log = %q", f.log)
	}
	if got := dirNames(t, f.dir); len(got) != 0 {
		t.Fatalf("failed run left %v", got)
	}
	// Not retried at once, but after an hour; then it works again.
	if err := f.sched.RunDue(ctx); err != nil || len(f.run.runs) != 1 {
		t.Fatalf("retried at once: %v, %d runs", err, len(f.run.runs))
	}
	if err := os.MkdirAll(f.source, 0o700); err != nil {
		t.Fatal(err)
	}
	f.clock.now = now.Add(RetryAfter)
	if err := f.sched.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	js, _ = f.sched.State.Job("usb")
	if js.LastResult != ResultOK || js.LastError != "" || len(dirNames(t, f.dir)) != 1 {
		t.Fatalf("after retry: state %+v, folder %v", js, dirNames(t, f.dir))
	}
}

// TestSchedulerPruneFailureIsVisible prunes a different folder than the one
// backed up to (a real misconfiguration): the run is reported failed, but
// the backup it made is recorded as the last good one and nothing is
// deleted.
func TestSchedulerPruneFailureIsVisible(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Every: "24h", Retention: Retention{KeepLast: 1}}, now)
	other, otherDir := newFolder(t)
	old := BackupName("nightly", now.AddDate(0, 0, -1))
	if err := os.WriteFile(filepath.Join(otherDir, old), encodeTestBackup(nil), 0o600); err != nil {
		t.Fatal(err)
	}
	f.sched.Prune = pruneWith(Pruner{Store: other, Verify: verifyTestBackup, Location: time.UTC})
	err := f.sched.RunDue(context.Background())
	if !errors.Is(err, ErrRunFailed) || !strings.Contains(err.Error(), "pruning failed") {
		t.Fatalf("RunDue = %v", err)
	}
	js, _ := f.sched.State.Job("nightly")
	made := filepath.Join(f.dir, BackupName("nightly", now))
	if js.LastResult != ResultFailed || !js.LastSuccess.Equal(now) || js.LastBackup != made || !strings.Contains(js.LastError, "not listed") {
		t.Fatalf("state = %+v", js)
	}
	if got := dirNames(t, otherDir); !slices.Equal(got, []string{old}) {
		t.Fatalf("other folder = %v", got)
	}
}

func TestSchedulerSkipsJobLockedElsewhere(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Every: "24h"}, now)
	held, err := LockJob(f.sched.LockDir, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.sched.RunDue(context.Background()); err != nil {
		t.Fatalf("RunDue with the job locked elsewhere = %v, want nil (skipped)", err)
	}
	if len(f.run.runs) != 0 {
		t.Fatal("ran a job another scheduler holds the lock of")
	}
	if !strings.Contains(f.log.String(), "another scheduler") {
		t.Fatalf("log = %q", f.log)
	}
	held.Release()
	if err := f.sched.RunDue(context.Background()); err != nil || len(f.run.runs) != 1 {
		t.Fatalf("after release: %v, %d runs", err, len(f.run.runs))
	}
}

func TestLockContention(t *testing.T) {
	dir := t.TempDir()
	a, err := LockJob(dir, "job")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockJob(dir, "job"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock = %v, want ErrLocked", err)
	}
	other, err := LockJob(dir, "other")
	if err != nil {
		t.Fatalf("another job's lock: %v", err)
	}
	other.Release()
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	b, err := LockJob(dir, "job")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	b.Release()
	fi, err := os.Stat(filepath.Join(dir, "job.lock"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v, %v", fi, err)
	}
	if _, err := LockJob(dir, "../escape"); err == nil {
		t.Fatal("locked a job name with a path in it")
	}
}

func TestStateFileIsPrivateAndKeepsOtherJobs(t *testing.T) {
	s := StateStore{Path: filepath.Join(t.TempDir(), "cakebackup", "state.json")}
	at := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	if err := s.Record("a", JobState{LastStart: at, LastResult: ResultOK}); err != nil {
		t.Fatal(err)
	}
	if err := s.Record("b", JobState{LastStart: at, LastResult: ResultFailed, LastError: "disk full"}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Jobs["a"].LastResult != ResultOK || st.Jobs["b"].LastError != "disk full" || !st.Jobs["a"].LastStart.Equal(at) {
		t.Fatalf("state = %+v", st)
	}
	fi, err := os.Stat(s.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode: %v %v", fi, err)
	}
}

// TestDamagedStateMovedAside: a state file that is not JSON, or not of
// the state's shape, is moved aside to state.json.damaged-TIME with its
// bytes, with a warning naming both files, and the state starts afresh;
// the next record writes a good state file.
func TestDamagedStateMovedAside(t *testing.T) {
	for _, damaged := range []string{"{not json", `{"jobs": 5}`, "", "\x00\x00\x00"} {
		dir := t.TempDir()
		var log bytes.Buffer
		s := StateStore{Path: filepath.Join(dir, "state.json"), Log: slog.New(slog.NewTextHandler(&log, nil))}
		if err := os.WriteFile(s.Path, []byte(damaged), 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := s.Load()
		if err != nil || len(st.Jobs) != 0 || st.Jobs == nil {
			t.Fatalf("%q: Load = %+v, %v; want a fresh state", damaged, st, err)
		}
		aside, _ := filepath.Glob(s.Path + ".damaged-*")
		if len(aside) != 1 {
			t.Fatalf("%q: moved aside: %v", damaged, aside)
		}
		if b, err := os.ReadFile(aside[0]); err != nil || string(b) != damaged {
			t.Fatalf("%q: the file moved aside holds %q, %v", damaged, b, err)
		}
		if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
			t.Fatalf("%q: state file still there: %v", damaged, err)
		}
		if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), aside[0]) {
			t.Fatalf("%q: warning: %s", damaged, log.String())
		}
		// A second damaged file in the same second gets a name of its own.
		if err := os.WriteFile(s.Path, []byte(damaged), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.Record("a", JobState{LastResult: ResultOK}); err != nil {
			t.Fatal(err)
		}
		if aside, _ := filepath.Glob(s.Path + ".damaged-*"); len(aside) != 2 {
			t.Fatalf("%q: moved aside: %v", damaged, aside)
		}
		if js, err := s.Job("a"); err != nil || js.LastResult != ResultOK {
			t.Fatalf("%q: after a record: %+v, %v", damaged, js, err)
		}
	}
}

// TestPathsForConfig: the default config's jobs keep their state in
// state.json, any other config's in a file of its own, one per file.
func TestPathsForConfig(t *testing.T) {
	p := Paths{Config: "/home/ana/.config/cakebackup/config.toml", State: "/home/ana/.local/state/cakebackup/state.json"}
	tests := []struct {
		file, other string
		same        bool // the same state file as other's
	}{
		{"", p.Config, true},
		{p.Config, "/home/ana/.config/cakebackup/../cakebackup/config.toml", true},
		{"/srv/b.toml", p.Config, false},
		{"/srv/b.toml", "/srv/c.toml", false},
		{"/srv/b.toml", "/srv/./b.toml", true},
	}
	for _, tt := range tests {
		a, b := p.ForConfig(tt.file).State, p.ForConfig(tt.other).State
		if (a == b) != tt.same {
			t.Errorf("ForConfig(%q) = %s, ForConfig(%q) = %s; same = %v, want %v", tt.file, a, tt.other, b, a == b, tt.same)
		}
		if filepath.Dir(a) != filepath.Dir(p.State) {
			t.Errorf("ForConfig(%q) = %s, not beside %s", tt.file, a, p.State)
		}
	}
	if got := p.ForConfig(p.Config).State; got != p.State {
		t.Errorf("the default config's state is %s, want %s", got, p.State)
	}
}

// pruneWith is the scheduler's PruneFunc for a job with one destination,
// whose backups p prunes.
func pruneWith(p Pruner) PruneFunc {
	return func(ctx context.Context, job Job, newest Copy) (PrunePlan, error) {
		return p.Prune(ctx, job, newest.Entry)
	}
}

// TestWatchRunLogsWhatItPruned: a watch job's run, whose retention runs
// as it ships (Result.Pruned), logs how many copies it pruned, and no
// kept count it does not know, rather than "kept=0 pruned=0".
func TestWatchRunLogsWhatItPruned(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "exports", Watch: "/in", Every: "15m", Retention: Retention{KeepLast: 1}}, now)
	f.sched.Prune = nil
	f.sched.Run = func(context.Context, Run) (Result, error) {
		return Result{Copies: []Copy{{Dest: "folder:/out", Entry: destinations.Entry{Name: "b", Location: "/out/b", Size: 3}}}, Pruned: 2}, nil
	}
	if err := f.sched.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	log := f.log.String()
	if !strings.Contains(log, "pruned=2") || strings.Contains(log, "kept=") {
		t.Errorf("log = %q, want pruned=2 and no kept count", log)
	}
}

// TestWatchRunWithNothingNew: a watch job's run that finds no export it
// has not shipped logs that it had nothing new to ship, not a size of 0 at
// no place, nor the place of an earlier run's export; the state keeps the
// export shipped last.
func TestWatchRunWithNothingNew(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "exports", Watch: "/in", Every: "15m"}, now)
	f.sched.Prune = nil
	shipped := []Copy{{Dest: "folder:/out", Entry: destinations.Entry{Name: "e.zip", Location: "/out/e.zip", Size: 3}}}
	for i, copies := range [][]Copy{nil, shipped, nil} {
		f.sched.Run = func(context.Context, Run) (Result, error) { return Result{Copies: copies}, nil }
		f.log.Reset()
		if err := f.sched.RunNow(context.Background(), []string{"exports"}); err != nil {
			t.Fatal(err)
		}
		log := f.log.String()
		if copies == nil && (!strings.Contains(log, `note="nothing new to ship"`) || strings.Contains(log, "size=") || strings.Contains(log, "where=")) {
			t.Errorf("run %d, nothing shipped, logged %q", i, log)
		}
		if copies != nil && (!strings.Contains(log, "size=3 where=/out/e.zip") || strings.Contains(log, "nothing new")) {
			t.Errorf("run %d, one export shipped, logged %q", i, log)
		}
	}
	if js, err := f.sched.State.Job("exports"); err != nil || js.LastBackup != "/out/e.zip" || js.LastResult != ResultOK {
		t.Errorf("state after the last run: %+v, %v; want the export shipped before", js, err)
	}
}

// TestRunMarkedWhileRunning: a run is marked in the state file as it
// starts (this process, the start) and the mark is gone once its end is
// recorded; status shows a marked job as running while the marking
// process lives and as interrupted once it is gone (killed before it
// could record its end, or its id now another process's).
func TestRunMarkedWhileRunning(t *testing.T) {
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Every: "24h"}, start)
	inner := f.sched.Run
	var during JobState
	f.sched.Run = func(ctx context.Context, run Run) (Result, error) {
		var err error
		if during, err = f.sched.State.Job("nightly"); err != nil {
			t.Fatal(err)
		}
		return inner(ctx, run)
	}
	if err := f.sched.RunNow(context.Background(), []string{"nightly"}); err != nil {
		t.Fatal(err)
	}
	me := process.Started(os.Getpid())
	if !during.RunningSince.Equal(start) || during.RunningPID != os.Getpid() || during.RunningPIDStart != me {
		t.Fatalf("during the run the state was %+v; want it marked running since %v by this process (started %q)", during, start, me)
	}
	after, err := f.sched.State.Job("nightly")
	if err != nil || !after.RunningSince.IsZero() || after.RunningPID != 0 || after.RunningPIDStart != "" || after.LastResult != ResultOK {
		t.Fatalf("after the run: %+v, %v; want it ended ok, unmarked", after, err)
	}

	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip("no process to outlive: ", err)
	}
	cfg := &Config{Jobs: f.sched.Jobs}
	tests := []struct {
		name                 string
		pid                  int
		started              string
		running, interrupted bool
		detail               string
	}{
		{"running", os.Getpid(), me, true, false, "running since "},
		// A state file written before the start was recorded, or where
		// the system does not tell it: the id alone.
		{"running, start unknown", os.Getpid(), "", true, false, "running since "},
		{"killed", gone.Process.Pid, "", false, true, "was killed before it ended"},
	}
	if me != "" {
		// The killed run's id now belongs to another process (this
		// one), which started at another time.
		tests = append(tests, tests[0])
		last := &tests[len(tests)-1]
		last.name, last.started, last.running, last.interrupted, last.detail = "killed, its id reused", me+"0", false, true, "was killed before it ended"
	}
	for _, tt := range tests {
		marked := after
		marked.RunningSince, marked.RunningPID, marked.RunningPIDStart = start.Add(24*time.Hour), tt.pid, tt.started
		st := &State{Jobs: map[string]JobState{"nightly": marked}}
		rows, err := StatusAt(cfg, st, start.Add(25*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		r := rows[0]
		if r.Running != tt.running || r.Interrupted != tt.interrupted || !strings.Contains(r.Detail(), tt.detail) {
			t.Errorf("%s: running %v, interrupted %v, detail %q; want %v, %v, %q", tt.name, r.Running, r.Interrupted, r.Detail(), tt.running, tt.interrupted, tt.detail)
		}
		if rep := r.Report(start); rep.Running != tt.running || rep.Interrupted != tt.interrupted {
			t.Errorf("%s: JSON report %+v", tt.name, rep)
		}
	}
}
