package local

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

const gib = 1 << 30

// fakeSpace reports sizes for known mount points and fails for others,
// as statfs fails for a drive pulled out a moment ago.
func fakeSpace(sizes map[string][2]int64) func(string) (int64, int64, error) {
	return func(path string) (int64, int64, error) {
		s, ok := sizes[path]
		if !ok {
			return 0, 0, errors.New("statfs " + path + ": no such device")
		}
		return s[0], s[1], nil
	}
}

func drivesText(ds []Drive) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %#v\n", d)
	}
	return b.String()
}

// TestMacDrives runs macOS's drive decisions here, on what statfs would
// say about a Mac's /Volumes.
func TestMacDrives(t *testing.T) {
	space := fakeSpace(map[string][2]int64{
		"/Volumes/Macintosh HD": {500 * gib, 100 * gib},
		"/Volumes/WALLETS":      {8 * gib, 7 * gib},
		"/Volumes/UNTITLED":     {32 * gib, 32 * gib},
		"/Volumes/share":        {4000 * gib, 10 * gib},
		"/Volumes/notamount":    {500 * gib, 100 * gib},
		"/Volumes/Backup Disk":  {1000 * gib, 900 * gib},
	})
	vols := []macVolume{
		// The startup disk's link in /Volumes is "/" itself.
		{Name: "Macintosh HD", Path: "/Volumes/Macintosh HD", IsDir: true, Boot: true, MountedOn: "/", From: "/dev/disk3s1s1", FSType: "apfs"},
		{Name: "WALLETS", Path: "/Volumes/WALLETS", IsDir: true, MountedOn: "/Volumes/WALLETS", From: "/dev/disk4s1", FSType: "msdos"},
		{Name: "share", Path: "/Volumes/share", IsDir: true, MountedOn: "/Volumes/share", From: "//ana@nas._smb._tcp.local/share", FSType: "smbfs"},
		// A folder someone made in /Volumes lives on the startup disk.
		{Name: "notamount", Path: "/Volumes/notamount", IsDir: true, MountedOn: "/System/Volumes/Data", From: "/dev/disk3s5", FSType: "apfs"},
		{Name: ".DS_Store", Path: "/Volumes/.DS_Store", MountedOn: "/System/Volumes/Data", From: "/dev/disk3s5", FSType: "apfs"},
		// statfs failed: ejected between listing and asking.
		{Name: "GONE", Path: "/Volumes/GONE", IsDir: true},
		// Mounted, but its size cannot be read.
		{Name: "UNREADABLE", Path: "/Volumes/UNREADABLE", IsDir: true, MountedOn: "/Volumes/UNREADABLE", From: "/dev/disk6s1", FSType: "exfat"},
		{Name: "UNTITLED", Path: "/Volumes/UNTITLED", IsDir: true, MountedOn: "/Volumes/UNTITLED", From: "/dev/disk5s1", FSType: "exfat"},
		{Name: "Backup Disk", Path: "/Volumes/Backup Disk", IsDir: true, MountedOn: "/Volumes/Backup Disk", From: "/dev/disk7s2", FSType: "apfs"},
	}
	got, err := macDrives(context.Background(), vols, space)
	if err != nil {
		t.Fatal(err)
	}
	want := []Drive{
		{Label: "WALLETS", MountPoint: "/Volumes/WALLETS", Device: "/dev/disk4s1", FSType: "msdos", Size: 8 * gib, Free: 7 * gib, Removable: true},
		{Label: "UNTITLED", MountPoint: "/Volumes/UNTITLED", Device: "/dev/disk5s1", FSType: "exfat", Size: 32 * gib, Free: 32 * gib, Removable: true},
		{Label: "Backup Disk", MountPoint: "/Volumes/Backup Disk", Device: "/dev/disk7s2", FSType: "apfs", Size: 1000 * gib, Free: 900 * gib, Removable: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("macDrives =\n%s\nwant\n%s", drivesText(got), drivesText(want))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := macDrives(ctx, vols, space); !errors.Is(err, context.Canceled) {
		t.Fatalf("macDrives with a canceled context = %v", err)
	}
}

// TestWinDrives runs Windows' drive decisions here, on what
// GetLogicalDriveStrings, GetDriveType and GetVolumeInformation would say.
func TestWinDrives(t *testing.T) {
	answer := utf16.Encode([]rune("C:\\\x00D:\\\x00E:\\\x00F:\\\x00G:\\\x00Z:\\\x00"))
	roots := driveRoots(answer)
	if want := []string{`C:\`, `D:\`, `E:\`, `F:\`, `G:\`, `Z:\`}; !reflect.DeepEqual(roots, want) {
		t.Fatalf("driveRoots = %q, want %q", roots, want)
	}
	if roots := driveRoots(nil); roots != nil {
		t.Fatalf("driveRoots(nothing) = %q", roots)
	}
	space := fakeSpace(map[string][2]int64{
		`C:\`: {500 * gib, 100 * gib},
		`E:\`: {8 * gib, 7 * gib},
		`G:\`: {64 * gib, 60 * gib},
		`Z:\`: {2000 * gib, 1000 * gib},
	})
	vols := []winVolume{
		{Root: `C:\`, HasMedium: true, Label: "Windows", FSName: "NTFS"},
		{Root: `D:\`, Removable: true}, // an empty card reader slot
		{Root: `E:\`, Removable: true, HasMedium: true, Label: "WALLETS", FSName: "FAT32", Serial: 0x4A1C9F02},
		{Root: `F:\`, Removable: true, HasMedium: true, Label: "PULLED", FSName: "exFAT"}, // gone before its size was read
		{Root: `G:\`, Removable: true, HasMedium: true, FSName: "exFAT"},
		{Root: `Z:\`, HasMedium: true, Label: "USB HDD", FSName: "NTFS"}, // USB hard disks say they are fixed
	}
	got, err := winDrives(context.Background(), vols, space)
	if err != nil {
		t.Fatal(err)
	}
	want := []Drive{
		{Label: "WALLETS", MountPoint: `E:\`, Device: "E:", FSType: "fat32", Size: 8 * gib, Free: 7 * gib, Removable: true, UUID: "4A1C-9F02"},
		{Label: "G:", MountPoint: `G:\`, Device: "G:", FSType: "exfat", Size: 64 * gib, Free: 60 * gib, Removable: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("winDrives =\n%s\nwant\n%s", drivesText(got), drivesText(want))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := winDrives(ctx, vols, space); !errors.Is(err, context.Canceled) {
		t.Fatalf("winDrives with a canceled context = %v", err)
	}
}
