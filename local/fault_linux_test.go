package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
	"github.com/cakebackup/cakebackup/diskspace"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"golang.org/x/sys/unix"
)

// writeAll writes data in 32 KiB pieces, calling between(i) before piece
// i, and returns the first error.
func writeAll(p destinations.Pending, data []byte, between func(written int)) error {
	const piece = 32 << 10
	for off := 0; off < len(data); off += piece {
		if between != nil {
			between(off)
		}
		if _, err := p.Write(data[off:min(off+piece, len(data))]); err != nil {
			return err
		}
	}
	return nil
}

// fillUp writes to path until its file system is full.
func fillUp(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, unix.ENOSPC) {
				t.Fatalf("filling the drive: %v", err)
			}
			return
		}
	}
}

func TestFullDrive(t *testing.T) {
	tests := []struct {
		name      string
		tmpfsSize string
		drive     bool  // a DriveFolder (with its margin) rather than a Folder
		sizeHint  int64 // -1: unknown
		size      int
		fillAt    int    // another program fills the drive once this much is written; 0: never
		errWant   string // what the error says
	}{
		{name: "size known, folder", tmpfsSize: "256k", sizeHint: 512 << 10, size: 512 << 10, errWant: "not enough room in "},
		{name: "size unknown, folder", tmpfsSize: "256k", sizeHint: -1, size: 512 << 10, errWant: "the drive is full"},
		{name: "size known, margin too small", tmpfsSize: "2m", drive: true, sizeHint: 1 << 20, size: 1 << 20, errWant: "(plus 1.0 MiB to spare), the drive has"},
		{name: "filled by another program mid-write", tmpfsSize: "4m", drive: true, sizeHint: 1 << 20, size: 1 << 20, fillAt: 256 << 10, errWant: "the drive is full"},
		{name: "filled mid-write, written directly", tmpfsSize: "72m", sizeHint: directMin, size: directMin, fillAt: 2 * directBuffer, errWant: "the drive is full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			mnt := mountTmpfs(t, "size="+tt.tmpfsSize+",mode=0755")
			var d destinations.Destination
			if tt.drive {
				df, err := NewDrive(Drive{Label: "TINY", MountPoint: mnt, FSType: "tmpfs"}, "")
				if err != nil {
					t.Fatal(err)
				}
				d = df
			} else {
				f, err := NewFolder(mnt)
				if err != nil {
					t.Fatal(err)
				}
				d = f
			}
			destinationtest.Put(t, d, "older", wallettest.RandomBytes(t, 8<<10))
			before := snapshot(t, mnt)
			filler := filepath.Join(mnt, "filler")

			p, err := d.Create(ctx, "new", tt.sizeHint)
			if err == nil {
				defer p.Abort(ctx)
				if pf, ok := p.(*pendingFile); ok && (pf.direct != nil) != (tt.sizeHint >= directMin) {
					t.Fatalf("written directly: %v, for a size hint of %d", pf.direct != nil, tt.sizeHint)
				}
				data := wallettest.RandomBytes(t, tt.size)
				err = writeAll(p, data, func(written int) {
					if tt.fillAt > 0 && written == tt.fillAt {
						fillUp(t, filler)
					}
				})
				if err == nil {
					t.Fatal("the whole backup fit on a drive too small for it")
				}
				if _, cerr := p.Commit(ctx, destinationtest.SameBytes(data)); !errors.Is(cerr, destinations.ErrNoSpace) {
					t.Fatalf("Commit after a failed write = %v, want the write's error", cerr)
				}
			}
			if !errors.Is(err, destinations.ErrNoSpace) {
				t.Fatalf("error %v does not wrap ErrNoSpace", err)
			}
			if !strings.Contains(err.Error(), tt.errWant) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one line saying %q", err, tt.errWant)
			}
			os.Remove(filler)
			sameFiles(t, before, snapshot(t, mnt))
			if list, err := d.List(ctx); err != nil || len(list) != 1 || list[0].Name != "older" {
				t.Fatalf("List = %v, %v; want only the older backup", list, err)
			}
		})
	}
}

