package schedule

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRunNowRunsAJobThatIsNotDue(t *testing.T) {
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Every: "24h", Retention: Retention{KeepLast: 5}}, start)
	ctx := context.Background()
	if waiting, err := f.sched.NotDue(); err != nil || len(waiting) != 0 {
		t.Fatalf("NotDue before any run = %v, %v; want none (a new job is due)", waiting, err)
	}
	if err := f.sched.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.now = start.Add(time.Hour)
	waiting, err := f.sched.NotDue()
	if want := []Waiting{{Job: "nightly", Next: start.Add(24 * time.Hour)}}; err != nil || !slices.Equal(waiting, want) {
		t.Fatalf("NotDue = %v, %v; want %v", waiting, err, want)
	}
	if err := f.sched.RunDue(ctx); err != nil || len(f.run.runs) != 1 {
		t.Fatalf("RunDue ran a job that is not due: %v, %d runs", err, len(f.run.runs))
	}

	if err := f.sched.RunNow(ctx, []string{"nightly"}); err != nil {
		t.Fatal(err)
	}
	want := []string{BackupName("nightly", start), BackupName("nightly", start.Add(time.Hour))}
	if got := runNames(f.run.runs); !slices.Equal(got, want) {
		t.Fatalf("runs = %v, want %v", got, want)
	}
	if got := dirNames(t, f.dir); !slices.Equal(got, want) {
		t.Fatalf("folder = %v, want %v", got, want)
	}
	// Recorded like any run: the schedule counts from it.
	js, err := f.sched.State.Job("nightly")
	if err != nil || js.LastResult != ResultOK || !js.LastStart.Equal(start.Add(time.Hour)) {
		t.Fatalf("state = %+v, %v", js, err)
	}
	if next, _ := f.sched.NextDue(); !next.Equal(start.Add(25 * time.Hour)) {
		t.Fatalf("next run %v, want a day after the run now", next)
	}
}

func TestRunNowRefusesUnknownJobsAndRespectsTheLock(t *testing.T) {
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Every: "24h"}, start)
	ctx := context.Background()

	err := f.sched.RunNow(ctx, []string{"nightly", "nope"})
	if !errors.Is(err, ErrUnknownJob) || len(f.run.runs) != 0 {
		t.Fatalf("RunNow with an unknown job = %v after %d runs; want ErrUnknownJob before any run", err, len(f.run.runs))
	}

	lock, err := LockJob(f.sched.LockDir, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	err = f.sched.RunNow(ctx, []string{"nightly"})
	if !errors.Is(err, ErrLocked) || !errors.Is(err, ErrRunFailed) || len(f.run.runs) != 0 {
		t.Fatalf("RunNow under another's lock = %v after %d runs; want ErrLocked and no run", err, len(f.run.runs))
	}
	if js, _ := f.sched.State.Job("nightly"); !js.LastStart.IsZero() {
		t.Fatalf("a locked-out run was recorded: %+v", js)
	}
	lock.Release()
	if err := f.sched.RunNow(ctx, []string{"nightly"}); err != nil || len(f.run.runs) != 1 {
		t.Fatalf("RunNow after the lock was released = %v, %d runs", err, len(f.run.runs))
	}
}

// TestRunNowFailuresMakeOneLine: when several runs fail, the error is one
// line that counts them and gives the first, not every message run
// together; each stays reachable with errors.Is.
func TestRunNowFailuresMakeOneLine(t *testing.T) {
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Every: "24h"}, start)
	f.sched.Jobs = append(f.sched.Jobs, Job{Name: "weekly", Every: "168h", Source: f.source})
	for _, name := range []string{"nightly", "weekly"} {
		lock, err := LockJob(f.sched.LockDir, name)
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Release()
	}
	err := f.sched.RunNow(context.Background(), []string{"nightly", "weekly"})
	if !errors.Is(err, ErrRunFailed) || !errors.Is(err, ErrLocked) {
		t.Fatalf("RunNow = %v, want ErrRunFailed and ErrLocked", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Contains(msg, "weekly") ||
		!strings.Contains(msg, "2 ") || !strings.Contains(msg, "job nightly") {
		t.Errorf("RunNow: %q, want one line counting 2 failed runs and giving job nightly's", msg)
	}
}
