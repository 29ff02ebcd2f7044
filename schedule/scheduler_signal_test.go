//go:build unix

package schedule

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSchedulerSIGTERMMidRun sends the test process a real SIGTERM while a
// backup is being written: the loop must abort the run, leave no file at
// all in the destination, record the run as aborted and return nil.
func TestSchedulerSIGTERMMidRun(t *testing.T) {
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := newSchedulerFixture(t, Job{Name: "nightly", Every: "24h", Retention: Retention{KeepLast: 1}}, now)
	// An older good backup must survive the aborted run.
	old := BackupName("nightly", now.AddDate(0, 0, -1))
	if err := os.WriteFile(filepath.Join(f.dir, old), encodeTestBackup([]byte("old")), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	f.run.pieces = 10
	f.run.onWrite = func(n int) {
		if n == 3 {
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			<-ctx.Done() // the signal is delivered asynchronously
		}
	}
	done := make(chan error, 1)
	go func() { done <- f.sched.Loop(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Loop after SIGTERM = %v, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Loop did not stop after SIGTERM")
	}
	if got := dirNames(t, f.dir); !slices.Equal(got, []string{old}) {
		t.Fatalf("folder after aborted run = %v, want only %s", got, old)
	}
	js, err := f.sched.State.Job("nightly")
	if err != nil {
		t.Fatal(err)
	}
	if js.LastResult != ResultAborted {
		t.Fatalf("state = %+v, want aborted", js)
	}
	if !strings.Contains(f.log.String(), "result=aborted") {
		t.Fatalf("log = %q", f.log)
	}
}
