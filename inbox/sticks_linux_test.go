package inbox_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
	"golang.org/x/sys/unix"
)

// The two sticks of sticks, A and B.
const (
	stickA = 0
	stickB = 1
	none   = -1
)

// stick is a USB stick: its file system's UUID and label.
type stick struct{ uuid, label string }

// sticks is a machine where two sticks are taken in turns, as the
// detector sees them through a mount table and udev's by-label and
// by-uuid links under a temporary root. A stick's files are in a folder
// of its own while it is unplugged, and at its mount point (named for
// its label, as desktops do) while it is plugged in.
type sticks struct {
	root    string
	all     [2]stick
	plugged int // the stick plugged in; none for none
	// byUUID is whether udev gives UUIDs (dev/disk/by-uuid).
	byUUID bool
	det    local.Detector
}

// sameLabel are two sticks labelled alike, which the desktop mounts at
// the same mount point, told apart by their file systems' UUIDs alone.
var sameLabel = [2]stick{{"4A1C-9F02", "WALLETS"}, {"64E3-1A2B", "WALLETS"}}

// ownLabels are two sticks labelled apart.
var ownLabels = [2]stick{{"4A1C-9F02", "WALLETS-A"}, {"64E3-1A2B", "WALLETS-B"}}

func newSticks(t *testing.T, all [2]stick, byUUID bool) *sticks {
	t.Helper()
	root := t.TempDir()
	s := &sticks{root: root, all: all, plugged: none, byUUID: byUUID}
	for _, dir := range []string{filepath.Join(root, "media", "ana"), filepath.Join(root, "proc", "self"), s.away(stickA), s.away(stickB)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s.det = local.Detector{ProcRoot: root, SysRoot: root, DevRoot: root, RunRoot: root, MountRoots: []string{filepath.Join(root, "media")},
		Space: func(string) (int64, int64, error) { return 8 << 30, 4 << 30, nil }}
	s.plug(t, none)
	return s
}

// away is where stick i's files are while it is unplugged; mnt where
// they are while it is plugged in.
func (s *sticks) away(i int) string { return filepath.Join(s.root, "sticks", fmt.Sprint(i)) }
func (s *sticks) mnt(i int) string  { return filepath.Join(s.root, "media", "ana", s.all[i].label) }

// plug unplugs the stick plugged in, if any, and plugs in stick i (none
// for none), as the kernel and udev would show it: mounted from
// /dev/sdb1, with a by-label and (with byUUID) a by-uuid link to that.
func (s *sticks) plug(t *testing.T, i int) {
	t.Helper()
	if s.plugged != none {
		if err := os.Rename(s.mnt(s.plugged), s.away(s.plugged)); err != nil {
			t.Fatal(err)
		}
	}
	s.plugged = i
	mountinfo := "28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n"
	disks := filepath.Join(s.root, "dev", "disk")
	if err := os.RemoveAll(disks); err != nil {
		t.Fatal(err)
	}
	if i != none {
		if err := os.Rename(s.away(i), s.mnt(i)); err != nil {
			t.Fatal(err)
		}
		mountinfo += fmt.Sprintf("700 28 8:17 / %s rw,relatime - vfat /dev/sdb1 rw\n", s.mnt(i))
		links := []string{"by-label/" + s.all[i].label}
		if s.byUUID {
			links = append(links, "by-uuid/"+s.all[i].uuid)
		}
		for _, link := range links {
			path := filepath.Join(disks, link)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("../../sdb1", path); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(s.root, "proc", "self", "mountinfo"), []byte(mountinfo), 0o600); err != nil {
		t.Fatal(err)
	}
}

// backups is the folder where stick i holds its backups now.
func (s *sticks) backups(i int) string {
	if i == s.plugged {
		return filepath.Join(s.mnt(i), local.BackupFolder)
	}
	return filepath.Join(s.away(i), local.BackupFolder)
}

// inbox returns an Inbox over f shipping to "usb" on s.
func (s *sticks) inbox(f *fixture) *inbox.Inbox {
	r := destinations.NewRegistry()
	local.Register(r, func(string) string { return "" }, s.det, nil)
	return &inbox.Inbox{Dir: f.dir, Dests: []string{"usb"}, Open: r.Open, State: f.state, Settle: 100 * time.Millisecond}
}

// shippedNothing fails the test when rep sent a file anywhere (a copy
// found already there counts: the export was sent again).
func shippedNothing(t *testing.T, rep *inbox.Report) {
	t.Helper()
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files {
		if f.Sent != nil || f.Status == inbox.Shipped {
			t.Fatalf("%s was sent again (%v)", filepath.Base(f.Path), f.Status)
		}
	}
}

// onceOK is once, failing the test on any failure of the pass.
func onceOK(t *testing.T, in *inbox.Inbox) *inbox.Report {
	t.Helper()
	rep := once(t, in)
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRotatedSticks: with --dest usb, each stick taken in turns is a
// destination of its own, across restarts (each Once reads the state
// file afresh): an export shipped to stick A is shipped to stick B when
// B is plugged in instead, is not shipped again to A when A is back, and
// retention at each stick counts and prunes that stick's copies alone.
// With no stick plugged in, exports shipped before are not tried again.
// Sticks labelled alike are told apart by their UUIDs; where udev gives
// no UUID, sticks labelled apart by their labels.
func TestRotatedSticks(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		all    [2]stick
		byUUID bool
	}{
		{"one label, told apart by UUID", sameLabel, true},
		{"labels of their own, no UUIDs", ownLabels, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			s := newSticks(t, tt.all, tt.byUUID)
			in := s.inbox(f)
			first, second := snapshot(t, 0), snapshot(t, 1)
			f.drop(t, "export-0", first)

			s.plug(t, stickA)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickA), first)

			s.plug(t, stickB)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickB), first)
			holdsOnly(t, s.backups(stickA), first)

			s.plug(t, stickA)
			shippedNothing(t, onceOK(t, in))
			holdsOnly(t, s.backups(stickA), first)

			// Retention keeps one copy per stick: the newer export pushes
			// the older out of A, and B keeps its copy until it gets the
			// newer too.
			in.Retention = schedule.Retention{KeepLast: 1}
			f.drop(t, "export-1", second)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickA), second)
			holdsOnly(t, s.backups(stickB), first)

			s.plug(t, stickB)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickB), second)
			holdsOnly(t, s.backups(stickA), second)

			// The export retention pruned at A, still in the folder, is
			// not shipped to A again.
			s.plug(t, stickA)
			shippedNothing(t, onceOK(t, in))
			holdsOnly(t, s.backups(stickA), second)

			s.plug(t, none)
			shippedNothing(t, onceOK(t, in))
		})
	}
}

