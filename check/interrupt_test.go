package check_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/local"
)

// stoppedRead is a folder whose backup called name is read through open:
// the read waits there until the test cancels the check, as when the
// user presses Ctrl-C while a backup is being read.
type stoppedRead struct {
	*local.Folder
	name string
	open func(ctx context.Context, r destinations.Reader) (destinations.Reader, error)
}

func (d stoppedRead) Open(ctx context.Context, name string) (destinations.Reader, error) {
	r, err := d.Folder.Open(ctx, name)
	if err != nil || name != d.name {
		return r, err
	}
	return d.open(ctx, r)
}

// readerAt is a backup whose reads are readAt's.
type readerAt struct {
	destinations.Reader
	readAt func(p []byte, off int64) (int, error)
}

func (r readerAt) ReadAt(p []byte, off int64) (int, error) { return r.readAt(p, off) }

// TestInterruptedCheck: a check cancelled while it reads a backup returns
// the context's error and no report, whatever the cut-short read surfaced
// (the context's error, damage, a read error, wrong bytes): the backup is
// neither failed nor unreadable, and nothing is recorded of it. What the
// reads finished before found stays recorded, a read that finished as the
// check was cancelled too, and the check does not count as a run (the
// rotation does not move on). It reported the backup unreadable, or
// failed and recorded it so, by what the read surfaced.
func TestInterruptedCheck(t *testing.T) {
	// wait tells the test the read waits and waits for the cancel.
	type waitFunc func(ctx context.Context)
	for _, tc := range []struct {
		name string
		open func(wait waitFunc) func(ctx context.Context, r destinations.Reader) (destinations.Reader, error)
		// finished: the read of the stopped backup ended before the cancel.
		finished bool
	}{
		{name: "opening, the context's error", open: func(wait waitFunc) func(context.Context, destinations.Reader) (destinations.Reader, error) {
			return func(ctx context.Context, r destinations.Reader) (destinations.Reader, error) {
				r.Close()
				wait(ctx)
				return nil, fmt.Errorf("downloading: %w", ctx.Err())
			}
		}},
		{name: "opening, worded as damage", open: func(wait waitFunc) func(context.Context, destinations.Reader) (destinations.Reader, error) {
			return func(ctx context.Context, r destinations.Reader) (destinations.Reader, error) {
				r.Close()
				wait(ctx)
				return nil, fmt.Errorf("block 2 cut short: %w", destinations.ErrDamaged)
			}
		}},
		{name: "reading, a read error", open: func(wait waitFunc) func(context.Context, destinations.Reader) (destinations.Reader, error) {
			return func(ctx context.Context, r destinations.Reader) (destinations.Reader, error) {
				return readerAt{r, func([]byte, int64) (int, error) {
					wait(ctx)
					return 0, &os.PathError{Op: "read", Path: "/net/x", Err: syscall.ECONNRESET}
				}}, nil
			}
		}},
		{name: "reading, wrong bytes", open: func(wait waitFunc) func(context.Context, destinations.Reader) (destinations.Reader, error) {
			return func(ctx context.Context, r destinations.Reader) (destinations.Reader, error) {
				return readerAt{r, func(p []byte, off int64) (int, error) {
					wait(ctx)
					clear(p) // what a stream cut short left in the buffer
					return len(p), nil
				}}, nil
			}
		}},
		{name: "the read finished", finished: true, open: func(wait waitFunc) func(context.Context, destinations.Reader) (destinations.Reader, error) {
			return func(ctx context.Context, r destinations.Reader) (destinations.Reader, error) {
				return readerAt{r, func(p []byte, off int64) (int, error) {
					n, err := r.ReadAt(p, off)
					if off+int64(n) == r.Size() {
						wait(ctx) // every byte came; then the cancel
					}
					return n, err
				}}, nil
			}
		}},
	} {
		for _, at := range []int{1, 2} { // the middle backup of three, the last
			t.Run(fmt.Sprintf("%s, backup %d of 3", tc.name, at+1), func(t *testing.T) {
				f := newFixture(t, 3)
				memo, err := f.store.Memo(f.dest.Spec())
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				waiting := make(chan struct{})
				wait := func(ctx context.Context) {
					select {
					case waiting <- struct{}{}:
					case <-ctx.Done(): // told already
					}
					<-ctx.Done()
				}
				type outcome struct {
					rep *check.Report
					err error
				}
				out := make(chan outcome, 1)
				dest := stoppedRead{Folder: f.dest, name: f.names[at], open: tc.open(wait)}
				go func() {
					rep, err := check.Run(ctx, dest, check.Options{Memo: memo, Verify: startsGood})
					out <- outcome{rep, err}
				}()
				<-waiting
				cancel()
				got := <-out
				// Every read finished: the check is whole, cancelled after.
				whole := tc.finished && at == len(f.names)-1
				switch {
				case whole:
					if got.err != nil || got.rep == nil || got.rep.Count(check.Verified) != 3 {
						t.Errorf("check = %v, %v; want every backup verified", got.rep, got.err)
					}
				case !errors.Is(got.err, context.Canceled) || errors.Is(got.err, check.ErrFailed) || errors.Is(got.err, check.ErrUnreadable):
					t.Errorf("check = %v; want the context's error, neither ErrFailed nor ErrUnreadable", got.err)
				case got.rep != nil:
					t.Errorf("check reported %+v; want no report", got.rep.Results)
				}
				if err := f.store.Save(memo); err != nil {
					t.Fatal(err)
				}
				memo, err = f.store.Memo(f.dest.Spec())
				if err != nil {
					t.Fatal(err)
				}
				if failed := memo.Failed(); len(failed) != 0 {
					t.Errorf("recorded as failed: %+v", failed)
				}
				var verified, unread []string
				for i, name := range f.names {
					if i < at || i == at && tc.finished {
						verified = append(verified, name)
					} else {
						unread = append(unread, name)
					}
					if memo.VerifiedOK(name) != slices.Contains(verified, name) {
						t.Errorf("%s recorded as verified: %v; want %v", name, memo.VerifiedOK(name), !memo.VerifiedOK(name))
					}
				}
				if wantRuns := map[bool]int{true: 1}[whole]; memo.Runs() != wantRuns {
					t.Errorf("checks counted: %d; want %d (an interrupted one does not move a rotation on)", memo.Runs(), wantRuns)
				}
				// The next check reads what was not read to the end, and all verify.
				rep, err := f.run(t, check.Options{})
				if err != nil || !slices.Equal(readNames(rep), unread) || rep.Count(check.Verified) != len(unread) {
					t.Errorf("the next check: read %v, %d verified (%v); want %v read and verified", readNames(rep), rep.Count(check.Verified), err, unread)
				}
			})
		}
	}
}
