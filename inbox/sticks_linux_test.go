package inbox_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// The two sticks of sticks, by their file systems' UUIDs.
const (
	stickA = "4A1C-9F02"
	stickB = "64E3-1A2B"
)

// sticks is a machine where two sticks are taken in turns: both labelled
// WALLETS, so the desktop mounts each at the same mount point, told apart
// by their file systems' UUIDs alone, as the detector sees them through a
// mount table and udev's by-label and by-uuid links under a temporary
// root. A stick's files are in a folder of its own while it is
// unplugged, and at the mount point while it is plugged in.
type sticks struct {
	root, mnt string
	plugged   string // the UUID of the stick plugged in; "" for none
	det       local.Detector
}

func newSticks(t *testing.T) *sticks {
	t.Helper()
	root := t.TempDir()
	s := &sticks{root: root, mnt: filepath.Join(root, "media", "ana", "WALLETS")}
	for _, dir := range []string{filepath.Dir(s.mnt), filepath.Join(root, "proc", "self"), filepath.Join(root, "sticks", stickA), filepath.Join(root, "sticks", stickB)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s.det = local.Detector{ProcRoot: root, SysRoot: root, DevRoot: root, RunRoot: root, MountRoots: []string{filepath.Join(root, "media")},
		Space: func(string) (int64, int64, error) { return 8 << 30, 4 << 30, nil }}
	s.plug(t, "")
	return s
}

// plug unplugs the stick plugged in, if any, and plugs in the stick
// uuid ("" for none), as the kernel and udev would show it: mounted from
// /dev/sdb1, with a by-label and a by-uuid link to that.
func (s *sticks) plug(t *testing.T, uuid string) {
	t.Helper()
	if s.plugged != "" {
		if err := os.Rename(s.mnt, filepath.Join(s.root, "sticks", s.plugged)); err != nil {
			t.Fatal(err)
		}
	}
	s.plugged = uuid
	mountinfo := "28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n"
	disks := filepath.Join(s.root, "dev", "disk")
	if err := os.RemoveAll(disks); err != nil {
		t.Fatal(err)
	}
	if uuid != "" {
		if err := os.Rename(filepath.Join(s.root, "sticks", uuid), s.mnt); err != nil {
			t.Fatal(err)
		}
		mountinfo += fmt.Sprintf("700 28 8:17 / %s rw,relatime - vfat /dev/sdb1 rw\n", s.mnt)
		for _, link := range []string{"by-label/WALLETS", "by-uuid/" + uuid} {
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

// backups is the folder where stick uuid holds its backups now.
func (s *sticks) backups(uuid string) string {
	if uuid == s.plugged {
		return filepath.Join(s.mnt, local.BackupFolder)
	}
	return filepath.Join(s.root, "sticks", uuid, local.BackupFolder)
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
func TestRotatedSticks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := newSticks(t)
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

	// Retention keeps one copy per stick: the newer export pushes the
	// older out of A, and B keeps its copy until it gets the newer too.
	in.Retention = schedule.Retention{KeepLast: 1}
	f.drop(t, "export-1", second)
	onceOK(t, in)
	holdsOnly(t, s.backups(stickA), second)
	holdsOnly(t, s.backups(stickB), first)

	s.plug(t, stickB)
	onceOK(t, in)
	holdsOnly(t, s.backups(stickB), second)
	holdsOnly(t, s.backups(stickA), second)

	// The export retention pruned at A, still in the folder, is not
	// shipped to A again.
	s.plug(t, stickA)
	shippedNothing(t, onceOK(t, in))
	holdsOnly(t, s.backups(stickA), second)

	s.plug(t, "")
	shippedNothing(t, onceOK(t, in))
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
		turns []string // the sticks plugged in, one run each, after the upgrade
	}{
		{"the stick that holds them first", []string{stickA, stickB}},
		{"the other stick first", []string{stickB, stickA}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			s := newSticks(t)
			in := s.inbox(f)
			exports := [][]byte{snapshot(t, 0), snapshot(t, 1)}
			for i, e := range exports {
				f.drop(t, fmt.Sprint("export-", i), e)
			}
			s.plug(t, stickA)
			onceOK(t, in)
			holdsOnly(t, s.backups(stickA), exports...)
			asOlderStateFile(t, f.state)

			for _, stick := range tt.turns {
				s.plug(t, stick)
				rep := onceOK(t, in)
				if stick == stickA {
					shippedNothing(t, rep)
				}
				holdsOnly(t, s.backups(stick), exports...)
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

// asOlderStateFile rewrites the state file at path as versions before
// sticks were told apart wrote it: what a stick holds under "usb" alone.
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
	copies, ok := dests["usb on uuid:"+stickA]
	if len(dests) != 1 || !ok {
		t.Fatalf("the state file records %s, want what usb on stick A holds", st["dests"])
	}
	st["dests"], err = json.Marshal(map[string]json.RawMessage{"usb": copies})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
