package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
)

func TestDriveFolderConformance(t *testing.T) {
	destinationtest.Run(t, destinationtest.Harness{
		New: func(t *testing.T) destinations.Destination {
			d, err := NewDrive(Drive{Label: "STICK", MountPoint: t.TempDir(), FSType: "ext4"}, "")
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
		Residue: func(t *testing.T, d destinations.Destination) []string {
			return residue(t, d.(*DriveFolder).Dir())
		},
	})
}

func TestNewDrive(t *testing.T) {
	mnt := t.TempDir()
	tests := []struct {
		name    string
		drive   Drive
		folder  string
		wantDir string
		spec    string
		errWant string
	}{
		{name: "default folder", drive: Drive{Label: "STICK", MountPoint: mnt}, wantDir: mnt + "/" + BackupFolder, spec: "usb:STICK"},
		{name: "own folder", drive: Drive{Label: "STICK", MountPoint: mnt}, folder: "wallets/cake", wantDir: mnt + "/wallets/cake", spec: "usb:STICK"},
		{name: "no label", drive: Drive{MountPoint: mnt}, wantDir: mnt + "/" + BackupFolder, spec: "usb:" + mnt},
		{name: "escaping folder", drive: Drive{Label: "STICK", MountPoint: mnt}, folder: "../out", errWant: "must be a path inside the drive"},
		{name: "absolute folder", drive: Drive{Label: "STICK", MountPoint: mnt}, folder: "/etc", errWant: "must be a path inside the drive"},
		{name: "gone", drive: Drive{Label: "STICK", MountPoint: mnt + "/unplugged"}, errWant: "opening drive STICK at " + mnt + "/unplugged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantDir != "" {
				// Each case starts on a drive without its folder.
				if err := os.RemoveAll(tt.wantDir); err != nil {
					t.Fatal(err)
				}
			}
			d, err := NewDrive(tt.drive, tt.folder)
			if tt.errWant != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errWant) {
					t.Fatalf("NewDrive = %v, want an error saying %q", err, tt.errWant)
				}
				if _, serr := os.Stat(filepath.Join(mnt, "..", "out")); serr == nil {
					t.Fatal("NewDrive created a folder outside the drive")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Dir() != tt.wantDir || d.Spec() != tt.spec || d.Drive() != tt.drive {
				t.Fatalf("Dir, Spec, Drive = %s, %s, %+v; want %s, %s, %+v", d.Dir(), d.Spec(), d.Drive(), tt.wantDir, tt.spec, tt.drive)
			}
			// Opening the drive writes nothing on it: listing works and
			// the first backup makes the folder, 0700.
			if _, err := os.Lstat(tt.wantDir); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("NewDrive made %s before any backup went there (%v)", tt.wantDir, err)
			}
			if list, err := d.List(context.Background()); err != nil || len(list) != 0 {
				t.Fatalf("List = %v, %v; want nothing", list, err)
			}
			destinationtest.Put(t, d, "first", []byte("backup"))
			if info, err := os.Stat(tt.wantDir); err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
				t.Fatalf("backup folder %s: %v (want a 0700 folder)", tt.wantDir, err)
			}
		})
	}
}

func TestDriveRefusesBeforeWriting(t *testing.T) {
	tests := []struct {
		name     string
		fsType   string
		sizeHint int64
		is       error
		errWant  []string
	}{
		{name: "FAT32 4 GiB", fsType: "vfat", sizeHint: 4 << 30, is: ErrFileTooLarge, errWant: []string{"too large for drive STICK", "at most 4 GiB per file", "not split"}},
		{name: "msdos 5 GiB", fsType: "msdos", sizeHint: 5 << 30, is: ErrFileTooLarge, errWant: []string{"at most 4 GiB per file"}},
		{name: "more than the drive has", fsType: "ext4", sizeHint: 1 << 58, is: destinations.ErrNoSpace, errWant: []string{"the backup needs 256.0 PiB (plus 2.6 PiB to spare), the drive has", "free"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDrive(Drive{Label: "STICK", MountPoint: t.TempDir(), FSType: tt.fsType}, "")
			if err != nil {
				t.Fatal(err)
			}
			p, err := d.Create(context.Background(), "big", tt.sizeHint)
			if err == nil {
				p.Abort(context.Background())
				t.Fatal("Create succeeded")
			}
			if !errors.Is(err, tt.is) {
				t.Fatalf("Create = %v, want it to wrap %v", err, tt.is)
			}
			for _, w := range tt.errWant {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if got := residue(t, d.Dir()); len(got) != 0 {
				t.Fatalf("refused backup left %v", got)
			}
			if got := residue(t, d.Drive().MountPoint); len(got) != 0 {
				t.Fatalf("refused backup left %v on the drive", got)
			}
		})
	}
}
