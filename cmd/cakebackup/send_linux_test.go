package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// TestSendToUSBStickAndProton: an app export goes, unchanged and
// verified, to a real stick and to (fake) Proton Drive in one run, and a
// second run uploads nothing.
func TestSendToUSBStickAndProton(t *testing.T) {
	t.Parallel()
	mnt, det := usbStick(t, "SENDUSB", 64<<20)
	c, srv := loggedInProtonCLI(t)
	c.drives = det
	file := appExport(t, "v3")
	orig, _ := os.ReadFile(file)
	name := filepath.Base(file)

	out := c.mustRun("send", file, "--dest", "usb:SENDUSB", "--dest", "proton:/Backups/Cake")
	if strings.Count(out, "sent and verified") != 2 {
		t.Fatalf("send printed %q", out)
	}
	onStick, err := os.ReadFile(filepath.Join(mnt, local.BackupFolder, name))
	if err != nil || !bytes.Equal(onStick, orig) {
		t.Fatalf("the stick's copy differs from the export (%v)", err)
	}
	var listed lsJSON
	if err := json.Unmarshal([]byte(c.mustRun("ls", "proton:/Backups/Cake", "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	entries := listed.Backups
	if len(entries) != 1 || entries[0].Name != name || entries[0].Size != int64(len(orig)) {
		t.Fatalf("ls proton = %+v", entries)
	}
	to := filepath.Join(t.TempDir(), "restored")
	c.mustRun("restore", "proton:/Backups/Cake/"+name, "--to", to, "--password-file", writePasswordFile(t, appExportPassword))
	if _, err := os.Stat(filepath.Join(to, "~_keychain_dump")); err != nil {
		t.Fatalf("the restored export has no keychain dump: %v", err)
	}

	uploads := srv.Calls(protontest.RouteUploadBlock)
	if out := c.mustRun("send", file, "--dest", "usb:SENDUSB", "--dest", "proton:/Backups/Cake"); strings.Count(out, "already there") != 2 {
		t.Fatalf("second send printed %q", out)
	}
	if n := srv.Calls(protontest.RouteUploadBlock); n != uploads {
		t.Errorf("the second send uploaded %d blocks", n-uploads)
	}
}

// TestSendKeepsStickCopyWhenProtonIsFull: Proton Drive has no room for
// the file (its quota, which the account reports, so the upload is
// refused before it starts), the stick keeps its verified copy, and the
// run exits 1 saying which destination failed and why.
func TestSendKeepsStickCopyWhenProtonIsFull(t *testing.T) {
	t.Parallel()
	mnt, det := usbStick(t, "HALFUSB", 64<<20)
	c, srv := loggedInProtonCLI(t)
	c.drives = det
	file := appExport(t, "v2")
	srv.SetQuota(1024)

	code := c.run("send", file, "--dest", "proton:/Backups/Cake", "--dest", "usb:HALFUSB")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFailure, c.stderr.String())
	}
	out := c.stdout.String()
	if !strings.Contains(out, "NOT sent: proton:/Backups/Cake: ") || !strings.Contains(out, "not enough space") || !strings.Contains(out, "sent and verified: "+filepath.Join(mnt, local.BackupFolder)) {
		t.Fatalf("send printed %q", out)
	}
	if msg := c.stderr.String(); strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr %q, want one line", msg)
	}
	c.mustRun("verify", filepath.Join(mnt, local.BackupFolder, filepath.Base(file)))
}
