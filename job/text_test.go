package job

import (
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
)

// TestInspectionWriteText: inspect's whole text for a snapshot read
// without the password, an export read with it, and a bare blob.
func TestInspectionWriteText(t *testing.T) {
	created := time.Date(2026, 12, 3, 11, 4, 5, 0, time.Local)
	snapshot := backup.Info{Version: 3, AppName: "Cake Wallet", AppVersion: "cakebackup 0.1.0", Created: created}
	export := backup.Info{Version: 3, AppName: "Monero.com", AppVersion: "1.2.3"}
	files := []backup.Entry{{Name: "wallets/monero/w1", Size: 3 << 20}, {Name: backup.KeychainDumpEntry, Size: 512}}
	tests := []struct {
		name string
		in   Inspection
		want string
	}{
		{"snapshot without the password", Inspection{File: "b.zip", Version: 3, ForApp: "Cake Wallet", Size: 5 << 20, Chunks: 2, Info: snapshot},
			"File:     b.zip\n" +
				"Format:   version 3\n" +
				"Kind:     made by cakebackup from a data folder: RESTORE; the app cannot import it (no app-sealed keychain dump)\n" +
				"For app:  Cake Wallet\n" +
				"Created:  2026-12-03 11:04:05\n" +
				"Size:     5.0 MiB\n" +
				"Chunks:   2\n"},
		{"export with the password", Inspection{File: "e.zip", Version: 3, Size: 4 << 20, PlainSize: 3<<20 + 512, Chunks: 1,
			Decrypted: true, Wallets: []string{"w1"}, Files: files, Info: export},
			"File:    e.zip\n" +
				"Format:  version 3\n" +
				"Kind:    made by Monero.com 1.2.3: the app can import it\n" +
				"Size:    4.0 MiB (3.0 MiB of data)\n" +
				"Chunks:  1\n" +
				"\n" +
				"Wallets (1):\n" +
				"  w1\n" +
				"\n" +
				"Files (2):\n" +
				"    3.0 MiB  wallets/monero/w1\n" +
				"      512 B  ~_keychain_dump\n"},
		{"bare blob, decrypted, empty", Inspection{File: "v2", Version: 2, Size: 100, Chunks: 1, Decrypted: true, Files: []backup.Entry{}, Info: backup.Info{Version: 2}},
			"File:    v2\n" +
				"Format:  version 2\n" +
				"Kind:    a bare v2 backup, which does not say who made it\n" +
				"Size:    100 B\n" +
				"Chunks:  1\n" +
				"\n" +
				"Wallets (0):\n" +
				"\n" +
				"Files (0):\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := tc.in.WriteText(&out, "RESTORE"); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%s\nwant\n%s", out.String(), tc.want)
			}
		})
	}
}

// TestListingWriteText: ls's whole text with backups, with none, and
// with other files left alone.
func TestListingWriteText(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 8, 7, 0, time.Local)
	backups := []destinations.Entry{
		{Name: "cake_wallet_backup_2026-12-03_090807", Size: 2 << 20, ModTime: at},
		{Name: " spaced", Size: 700, ModTime: at.Add(time.Hour)},
	}
	others := func(n int) []destinations.Entry { return make([]destinations.Entry, n) }
	tests := []struct {
		name string
		l    Listing
		want string
	}{
		{"backups", Listing{Dest: "downloads", Backups: backups},
			"NAME                                  SIZE     TIME\n" +
				"cake_wallet_backup_2026-12-03_090807  2.0 MiB  2026-12-03 09:08:07\n" +
				"\" spaced\"                             700 B    2026-12-03 10:08:07\n"},
		{"backups and one other file", Listing{Dest: "downloads", Backups: backups[:1], Others: others(1)},
			"NAME                                  SIZE     TIME\n" +
				"cake_wallet_backup_2026-12-03_090807  2.0 MiB  2026-12-03 09:08:07\n" +
				"1 other file ignored (not backups)\n"},
		{"none", Listing{Dest: "folder:/media/usb"}, "No backups at folder:/media/usb\n"},
		{"none but other files", Listing{Dest: "proton:/Backups", Others: others(3)},
			"No backups at proton:/Backups\n3 other files ignored (not backups)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := tc.l.WriteText(&out); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%s\nwant\n%s", out.String(), tc.want)
			}
		})
	}
}
