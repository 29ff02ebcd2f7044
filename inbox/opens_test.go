package inbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// countedFolder is a folder destination that counts its Close calls.
type countedFolder struct {
	*local.Folder
	spec string
	c    *opens
}

func (f countedFolder) Close() error {
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	f.c.closed[f.spec]++
	return f.Folder.Close()
}

// opens counts, per spec, the destinations opened and closed.
type opens struct {
	mu             sync.Mutex
	opened, closed map[string]int
}

// opener is opener() counting opens and closes.
func (c *opens) opener() func(context.Context, string) (destinations.Destination, error) {
	open := opener()
	return func(ctx context.Context, spec string) (destinations.Destination, error) {
		d, err := open(ctx, spec)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.opened[spec]++
		return countedFolder{d.(*local.Folder), spec, c}, nil
	}
}

// counts returns the opens and closes of spec so far.
func (c *opens) counts(spec string) (opened, closed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opened[spec], c.closed[spec]
}

// TestEachDestinationOpenedOnceAtStart: CheckDests (as watch runs it
// first) opens each destination, and the pass that ships the export
// waiting in the folder (after it settled) and applies retention uses
// that one: each destination is opened once (a Proton Drive login, a
// question which drive), and closed once the pass is done. A later
// export opens it again, once; a pass refused (the folder busy) or a
// refused destination list closes them at once.
func TestEachDestinationOpenedOnceAtStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b := t.TempDir(), t.TempDir()
	first := snapshot(t, 0)
	f.drop(t, "cake_wallet_backup_first", first)
	c := &opens{opened: map[string]int{}, closed: map[string]int{}}
	in := f.inbox(a, b)
	in.Open = c.opener()
	in.Retention = schedule.Retention{KeepLast: 1}
	if err := in.CheckDests(t.Context()); err != nil {
		t.Fatal(err)
	}
	rep := once(t, in)
	if s, _ := status(rep, "cake_wallet_backup_first"); s != inbox.Shipped {
		t.Fatalf("status %v (%v), want shipped", s, rep.Err())
	}
	for _, spec := range in.Dests {
		if opened, closed := c.counts(spec); opened != 1 || closed != 1 {
			t.Errorf("%s opened %d times, closed %d, want once each", spec, opened, closed)
		}
	}
	holdsOnly(t, a, first)
	holdsOnly(t, b, first)

	second := snapshot(t, 1)
	f.drop(t, "cake_wallet_backup_second", second)
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	for _, spec := range in.Dests {
		if opened, closed := c.counts(spec); opened != 2 || closed != 2 {
			t.Errorf("after a second export %s opened %d times, closed %d, want twice each", spec, opened, closed)
		}
	}
	holdsOnly(t, a, second)

	// Another process ships from the folder: the pass is refused, and
	// what CheckDests opened is closed.
	lock, err := schedule.LockFile(f.state + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	busy := f.inbox(a, b)
	busy.Open = c.opener()
	if err := busy.CheckDests(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := busy.Once(t.Context()); !errors.Is(err, inbox.ErrBusy) {
		t.Fatalf("Once while the folder is locked: %v, want ErrBusy", err)
	}
	lock.Release()
	for _, spec := range busy.Dests {
		if opened, closed := c.counts(spec); opened != 3 || closed != 3 {
			t.Errorf("refused as busy, %s opened %d times, closed %d, want 3 each", spec, opened, closed)
		}
	}

	// The same folder twice: refused, and closed.
	twice := f.inbox(a, a+"/.")
	twice.Open = c.opener()
	if err := twice.CheckDests(t.Context()); err == nil {
		t.Fatal("CheckDests took one folder twice")
	}
	for _, spec := range twice.Dests {
		if opened, closed := c.counts(spec); opened != closed {
			t.Errorf("%s opened %d times, closed %d", spec, opened, closed)
		}
	}
}
