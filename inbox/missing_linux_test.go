package inbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
)

// cloned are two sticks one was dd-copied from the other: one file
// system, so one UUID and one label.
var cloned = [2]stick{{"4A1C-9F02", "WALLETS"}, {"4A1C-9F02", "WALLETS"}}

// at is where stick i's files are now: at its mount point while it is
// plugged in, else away.
func (s *sticks) at(i int) string {
	if i == s.plugged {
		return s.mnt(i)
	}
	return s.away(i)
}

// clone makes stick to, unplugged, a byte for byte copy of stick from,
// as dd makes one: every file of from, at the same name.
func (s *sticks) clone(t *testing.T, from, to int) {
	t.Helper()
	if err := os.RemoveAll(s.at(to)); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(s.at(to), os.DirFS(s.at(from))); err != nil {
		t.Fatal(err)
	}
}

// textLog is a logger writing to buf without times, as the tests read it.
func textLog(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
}

// shippedOnly fails the test unless rep shipped the files named, and
// sent nothing else anywhere.
func shippedOnly(t *testing.T, rep *inbox.Report, names ...string) {
	t.Helper()
	for _, name := range names {
		if s, ok := status(rep, name); !ok || s != inbox.Shipped {
			t.Errorf("%s: status %v (listed %v), want shipped", name, s, ok)
		}
	}
	for _, f := range rep.Files {
		if (f.Sent != nil || f.Status == inbox.Shipped) && !slices.Contains(names, filepath.Base(f.Path)) {
			t.Errorf("%s was sent again (%v)", filepath.Base(f.Path), f.Status)
		}
	}
}

// TestClonedSticks: two sticks cloned with dd share one UUID and label,
// so the state file cannot tell them apart. An export shipped to one of
// them after the cloning is shipped to the other when it is plugged in,
// as the stick found lacks it, and neither gets again what it holds.
func TestClonedSticks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := newSticks(t, cloned, true)
	in := s.inbox(f)
	first, second := snapshot(t, 0), snapshot(t, 1)
	f.drop(t, "export-0", first)
	s.plug(t, stickA)
	onceOK(t, in)
	holdsOnly(t, s.backups(stickA), first)

	s.plug(t, none)
	s.clone(t, stickA, stickB)
	holdsOnly(t, s.backups(stickB), first)

	f.drop(t, "export-1", second)
	s.plug(t, stickA)
	shippedOnly(t, onceOK(t, in), "export-1")
	holdsOnly(t, s.backups(stickA), first, second)

	s.plug(t, stickB)
	shippedOnly(t, onceOK(t, in), "export-1")
	holdsOnly(t, s.backups(stickB), first, second)

	s.plug(t, stickA)
	shippedNothing(t, onceOK(t, in))
	holdsOnly(t, s.backups(stickA), first, second)
	s.plug(t, stickB)
	shippedNothing(t, onceOK(t, in))
	holdsOnly(t, s.backups(stickB), first, second)
}

// TestEmptiedStick: a stick that lost copies the state file says it got
// (reformatted keeping its label, where sticks are known by their label,
// or a copy deleted there by hand) gets again, when plugged in, each
// export still in the folder that it lacks, and the log says so once;
// what it still holds is not shipped again. Retention still counts the
// copies shipped again as its own.
func TestEmptiedStick(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		all    [2]stick
		byUUID bool
		// empty takes copies off stick A, unplugged.
		empty func(t *testing.T, s *sticks)
		// lacks are the copies it lost; the others are still there.
		lacks []string
	}{
		{"reformatted, known by its label", ownLabels, false, func(t *testing.T, s *sticks) {
			if err := os.RemoveAll(s.away(stickA)); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(s.away(stickA), 0o700); err != nil {
				t.Fatal(err)
			}
		}, []string{"export-0", "export-1"}},
		{"a copy deleted by hand", sameLabel, true, func(t *testing.T, s *sticks) {
			if err := os.Remove(filepath.Join(s.backups(stickA), "export-0")); err != nil {
				t.Fatal(err)
			}
		}, []string{"export-0"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			s := newSticks(t, tt.all, tt.byUUID)
			in := s.inbox(f)
			var log bytes.Buffer
			in.Log = textLog(&log)
			exports := [][]byte{snapshot(t, 0), snapshot(t, 1)}
			f.drop(t, "export-0", exports[0])
			f.drop(t, "export-1", exports[1])
			s.plug(t, stickA)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickA), exports...)

			s.plug(t, none)
			tt.empty(t, s)
			s.plug(t, stickA)
			log.Reset()
			shippedOnly(t, onceOK(t, in), tt.lacks...)
			holdsOnly(t, s.backups(stickA), exports...)
			line := `level=WARN msg="the stick lacks copies the state file says it got (emptied, reformatted, or a clone of another stick): the exports still in the folder are shipped to it again" dest="usb on ` +
				s.named(stickA) + `" copies=` + strings.Join(tt.lacks, ",") + "\n"
			if strings.Count(log.String(), "msg=\"the stick lacks") != 1 || !strings.Contains(log.String(), line) {
				t.Errorf("the log says\n%s\nwant the line\n%s", log.String(), line)
			}

			shippedNothing(t, onceOK(t, in))
			holdsOnly(t, s.backups(stickA), exports...)

			// The copies shipped again are the inbox's: retention prunes
			// them.
			in.Retention.KeepLast = 1
			newest := snapshot(t, 2)
			f.drop(t, "export-2", newest)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickA), newest)
		})
	}
}

