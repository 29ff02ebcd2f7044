package backup

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// mountFAT makes a small FAT image, puts it on a loop device and mounts
// it (the kernel's vfat, else fusefat) on a new folder, unmounted when
// the test ends. It skips without root, mkfs.vfat (dosfstools), a loop
// device, or either driver.
func mountFAT(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a FAT image needs root")
	}
	mkfs, err := exec.LookPath("mkfs.vfat")
	if err != nil {
		t.Skip("mkfs.vfat not found: install the dosfstools package")
	}
	img := filepath.Join(t.TempDir(), "fat.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 40<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mkfs, img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.vfat: %v: %s", err, out)
	}
	out, err := exec.Command("losetup", "--find", "--show", img).CombinedOutput()
	if err != nil {
		t.Skipf("cannot set up a loop device here: %v: %s", err, strings.TrimSpace(string(out)))
	}
	loop := strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if out, err := exec.Command("losetup", "-d", loop).CombinedOutput(); err != nil {
			t.Errorf("losetup -d %s: %v: %s", loop, err, out)
		}
	})
	mnt := t.TempDir()
	if kernelErr := unix.Mount(loop, mnt, "vfat", unix.MS_NOSUID|unix.MS_NODEV, "fmask=0077,dmask=0077"); kernelErr != nil {
		fusefat, err := exec.LookPath("fusefat")
		if err != nil {
			t.Skipf("no vfat in this kernel (%v) and fusefat not found: install the fusefat package", kernelErr)
		}
		if out, err := exec.Command(fusefat, "-o", "rw+,blkdev,fsname="+loop, loop, mnt).CombinedOutput(); err != nil {
			t.Skipf("no vfat in this kernel (%v) and fusefat failed: %v: %s", kernelErr, err, out)
		}
	}
	t.Cleanup(func() {
		if err := unix.Unmount(mnt, 0); err != nil {
			t.Errorf("unmount %s: %v", mnt, err)
		}
	})
	return mnt
}

// TestWriteSourceChangedOnFAT: on FAT, whose modification times move in
// 2 s steps (and which keeps no status change time), a wallet file saved
// in place while it is read, its size unchanged, can keep the times it
// had. Such a file, changed just before its read, is read again and the
// change found: the backup fails with a *ChangedError. It was accepted
// with bytes that could mix two versions. A file left alone backs up.
func TestWriteSourceChangedOnFAT(t *testing.T) {
	mnt := mountFAT(t)
	for _, tc := range []struct {
		name    string
		change  bool
		changed bool
	}{
		{"left alone", false, false},
		{"saved in place", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(mnt, strings.ReplaceAll(tc.name, " ", "_"))
			content := wallettest.RandomBytes(t, 64<<10)
			wallettest.Write(t, dir, map[string][]byte{"wallets/monero/a/a": content, "wallets/monero/a/a.keys": []byte("keys")})
			path := filepath.Join(dir, "wallets", "monero", "a", "a")
			src, err := Collect(t.Context(), dir, "")
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			onProgress := func(int64) {
				if calls++; calls == 1 && tc.change { // the first piece of a
					writeAt(t, path, 10, []byte("torn"))
				}
			}
			var buf bytes.Buffer
			_, err = Write(t.Context(), &buf, src, WriteOptions{Password: testPassword, chunkSize: 1 << 20, OnProgress: onProgress, salt: testSalt, keys: testKeys})
			if !tc.changed {
				if err != nil {
					t.Fatal(err)
				}
				a, err := openBytes(buf.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				to := filepath.Join(t.TempDir(), "restored")
				if err := a.Restore(t.Context(), testPassword, to); err != nil {
					t.Fatal(err)
				}
				if got := readTree(t, to)["wallets/monero/a/a"]; !bytes.Equal(got, content) {
					t.Errorf("restored %d bytes, not the %d backed up", len(got), len(content))
				}
				return
			}
			var ce *ChangedError
			if !errors.As(err, &ce) || ce.Path != path || !errors.Is(err, ErrSourceChanged) {
				t.Fatalf("got %v, want a *ChangedError for %s", err, path)
			}
		})
	}
}