func TestReadOnlyDrive(t *testing.T) {
	ctx := context.Background()
	mnt := mountTmpfs(t, "size=4m,mode=0755")
	df, err := NewDrive(Drive{Label: "LOCKED", MountPoint: mnt, FSType: "tmpfs"}, "")
	if err != nil {
		t.Fatal(err)
	}
	destinationtest.Put(t, df, "older", wallettest.RandomBytes(t, 8<<10))
	remountReadOnly(t, mnt)
	before := snapshot(t, mnt)

	tests := []struct {
		name string
		do   func() error
	}{
		{"create backup", func() error {
			p, err := df.Create(ctx, "new", 100)
			if err == nil {
				p.Abort(ctx)
			}
			return err
		}},
		{"create backup folder", func() error {
			d, err := NewDrive(Drive{Label: "LOCKED", MountPoint: mnt}, "elsewhere")
			if err != nil {
				return fmt.Errorf("NewDrive: %w", err) // the error is Create's to give
			}
			p, err := d.Create(ctx, "new", 100)
			if err == nil {
				p.Abort(ctx)
			}
			return err
		}},
		{"delete backup", func() error { return df.Delete(ctx, "older") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if !errors.Is(err, destinations.ErrReadOnly) {
				t.Fatalf("error %v does not wrap ErrReadOnly", err)
			}
			if !strings.Contains(err.Error(), "the drive is read-only") {
				t.Fatalf("error %q does not say the drive is read-only", err)
			}
			sameFiles(t, before, snapshot(t, mnt))
		})
	}
	if got, err := df.List(ctx); err != nil || len(got) != 1 {
		t.Fatalf("List on a read-only drive = %v, %v", got, err)
	}
	// A write-protected stick (an SD card's lock switch) without the
	// backup folder still opens and lists, empty.
	other, err := NewDrive(Drive{Label: "LOCKED", MountPoint: mnt}, "elsewhere")
	if err != nil {
		t.Fatalf("NewDrive on a read-only drive: %v", err)
	}
	if got, err := other.List(ctx); err != nil || len(got) != 0 {
		t.Fatalf("List of a missing folder on a read-only drive = %v, %v", got, err)
	}
}