// TestSticksInAnOlderStateFile: a state file from before sticks were
// told apart records what "usb" holds without saying which stick. The
// first run after the upgrade ships nothing again to the stick that
// holds those copies, whichever stick it meets first, ships them to the
// other, and retention at the stick that holds them still counts them as
// the copies it shipped.
func TestSticksInAnOlderStateFile(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		turns []int // the sticks plugged in, one run each, after the upgrade
	}{
		{"the stick that holds them first", []int{stickA, stickB}},
		{"the other stick first", []int{stickB, stickA}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			s := newSticks(t, sameLabel, true)
			in := s.inbox(f)
			exports := [][]byte{snapshot(t, 0), snapshot(t, 1)}
			for i, e := range exports {
				f.drop(t, fmt.Sprint("export-", i), e)
			}
			s.plug(t, stickA)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickA), exports...)
			asOlderStateFile(t, f.state)

			for _, i := range tt.turns {
				s.plug(t, i)
				rep := onceOK(t, in)
				if i == stickA {
					shippedNothing(t, rep)
				}
				holdsOnly(t, s.backups(i), exports...)
			}

			// The copies on A are the inbox's: retention prunes them.
			s.plug(t, stickA)
			in.Retention = schedule.Retention{KeepLast: 1}
			newest := snapshot(t, 2)
			f.drop(t, "export-2", newest)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickA), newest)
		})
	}
}

