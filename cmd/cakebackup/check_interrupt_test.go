package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/interrupt"
)

// stoppedCheckRead is the folder check opened, whose backup called name,
// once opened, waits at its first read until the run's context ends: the
// user presses Ctrl-C while check reads it. The read then fails with the
// context's error, as a read cut short by the cancel does.
type stoppedCheckRead struct {
	destinations.Destination
	destinations.Identifier // the folder's, so what is recorded matches later
	name                    string
	reading                 chan<- struct{}
}

func (d stoppedCheckRead) Open(ctx context.Context, name string) (destinations.Reader, error) {
	r, err := d.Destination.Open(ctx, name)
	if err != nil || name != d.name {
		return r, err
	}
	return waitingRead{r, ctx, d.reading}, nil
}

type waitingRead struct {
	destinations.Reader
	ctx     context.Context
	reading chan<- struct{}
}

func (r waitingRead) ReadAt([]byte, int64) (int, error) {
	select {
	case r.reading <- struct{}{}:
	case <-r.ctx.Done(): // told already
	}
	<-r.ctx.Done()
	return 0, fmt.Errorf("reading: %w", r.ctx.Err())
}

// TestCheckInterrupted: check stopped by a signal while it reads a backup
// ends as every interrupted command does: one line "cakebackup:
// interrupted", the signal's exit code, nothing on stdout but, with
// --json, the failure object. No report: the backup being read is neither
// unreadable nor failed, and the next check reads it and passes, while
// what the first read to the end stays known (unchanged, not read again).
// It printed a report with the backup "unreadable" (in --json in place of
// the failure object).
func TestCheckInterrupted(t *testing.T) {
	t.Parallel()
	data := sampleBackupData(t)
	for _, tc := range []struct {
		name string
		stop int // the backup (0: the older) whose read the signal stops
		code int
		json bool
	}{
		{"SIGINT reading the second", 1, 130, false},
		{"SIGTERM reading the first, json", 0, 143, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			dir := t.TempDir()
			var paths []string
			for i, name := range []string{"cake_wallet_backup_older", "cake_wallet_backup_newer"} {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
				at := time.Date(2026, 11, 1+i, 3, 0, 0, 0, time.UTC)
				if err := os.Chtimes(p, at, at); err != nil {
					t.Fatal(err)
				}
				paths = append(paths, p)
			}
			args := []string{"cakebackup", "check", "folder:" + dir}
			if tc.json {
				args = append(args, "--json")
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			reading := make(chan struct{})
			var stdout, stderr bytes.Buffer
			e := &env{
				stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
				getenv: func(k string) string { return c.vars[k] },
				checkDest: func(d destinations.Destination) destinations.Destination {
					return stoppedCheckRead{d, d.(destinations.Identifier), filepath.Base(paths[tc.stop]), reading}
				},
			}
			exited := make(chan int, 1)
			go func() { exited <- run(ctx, args, e) }()
			select {
			case <-reading:
				cancel(&interrupt.Error{Code: tc.code})
			case code := <-exited:
				t.Fatalf("check ended (exit %d) before it read %s; stderr %q", code, paths[tc.stop], stderr.String())
			}
			code := <-exited
			if code != tc.code || stderr.String() != "cakebackup: interrupted\n" {
				t.Errorf("exit %d, stderr %q; want %d and the one line \"cakebackup: interrupted\"", code, stderr.String(), tc.code)
			}
			if !tc.json && stdout.Len() != 0 {
				t.Errorf("stdout %q; want nothing (no report of a check cut short)", stdout.String())
			}
			if tc.json {
				var got map[string]any
				want := map[string]any{"error": "interrupted", "exit_code": float64(tc.code)}
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("stdout %q (%v); want only the failure object %v", stdout.String(), err, want)
				}
			}

			// The next check: what was read to the end is unchanged, the rest read and verified.
			out := c.mustRun("check", "folder:"+dir)
			for i, p := range paths {
				status := "verified"
				if i < tc.stop {
					status = "unchanged"
				}
				if want := fmt.Sprintf("%-10s %s\n", status, p); !strings.Contains(out, want) {
					t.Errorf("the next check printed %q; want the line %q", out, want)
				}
			}
			if want := fmt.Sprintf("2 backups, %d read in full (", len(paths)-tc.stop); !strings.Contains(out, want) {
				t.Errorf("the next check printed %q; want %q", out, want)
			}
		})
	}
}