// named is stick i as log lines name it.
func (s *sticks) named(i int) string {
	if s.byUUID {
		return s.all[i].label + " (UUID " + s.all[i].uuid + ")"
	}
	return s.all[i].label
}

// TestStickSwappedBeforeRetention: when, within one pass, a shipment
// fails and another stick is plugged in before retention runs, retention
// does not apply the first stick's records to the other stick: it is
// owed on the stick that got the new copy, and done there once that
// stick is back. The other stick is left as it was.
func TestStickSwappedBeforeRetention(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := newSticks(t, sameLabel, true)
	in, now := keepOneOnAClock(s, f)
	first, second := snapshot(t, 0), snapshot(t, 1)
	f.drop(t, "export-0", first)
	bothSticksHold(t, s, in, first)

	// export-1 goes to A; export?2, a name not every destination can
	// store, fails (the destination is closed, to be opened afresh);
	// stick B is plugged in instead of A before retention opens it.
	swapped, open := swapOnceAHoldsExport1(t, s, in)
	f.drop(t, "export-1", second)
	bad := f.drop(t, "export?2", snapshot(t, 2))
	err := once(t, in).Err()
	if !*swapped || !errors.Is(err, inbox.ErrStickSwapped) {
		t.Fatalf("pass error %v (swapped %v), want retention at A refused on B", err, *swapped)
	}
	holdsOnly(t, s.backups(stickB), first)
	holdsOnly(t, s.backups(stickA), first, second)
	keyA := "usb on uuid:" + sameLabel[stickA].uuid
	if o := owedState(t, f.state); len(o) != 1 || o[keyA].Tries != 1 {
		t.Fatalf("state owes %+v, want one failed try on stick A alone", o)
	}

	in.Open = open
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	s.plug(t, stickA)
	*now = now.Add(time.Minute)
	rep := onceOK(t, in)
	shippedNothing(t, rep)
	holdsOnly(t, s.backups(stickA), second)
	if o := owedState(t, f.state); len(o) != 0 {
		t.Fatalf("state owes %+v after A's retention, want nothing", o)
	}
}

// TestStickSwappedBetweenShipments: when, within one pass, stick A gets
// a copy, a shipment fails and stick B, plugged in instead, gets the
// next export, the retention A was due is owed on A (B's is done on B),
// and done once A is back.
func TestStickSwappedBetweenShipments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := newSticks(t, sameLabel, true)
	in, now := keepOneOnAClock(s, f)
	first, second, third := snapshot(t, 0), snapshot(t, 1), snapshot(t, 2)
	f.drop(t, "export-0", first)
	bothSticksHold(t, s, in, first)

	// export-1 goes to A; export-2?, a name not every destination can
	// store, fails (the destination is closed, to be opened afresh);
	// stick B is plugged in instead of A and gets export-3.
	swapped, open := swapOnceAHoldsExport1(t, s, in)
	f.drop(t, "export-1", second)
	bad := f.drop(t, "export-2?", appExport(t, "v3", 0))
	later := f.drop(t, "export-3", third)
	err := once(t, in).Err()
	if !*swapped || !errors.Is(err, inbox.ErrStickSwapped) {
		t.Fatalf("pass error %v (swapped %v), want retention at A owed", err, *swapped)
	}
	holdsOnly(t, s.backups(stickA), first, second)
	holdsOnly(t, s.backups(stickB), third)
	keyA := "usb on uuid:" + sameLabel[stickA].uuid
	if o := owedState(t, f.state); len(o) != 1 || o[keyA].Tries != 1 {
		t.Fatalf("state owes %+v, want one failed try on stick A alone", o)
	}

	in.Open = open
	for _, p := range []string{bad, later} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	s.plug(t, stickA)
	*now = now.Add(time.Minute)
	shippedNothing(t, onceOK(t, in))
	holdsOnly(t, s.backups(stickA), second)
	if o := owedState(t, f.state); len(o) != 0 {
		t.Fatalf("state owes %+v after A's retention, want nothing", o)
	}
}

// bothSticksHold ships the export in the folder to stick B, then to stick
// A, each alone plugged in, and checks each then holds it alone.
func bothSticksHold(t *testing.T, s *sticks, in *inbox.Inbox, export []byte) {
	t.Helper()
	for _, i := range []int{stickB, stickA} {
		s.plug(t, i)
		onceOK(t, in)
		holdsOnly(t, s.backups(i), export)
	}
}

// swapOnceAHoldsExport1 makes in's first opening of a destination once
// stick A holds export-1 find stick B plugged in instead; swapped reports
// whether that happened, and open is in.Open as it was.
func swapOnceAHoldsExport1(t *testing.T, s *sticks, in *inbox.Inbox) (
	swapped *bool, open func(context.Context, string) (destinations.Destination, error),
) {
	open, swapped = in.Open, new(bool)
	in.Open = func(ctx context.Context, spec string) (destinations.Destination, error) {
		if _, err := os.Stat(filepath.Join(s.backups(stickA), "export-1")); err == nil && !*swapped {
			*swapped = true
			s.plug(t, stickB)
		}
		return open(ctx, spec)
	}
	return swapped, open
}