// TestPrunedInAnOlderStateFile: an export an older state file records as
// pruned at "usb" (gone from the stick that had it; which one, it does
// not say) is not shipped again to any stick, as before the upgrade;
// the export it kept is shipped to the other stick.
func TestPrunedInAnOlderStateFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := newSticks(t, sameLabel, true)
	in := s.inbox(f)
	in.Retention = schedule.Retention{KeepLast: 1}
	older, newer := snapshot(t, 0), snapshot(t, 1)
	s.plug(t, stickA)
	f.drop(t, "export-0", older)
	onceOK(t, in)
	f.drop(t, "export-1", newer)
	onceOK(t, in)
	holdsOnly(t, s.backups(stickA), newer)
	asOlderStateFile(t, f.state)

	s.plug(t, stickB)
	rep := onceOK(t, in)
	if st, _ := status(rep, "export-0"); st == inbox.Shipped {
		t.Error("the export pruned before the upgrade was shipped to the other stick")
	}
	holdsOnly(t, s.backups(stickB), newer)
	s.plug(t, stickA)
	shippedNothing(t, onceOK(t, in))
	holdsOnly(t, s.backups(stickA), newer)
}

// asOlderStateFile rewrites the state file at path as versions before
// sticks were told apart wrote it: what a stick holds, and the retention
// it owes, under "usb" alone.
func asOlderStateFile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	var dests map[string]json.RawMessage
	if err := json.Unmarshal(st["dests"], &dests); err != nil {
		t.Fatal(err)
	}
	copies, ok := dests["usb on uuid:"+sameLabel[stickA].uuid]
	if len(dests) != 1 || !ok {
		t.Fatalf("the state file records %s, want what usb on stick A holds", st["dests"])
	}
	st["dests"], err = json.Marshal(map[string]json.RawMessage{"usb": copies})
	if err != nil {
		t.Fatal(err)
	}
	if raw, ok := st["retention_owed"]; ok {
		var owed map[string]json.RawMessage
		if err := json.Unmarshal(raw, &owed); err != nil {
			t.Fatal(err)
		}
		o, ok := owed["usb on uuid:"+sameLabel[stickA].uuid]
		if len(owed) != 1 || !ok {
			t.Fatalf("the state file owes %s, want retention on stick A alone", raw)
		}
		if st["retention_owed"], err = json.Marshal(map[string]json.RawMessage{"usb": o}); err != nil {
			t.Fatal(err)
		}
	}
	if b, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRetentionOwedPerStick: retention that failed on stick A is owed on
// A alone. A pass that ships to stick B and prunes there does not pay
// it: once A is back, after the backoff, A's older copy goes, though A
// gets no new export. The delete fails for real: A's older copy is made
// immutable (a file nobody may remove, root included). Every log line
// about the destination says which stick, by its label and UUID.
func TestRetentionOwedPerStick(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := newSticks(t, sameLabel, true)
	in, now := keepOneOnAClock(s, f)
	var log bytes.Buffer
	in.Log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	keyA := "usb on uuid:" + sameLabel[stickA].uuid
	older, newer := failOnA(t, f, s, in, stickA, stickB)
	if o := owedState(t, f.state); len(o) != 1 || o[keyA].Tries != 1 {
		t.Fatalf("state owes %+v, want one failed try on stick A alone", o)
	}

	s.plug(t, stickB)
	if rep := onceOK(t, in); len(rep.Pruned) != 1 {
		t.Fatalf("pruned %v on stick B, want its older copy", rep.Pruned)
	}
	holdsOnly(t, s.backups(stickB), newer)
	if o := owedState(t, f.state); len(o) != 1 || o[keyA].Tries != 1 {
		t.Fatalf("after B's retention the state owes %+v, want stick A's failed try still", o)
	}

	s.plug(t, stickA)
	paidOnA(t, f, s, in, now, newer)
	// Each line about the destination says which stick.
	onA, onB := "usb on WALLETS (UUID "+sameLabel[stickA].uuid+")", "usb on WALLETS (UUID "+sameLabel[stickB].uuid+")"
	shipped := func(name, on string) string {
		return fmt.Sprintf(`level=INFO msg=shipped file=%s size=%d dests="%s verified as %s" result=ok`, name, len(older), on, name)
	}
	want := strings.Join([]string{
		shipped("export-0", onA),
		shipped("export-0", onB),
		shipped("export-1", onA),
		fmt.Sprintf(`level=ERROR msg="retention failed; it is tried again" dest="%s" next=2026-12-03T04:01:00Z error="retention at usb: delete export-0: deleting %s: no permission to write there (operation not permitted)"`,
			onA, filepath.Join(s.mnt(stickA), local.BackupFolder, "export-0")),
		shipped("export-1", onB),
		`level=INFO msg=pruned dest="` + onB + `" name=export-0`,
		`level=INFO msg=pruned dest="` + onA + `" name=export-0`,
		`level=INFO msg="retention done" dest="` + onA + `" owed_since=2026-12-03T04:00:00Z`,
	}, "\n") + "\n"
	if log.String() != want {
		t.Errorf("the log says\n%s\nwant\n%s", log.String(), want)
	}
}