// TestDriveUnmountedMidWrite unmounts the drive (lazily, as a desktop
// does when the stick is pulled) while a backup is being written. The
// file system stays reachable through a second mount, so the test can
// see what was left on it.
func TestDriveUnmountedMidWrite(t *testing.T) {
	ctx := context.Background()
	mnt := mountTmpfs(t, "size=4m,mode=0755")
	still := bindMount(t, mnt)
	df, err := NewDrive(Drive{Label: "PULLED", MountPoint: mnt, FSType: "tmpfs"}, "")
	if err != nil {
		t.Fatal(err)
	}
	destinationtest.Put(t, df, "older", wallettest.RandomBytes(t, 8<<10))
	before := snapshot(t, still)

	p, err := df.Create(ctx, "new", 512<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort(ctx)
	data := wallettest.RandomBytes(t, 512<<10)
	werr := writeAll(p, data, func(written int) {
		if written == 256<<10 {
			if err := unix.Unmount(mnt, unix.MNT_DETACH); err != nil {
				t.Fatal(err)
			}
		}
	})
	_, err = p.Commit(ctx, destinationtest.SameBytes(data))
	if werr != nil {
		err = werr
	}
	if err == nil {
		t.Fatal("a backup written to an unmounted drive was reported saved")
	}
	if !strings.Contains(err.Error(), "the drive was removed or unmounted") {
		t.Fatalf("error %q does not say the drive went away", err)
	}
	sameFiles(t, before, snapshot(t, still))
	if _, err := os.Stat(filepath.Join(mnt, BackupFolder, "new")); err == nil {
		t.Fatal("the backup appeared at the old mount point's folder")
	}
}

// TestDriveUnmountedBeforeFirstBackup unmounts a drive whose backup
// folder is not made yet after it was opened and before the backup
// starts. The mount point stays as an empty folder of the file system
// below (a mount point listed in /etc/fstab): the backup must fail, not
// make the folder there and report a backup on the drive that is on
// this computer's own disk.
func TestDriveUnmountedBeforeFirstBackup(t *testing.T) {
	ctx := context.Background()
	mnt := mountTmpfs(t, "size=4m,mode=0755")
	df, err := NewDrive(Drive{Label: "PULLED", MountPoint: mnt, FSType: "tmpfs"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Unmount(mnt, unix.MNT_DETACH); err != nil {
		t.Fatal(err)
	}
	data := wallettest.RandomBytes(t, 64<<10)
	p, err := df.Create(ctx, "new", int64(len(data)))
	if err == nil {
		defer p.Abort(ctx)
		if _, err = p.Write(data); err == nil {
			_, err = p.Commit(ctx, destinationtest.SameBytes(data))
		}
	}
	if err == nil {
		t.Fatal("a backup to an unmounted drive was reported saved")
	}
	if !strings.Contains(err.Error(), "the drive was removed or unmounted") {
		t.Fatalf("error %q does not say the drive went away", err)
	}
	if _, err := os.Lstat(filepath.Join(mnt, BackupFolder)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the backup folder was made at the old mount point, on the disk below: %v", err)
	}
}

// TestVFATStick detects a real FAT32 file system on a loop device as a
// USB stick (the loop device's number is described in a fixture sysfs as
// a USB disk), opens it as usb:LABEL and writes to it.
func TestVFATStick(t *testing.T) {
	ctx := context.Background()
	mnt, loopDev := mountVFAT(t, "CAKETEST", 40<<20, 8<<20)
	var st unix.Stat_t
	if err := unix.Stat(loopDev, &st); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	// What udev would have recorded for the loop device, for the fuseblk
	// mount whose type the mount table does not tell.
	writeFile(t, filepath.Join(root, "run/udev/data/b"+devNumber(st.Rdev)), "E:ID_FS_LABEL=CAKETEST\nE:ID_FS_TYPE=vfat\n")
	dev := filepath.Join(root, "sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdx")
	writeFile(t, filepath.Join(dev, "removable"), "1\n")
	writeFile(t, filepath.Join(dev, "sdx1/partition"), "1\n")
	for link, target := range map[string]string{
		"sys/dev/block/" + devNumber(st.Rdev): "../../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdx/sdx1",
		"dev/disk/by-label/CAKETEST":          "../../sdx1",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, link)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	det := Detector{SysRoot: root, DevRoot: root, RunRoot: root, MountRoots: []string{}} // the real mount table and statfs
	drives, err := det.Drives(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(drives) != 1 {
		t.Fatalf("Drives = %v, want the one stick", drives)
	}
	drv := drives[0]
	if drv.MountPoint != mnt || drv.Label != "CAKETEST" || drv.FSType != "vfat" || drv.Device != "/dev/sdx1" || !drv.USB || !drv.Removable {
		t.Fatalf("drive = %#v", drv)
	}
	total, free, err := diskspace.Of(mnt)
	if err != nil {
		t.Fatal(err)
	}
	if drv.Size != total || drv.Free != free {
		t.Fatalf("drive size %d, free %d; statfs says %d, %d", drv.Size, drv.Free, total, free)
	}

	r := destinations.NewRegistry()
	Register(r, envOf(nil), det, nil)
	d, err := r.Open(ctx, "usb")
	if err != nil {
		t.Fatal(err)
	}
	if d.Spec() != "usb:CAKETEST" {
		t.Fatalf("Spec = %q", d.Spec())
	}
	first := wallettest.RandomBytes(t, 1<<20)
	destinationtest.Put(t, d, "wallet", first)
	second := wallettest.RandomBytes(t, 1<<20)
	if e := destinationtest.Put(t, d, "wallet", second); e.Name != "wallet-2" {
		t.Fatalf("second backup named %q, want wallet-2", e.Name)
	}
	for name, want := range map[string][]byte{"wallet": first, "wallet-2": second} {
		got, err := os.ReadFile(filepath.Join(mnt, BackupFolder, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s on the stick: %v, or its bytes differ", name, err)
		}
	}
	before := snapshot(t, mnt)

	refusals := []struct {
		name     string
		sizeHint int64
		is       error
		errWant  string
	}{
		{"FAT32 limit", 4 << 30, ErrFileTooLarge, "at most 4 GiB per file"},
		{"more than is free", 100 << 20, destinations.ErrNoSpace, "the drive has"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			if tt.is == destinations.ErrNoSpace && total == 0 {
				t.Skip("this FAT driver (fusefat) does not report free space, so there is nothing to check against")
			}
			p, err := d.Create(ctx, "big", tt.sizeHint)
			if err == nil {
				p.Abort(ctx)
				t.Fatal("Create succeeded")
			}
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.errWant) {
				t.Fatalf("Create = %v, want %v saying %q", err, tt.is, tt.errWant)
			}
			sameFiles(t, before, snapshot(t, mnt))
		})
	}

	t.Run("fills up mid-write", func(t *testing.T) {
		p, err := d.Create(ctx, "huge", -1)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Abort(ctx)
		err = writeAll(p, wallettest.RandomBytes(t, 48<<20), nil)
		if err == nil {
			t.Fatal("48 MiB fit on a 40 MiB stick with 8 MiB usable")
		}
		// fusefat says EPERM where the kernel's vfat says ENOSPC.
		if total != 0 && (!errors.Is(err, destinations.ErrNoSpace) || !strings.Contains(err.Error(), "the drive is full")) {
			t.Fatalf("writing past the end of the stick = %v, want the drive is full", err)
		}
		if _, cerr := p.Commit(ctx, nil); cerr == nil {
			t.Fatal("Commit after a failed write succeeded")
		}
		sameFiles(t, before, snapshot(t, mnt))
	})
}

// devNumber formats a device number as sysfs names it, "MAJOR:MINOR".
func devNumber(dev uint64) string {
	return itoa(unix.Major(dev)) + ":" + itoa(unix.Minor(dev))
}

func itoa(n uint32) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestFakeCapacityStick writes to a drive that is smaller than it says:
// every Write succeeds, and the failure shows only when Commit flushes
// the backup to the medium. Commit must report it and leave nothing.
func TestFakeCapacityStick(t *testing.T) {
	ctx := context.Background()
	mnt := mountFakeCapacity(t, "8m", 64<<20)
	d, err := NewDrive(Drive{Label: "FAKE", MountPoint: mnt, FSType: "ext4"}, "")
	if err != nil {
		t.Fatal(err)
	}
	destinationtest.Put(t, d, "older", wallettest.RandomBytes(t, 64<<10))
	before := snapshot(t, mnt)

	p, err := d.Create(ctx, "new", 16<<20)
	if err != nil {
		t.Fatalf("Create: %v (the drive claims enough room)", err)
	}
	defer p.Abort(ctx)
	data := wallettest.RandomBytes(t, 16<<20)
	if err := writeAll(p, data, nil); err != nil {
		t.Fatalf("Write: %v (should fail only when flushed)", err)
	}
	checked := false
	_, err = p.Commit(ctx, func(ctx context.Context, r io.ReaderAt, size int64) error {
		checked = true
		return destinationtest.SameBytes(data)(ctx, r, size)
	})
	if err == nil {
		t.Fatal("a backup that never reached the medium was reported saved")
	}
	if checked {
		t.Fatal("the check ran although flushing failed")
	}
	if !errors.Is(err, destinations.ErrNoSpace) || !strings.Contains(err.Error(), "saving backup new") || !strings.Contains(err.Error(), "the drive is full") {
		t.Fatalf("Commit = %v, want an error saying saving the backup failed because the drive is full", err)
	}
	sameFiles(t, before, snapshot(t, mnt))
}

// TestLargeBackupWrittenDirectly: a backup of at least directMin bytes
// is written around the page cache, in pieces of any size, flushed as it
// is written, and reads back and publishes with the same bytes, its
// unaligned end included; when the read-back check fails, it is not
// published and leaves nothing. Either way its flusher has stopped.
func TestLargeBackupWrittenDirectly(t *testing.T) {
	data := wallettest.RandomBytes(t, directMin+12345)
	changed := bytes.Clone(data)
	changed[len(changed)/2] ^= 0x01
	for _, c := range []struct {
		name     string
		readBack []byte // what the check wants to read back
	}{
		{"published", data},
		{"read-back differs", changed},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			d, err := NewFolder(dir)
			if err != nil {
				t.Fatal(err)
			}
			p, err := d.Create(ctx, "big", int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Abort(ctx)
			if p.(*pendingFile).direct == nil {
				t.Fatal("a large backup on the test's file system is not written directly")
			}
			fl := p.(*pendingFile).flusher
			if fl == nil {
				t.Fatal("a backup written directly has no flusher")
			}
			defer func() {
				if !stopped(fl) {
					t.Error("the flusher still runs after Commit")
				}
			}()
			pieces := []int{121, 24 << 20, 1, 4095, 3 << 20}
			for off, i := 0, 0; off < len(data); i++ {
				n := min(pieces[i%len(pieces)], len(data)-off)
				if _, err := p.Write(data[off : off+n]); err != nil {
					t.Fatal(err)
				}
				off += n
			}
			e, err := p.Commit(ctx, destinationtest.SameBytes(c.readBack))
			if !bytes.Equal(c.readBack, data) {
				if err == nil {
					t.Fatal("a backup whose read-back failed was published")
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Fatalf("left %v behind", entries)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := destinationtest.ReadAll(t, d, e.Name); !bytes.Equal(got, data) || e.Size != int64(len(data)) {
				t.Fatalf("published %d bytes (entry says %d), not the %d written", len(got), e.Size, len(data))
			}
		})
	}
}

// stopped reports whether fl's goroutine has ended.
func stopped(fl *flusher) bool {
	select {
	case <-fl.done:
		return true
	default:
		return false
	}
}

// TestFlusherStopsOnAbort: a backup written directly and given up midway
// stops its flusher, which flushed while it was written, and leaves
// nothing behind.
func TestFlusherStopsOnAbort(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Create(ctx, "big", 2*flushBehind)
	if err != nil {
		t.Fatal(err)
	}
	pf := p.(*pendingFile)
	fl := pf.flusher
	if fl == nil {
		t.Skip("the test's file system is not written directly")
	}
	if err := writeAll(p, wallettest.RandomBytes(t, flushBehind+directBuffer), nil); err != nil {
		t.Fatal(err)
	}
	if pf.kicked == 0 {
		t.Fatalf("%d bytes written, no flush asked for", pf.written)
	}
	if err := p.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if !stopped(fl) {
		t.Fatal("the flusher still runs after Abort")
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// TestFlusherKeepsItsError: a flush that fails is reported when the
// flusher stops, since a later fsync of the same file may not report it
// again; kicks never block, before or after.
func TestFlusherKeepsItsError(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	fl := newFlusher(f)
	fl.kick()
	fl.kick()
	f.Close() // the next flush fails
	fl.kick()
	fl.kick()
	if err := fl.stop(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("stop = %v, want the failed flush's error", err)
	}
}
