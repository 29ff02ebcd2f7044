package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/disktest"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// usbStick mounts a real ext4 file system on a loop device and describes
// that device to the drive detector as a partition of a removable USB
// disk, as sysfs and udev do for a plugged-in stick. The mount table and
// statfs are the machine's own. It needs root, losetup and mkfs.ext4
// (disktest.MountExt4).
func usbStick(t *testing.T, label string, size int64) (mnt string, det *local.Detector) {
	t.Helper()
	stick := disktest.MountExt4(t, disktest.Ext4{Size: size, Label: label, MountPoint: filepath.Join(t.TempDir(), "media", label)})
	mnt, loop := stick.Dir, stick.Device

	var st unix.Stat_t
	if err := unix.Stat(loop, &st); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	disk := "sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/host7/target7:0:0/7:0:0:0/block/sdz"
	files := map[string]string{
		disk + "/removable":         "1\n",
		disk + "/sdz1/partition":    "1\n",
		disk + "/device/type":       "0\n",
		"run/udev/data/placeholder": "",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		fmt.Sprintf("sys/dev/block/%d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev)): "../../" + strings.TrimPrefix(disk, "sys/") + "/sdz1",
		"dev/disk/by-label/" + label: "../../sdz1",
	}
	for link, target := range links {
		p := filepath.Join(root, link)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return mnt, &local.Detector{SysRoot: root, DevRoot: root, RunRoot: root, MountRoots: []string{}}
}

// TestCreateToUSBStick: `create --dest usb` finds the one stick, writes
// the backup into cake_wallet_backups/ on it, and it verifies and restores.
func TestCreateToUSBStick(t *testing.T) {
	t.Parallel()
	mnt, det := usbStick(t, "CAKEUSB", 64<<20)
	c := newCLI(t)
	c.drives = det
	pwFile := writePasswordFile(t, "a strong enough password for the stick")

	var dests struct{ Destinations []destinations.Place }
	if err := json.Unmarshal([]byte(c.mustRun("dests", "--json")), &dests); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range dests.Destinations {
		found = found || (d.Spec == "usb:CAKEUSB" && d.Path == mnt && d.Free != nil && *d.Free > 0)
	}
	if !found {
		t.Fatalf("dests = %+v, want usb:CAKEUSB at %s", dests, mnt)
	}

	var res job.CreatedResult
	out := c.mustRun("create", "--source", sampleWallets, "--dest", "usb", "--password-file", pwFile, "--json")
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(mnt, local.BackupFolder, res.Name)
	if res.Location != want {
		t.Fatalf("backup at %s, want %s", res.Location, want)
	}
	fi, err := os.Stat(want)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup on the stick: %v, mode %v", err, fi.Mode())
	}
	c.mustRun("verify", want, "--password-file", pwFile)
	to := filepath.Join(t.TempDir(), "restored")
	c.mustRun("restore", "usb:CAKEUSB/"+res.Name, "--to", to, "--password-file", pwFile)
	if got, want := readTree(t, to), readTree(t, sampleWallets); len(got) != len(want) {
		t.Fatalf("restored %d files, want %d", len(got), len(want))
	}
}

// TestCreateToFullUSBStick: a stick with too little room ends in one line,
// exit 1, and leaves the stick as it was.
func TestCreateToFullUSBStick(t *testing.T) {
	t.Parallel()
	mnt, det := usbStick(t, "FULLUSB", 16<<20)
	c := newCLI(t)
	c.drives = det
	pwFile := writePasswordFile(t, "a strong enough password for the stick")

	// Wallet data larger than the stick's free space.
	src := bigWalletSource(t)
	if err := os.WriteFile(filepath.Join(mnt, "holiday.jpg"), []byte("the owner's own file"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, mnt)

	code := c.run("create", "--source", src, "--dest", "usb:FULLUSB", "--password-file", pwFile)
	stderr := c.stderr.String()
	if code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitFailure, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "cakebackup: ") || !strings.Contains(last, "space") {
		t.Errorf("error line %q, want one line about space", last)
	}
	after := readTree(t, mnt)
	if len(after) != len(before) || string(after["holiday.jpg"]) != "the owner's own file" {
		t.Errorf("the stick changed: before %d files, after %d", len(before), len(after))
	}
}

// TestScheduleToUSBStick: a scheduled job backs up to the stick when due,
// unattended, and prunes its older backup there after the new one verified.
func TestScheduleToUSBStick(t *testing.T) {
	t.Parallel()
	mnt, det := usbStick(t, "NIGHTLY", 64<<20)
	s := newScheduleCLI(t)
	s.drives = det
	s.mustRun("schedule", "add", "nightly", "--source", sampleWallets, "--dest", "usb:NIGHTLY",
		"--every", "24h", "--keep-last", "1", "--password-file", s.pw)
	folder := filepath.Join(mnt, local.BackupFolder)
	var made []string
	for range 2 {
		s.mustRun("schedule", "run", "--config", s.config, "--job", "nightly", "--once")
		js, err := s.state(t).Job("nightly")
		if err != nil {
			t.Fatal(err)
		}
		if js.LastResult != schedule.ResultOK || filepath.Dir(js.LastBackup) != folder {
			t.Fatalf("state %+v, want a good backup in %s; stderr %s", js, folder, s.stderr.String())
		}
		made = append(made, filepath.Base(js.LastBackup))
		s.pretendLastRunWas(t, "nightly", 25*time.Hour)
		nextSecond() // backup names have one-second resolution
	}
	ents, err := os.ReadDir(folder)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != made[1] {
		t.Fatalf("stick holds %v, want only the newest backup %s", ents, made[1])
	}
	s.mustRun("verify", filepath.Join(folder, made[1]), "--password-file", s.pw)
}