// TestRetentionOwedInAnOlderStateFile: retention an older state file
// owes at "usb" (which stick, it does not say) is tried at the stick a
// pass finds, once its backoff has passed, and is paid there.
func TestRetentionOwedInAnOlderStateFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := newSticks(t, sameLabel, true)
	in, now := keepOneOnAClock(s, f)
	_, newer := failOnA(t, f, s, in, stickA)
	asOlderStateFile(t, f.state)
	if o := owedState(t, f.state); len(o) != 1 || o["usb"].Tries != 1 {
		t.Fatalf("the older state file owes %+v, want one failed try at usb", o)
	}

	paidOnA(t, f, s, in, now, newer)
}

// keepOneOnAClock is s's inbox over f keeping one copy per stick, on a
// clock that stands at 2026-12-03 04:00 UTC until the test moves *now.
func keepOneOnAClock(s *sticks, f *fixture) (*inbox.Inbox, *time.Time) {
	in := s.inbox(f)
	in.Retention = schedule.Retention{KeepLast: 1}
	now := time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC)
	inbox.SetClock(in, func() time.Time { return now })
	return in, &now
}

// failOnA ships export-0 (older) to each of the sticks first in turn,
// then export-1 (newer) to stick A, where retention fails for real: A's
// export-0 is made immutable. It checks the pass says so and A holds
// both.
func failOnA(t *testing.T, f *fixture, s *sticks, in *inbox.Inbox, first ...int) (older, newer []byte) {
	t.Helper()
	older, newer = snapshot(t, 0), snapshot(t, 1)
	f.drop(t, "export-0", older)
	for _, i := range first {
		s.plug(t, i)
		onceOK(t, in)
		holdsOnly(t, s.backups(i), older)
	}
	s.plug(t, stickA)
	unremovable(t, filepath.Join(s.backups(stickA), "export-0"))
	f.drop(t, "export-1", newer)
	if err := once(t, in).Err(); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("pass error %v, want the delete refused", err)
	}
	holdsOnly(t, s.backups(stickA), older, newer)
	return older, newer
}

// paidOnA lets stick A, plugged in, remove its export-0 again, moves
// the clock past the first backoff, and checks that a pass ships nothing
// and prunes that copy: A holds newer alone, and nothing is owed at any
// stick.
func paidOnA(t *testing.T, f *fixture, s *sticks, in *inbox.Inbox, now *time.Time, newer []byte) {
	t.Helper()
	removable(t, filepath.Join(s.backups(stickA), "export-0"))
	*now = now.Add(time.Minute)
	rep := onceOK(t, in)
	shippedNothing(t, rep)
	if len(rep.Pruned) != 1 {
		t.Fatalf("pruned %v on stick A, want its older copy", rep.Pruned)
	}
	holdsOnly(t, s.backups(stickA), newer)
	if o := owedState(t, f.state); len(o) != 0 {
		t.Fatalf("state owes %+v after A's retention, want nothing", o)
	}
}

// fsImmutable is FS_IMMUTABLE_FL (linux/fs.h): a file with it set cannot
// be removed, renamed or written, by root either.
const fsImmutable = 0x10

// unremovable makes the file at path immutable, and removable again
// when the test ends; it skips the test where that is not permitted (no
// CAP_LINUX_IMMUTABLE, or a file system without the flag).
func unremovable(t *testing.T, path string) {
	t.Helper()
	if err := setImmutable(path, true); err != nil {
		t.Skipf("cannot make %s immutable here: %v", path, err)
	}
	t.Cleanup(func() { _ = setImmutable(path, false) })
}

// removable makes the file at path, immutable, removable again.
func removable(t *testing.T, path string) {
	t.Helper()
	if err := setImmutable(path, false); err != nil {
		t.Fatal(err)
	}
}

func setImmutable(path string, on bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return err
	}
	if on {
		flags |= fsImmutable
	} else {
		flags &^= fsImmutable
	}
	return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags))
}
