package job

import (
	"errors"
	"slices"
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
		name   string
		in     Inspection
		unread string
		want   string
	}{
		{"snapshot without the password", Inspection{File: "b.zip", Version: 3, ForApp: "Cake Wallet", Size: 5 << 20, Chunks: 2, Info: snapshot}, "",
			"File:     b.zip\n" +
				"Format:   version 3\n" +
				"Kind:     made by cakebackup from a data folder: RESTORE; the app cannot import it (no app-sealed keychain dump)\n" +
				"For app:  Cake Wallet\n" +
				"Created:  2026-12-03 11:04:05\n" +
				"Size:     5.0 MiB\n" +
				"Chunks:   2\n"},
		{"export with the password", Inspection{File: "e.zip", Version: 3, Size: 4 << 20, PlainSize: 3<<20 + 512, Chunks: 1,
			Decrypted: true, Wallets: []string{"w1"}, Files: files, Info: export}, "UNREAD\n",
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
		{"bare blob, decrypted, empty", Inspection{File: "v2", Version: 2, Size: 100, Chunks: 1, Decrypted: true, Files: []backup.Entry{}, Info: backup.Info{Version: 2}}, "",
			"File:    v2\n" +
				"Format:  version 2\n" +
				"Kind:    a bare v2 backup, which does not say who made it\n" +
				"Size:    100 B\n" +
				"Chunks:  1\n" +
				"\n" +
				"Wallets (0):\n" +
				"\n" +
				"Files (0):\n"},
		{"export without the password, with what would tell more", Inspection{File: "e.zip", Version: 3, Size: 4 << 20, Chunks: 1, Info: export},
			"UNREAD\n",
			"File:    e.zip\n" +
				"Format:  version 3\n" +
				"Kind:    made by Monero.com 1.2.3 (from its metadata): an app export, which the app can import\n" +
				"Size:    4.0 MiB\n" +
				"Chunks:  1\n" +
				"UNREAD\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := tc.in.WriteText(&out, "RESTORE", tc.unread); err != nil {
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

// TestListingNotes: ls's stderr lines of each file ignored and of each
// one that could not be read to tell, its error said without the names
// the line gives already.
func TestListingNotes(t *testing.T) {
	tests := []struct {
		name                string
		l                   Listing
		ignored, unreadable []string
	}{
		{"none", Listing{Dest: "downloads"}, nil, nil},
		{"others and unreadable", Listing{
			Others: []destinations.Entry{{Name: "notes.txt"}, {Name: "bad\nname"}},
			Unreadable: []UnreadableEntry{{Entry: destinations.Entry{Name: "locked", Location: "/srv/b/locked"},
				Err: errors.New("open /srv/b/locked: permission denied")}},
		}, []string{"ignored notes.txt: not a backup", `ignored "bad\nname": not a backup`},
			[]string{"could not tell whether /srv/b/locked is a backup: permission denied"}},
	}
	for _, tc := range tests {
		ignored, unreadable := tc.l.Notes()
		if !slices.Equal(ignored, tc.ignored) || !slices.Equal(unreadable, tc.unreadable) {
			t.Errorf("%s: Notes = %q, %q; want %q, %q", tc.name, ignored, unreadable, tc.ignored, tc.unreadable)
		}
	}
}

// TestStoredReclaimedLine: the leftovers removed from a destination are
// counted, with their size only when it is known (Proton Drive's
// unfinished uploads report none).
func TestStoredReclaimedLine(t *testing.T) {
	tests := []struct {
		reclaimed destinations.Reclaimed
		want      string
	}{
		{destinations.Reclaimed{}, ""},
		{destinations.Reclaimed{Files: 2, Bytes: 3 << 20}, "Removed 2 leftover file(s) of interrupted backups from D (3.0 MiB)"},
		{destinations.Reclaimed{Files: 1}, "Removed 1 leftover file(s) of interrupted backups from D"},
	}
	for _, tt := range tests {
		if got := (Stored{Dest: "D", Reclaimed: tt.reclaimed}).ReclaimedLine(); got != tt.want {
			t.Errorf("ReclaimedLine of %+v = %q, want %q", tt.reclaimed, got, tt.want)
		}
	}
}

// storesForText are the destinations of the text tests: one that holds
// a copy after leftovers were removed, one that held it already, one
// that failed.
func storesForText() (good, already, failed Stored) {
	good = Stored{Dest: "downloads", Entry: destinations.Entry{Location: "/home/u/Downloads/b", Size: 2 << 20},
		Reclaimed: destinations.Reclaimed{Files: 1, Bytes: 10}}
	already = Stored{Dest: "usb", Entry: destinations.Entry{Location: "/media/usb/old-name", Size: 2 << 20}, AlreadyThere: true}
	failed = Stored{Dest: "proton:/B", Err: errors.New("backup to proton:/B: no room left")}
	return good, already, failed
}

// TestMadeWriteText: create's whole text at each destination; the
// failure of the only destination is the run's error, not said here.
func TestMadeWriteText(t *testing.T) {
	good, _, failed := storesForText()
	word := func(err error) string { return err.Error() + "!" }
	tests := []struct {
		name   string
		stores Stores
		want   string
	}{
		{"saved", Stores{good},
			"Removed 1 leftover file(s) of interrupted backups from downloads (10 B)\n" +
				"Backup saved and verified: /home/u/Downloads/b (2.0 MiB)\n"},
		{"saved and not", Stores{good, failed},
			"Removed 1 leftover file(s) of interrupted backups from downloads (10 B)\n" +
				"Backup saved and verified: /home/u/Downloads/b (2.0 MiB)\n" +
				"NOT saved to proton:/B: no room left!\n"},
		{"the only one failed", Stores{failed}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := (&Made{Stores: tc.stores}).WriteText(&out, word); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%s\nwant\n%s", out.String(), tc.want)
			}
		})
	}
}

// TestSentWriteText: send's whole text of a file, alone or one of
// several; the only destination's failure is said only when the file is
// not the run's only one.
func TestSentWriteText(t *testing.T) {
	good, already, failed := storesForText()
	export := backup.Info{AppName: "Cake Wallet", AppVersion: "4.19.0"}
	head := "export.zip: made by Cake Wallet 4.19.0 (from its metadata): an app export, which the app can import, 2.0 MiB\n"
	tests := []struct {
		name   string
		stores Stores
		alone  bool
		want   string
	}{
		{"everywhere", Stores{good, already}, true,
			head +
				"Removed 1 leftover file(s) of interrupted backups from downloads (10 B)\n" +
				"  sent and verified: /home/u/Downloads/b\n" +
				"  already there: /media/usb/old-name\n"},
		{"one of two failed", Stores{already, failed}, true,
			head +
				"  already there: /media/usb/old-name\n" +
				"  NOT sent to proton:/B: no room left\n"},
		{"the only destination failed, the only file", Stores{failed}, true, head},
		{"the only destination failed, one of several files", Stores{failed}, false,
			head + "  NOT sent to proton:/B: no room left\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			sent := &Sent{File: "export.zip", Info: export, Size: 2 << 20, Stores: tc.stores}
			if err := sent.WriteText(&out, tc.alone, "RESTORE", func(err error) string { return err.Error() }); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%s\nwant\n%s", out.String(), tc.want)
			}
		})
	}
}

// TestSentFileWriteText: a file sent somewhere gets Sent.WriteText's
// lines; one that went nowhere its NotSentLine, unless it is the run's
// only file, whose error is said once elsewhere.
func TestSentFileWriteText(t *testing.T) {
	good, _, _ := storesForText()
	sent := &Sent{File: "export.zip", Info: backup.Info{AppName: "Cake Wallet", AppVersion: "4.19.0"}, Size: 2 << 20, Stores: Stores{good}}
	refused := &FileError{File: "x.zip", Err: backup.ErrNotBackup}
	tests := []struct {
		name  string
		file  SentFile
		alone bool
		want  string
	}{
		{"sent", SentFile{File: "export.zip", Sent: sent}, true,
			"export.zip: made by Cake Wallet 4.19.0 (from its metadata): an app export, which the app can import, 2.0 MiB\n" +
				"Removed 1 leftover file(s) of interrupted backups from downloads (10 B)\n" +
				"  sent and verified: /home/u/Downloads/b\n"},
		{"refused, one of several", SentFile{File: "x.zip", Err: refused}, false, "x.zip: NOT sent: " + backup.ErrNotBackup.Error() + "\n"},
		{"refused, the only file", SentFile{File: "x.zip", Err: refused}, true, ""},
	}
	for _, tc := range tests {
		var out strings.Builder
		if err := tc.file.WriteText(&out, tc.alone, "RESTORE", func(err error) string { return err.Error() }); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("%s: wrote\n%s\nwant\n%s", tc.name, out.String(), tc.want)
		}
	}
}

// TestNotSentLine: a file that went nowhere is named once.
func TestNotSentLine(t *testing.T) {
	word := func(err error) string { return err.Error() }
	tests := []struct {
		err  error
		want string
	}{
		{&FileError{File: "x.zip", Err: backup.ErrNotBackup}, "x.zip: NOT sent: " + backup.ErrNotBackup.Error()},
		{errors.New("interrupted"), "x.zip: NOT sent: interrupted"},
	}
	for _, tt := range tests {
		if got := NotSentLine("x.zip", tt.err, word); got != tt.want {
			t.Errorf("NotSentLine(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestVerifiedLine: verify's line with and without the password, of
// one chunk and of several.
func TestVerifiedLine(t *testing.T) {
	tests := []struct {
		v    Verified
		want string
	}{
		{Verified{File: "b", Level: "full", Chunks: 1}, "OK: b decrypts with this password and every chunk and file checks out (1 chunk)"},
		{Verified{File: "b", Level: "full", Chunks: 3}, "OK: b decrypts with this password and every chunk and file checks out (3 chunks)"},
		{Verified{File: "usb:/b", Level: "checksums", Chunks: 1}, "OK: usb:/b is intact (1 chunk; give the password to also check it decrypts)"},
		{Verified{File: "b", Level: "checksums", Chunks: 2}, "OK: b is intact (2 chunks; give the password to also check it decrypts)"},
	}
	for _, tt := range tests {
		if got := tt.v.Line(); got != tt.want {
			t.Errorf("Line of %+v = %q, want %q", tt.v, got, tt.want)
		}
		var out strings.Builder
		if err := tt.v.WriteText(&out); err != nil || out.String() != tt.want+"\n" {
			t.Errorf("WriteText of %+v wrote %q, %v; want %q", tt.v, out.String(), err, tt.want+"\n")
		}
	}
}

// TestRestoredNotesAndLine: restore's notes of a restore into the same
// folder that was interrupted and of the leftovers removed, in or beside
// the folder, and its result line.
func TestRestoredNotesAndLine(t *testing.T) {
	same := backup.Resumed{Completed: true, Same: true, Moved: 4}
	tests := []struct {
		name   string
		result *backup.RestoreResult
		want   []string
	}{
		{"nothing found", &backup.RestoreResult{}, nil},
		{"no result", nil, nil},
		{"finished, leftovers in it", &backup.RestoreResult{Resumed: same, InPlace: true, Reclaimed: backup.Reclaimed{Items: 2, Bytes: 2048}}, []string{
			"Finished the restore of this backup into /r that was interrupted while it moved its files into place (4 moved now)",
			"Removed 2 folder(s) left by interrupted restores in /r (2.0 KiB)",
		}},
		{"rolled back", &backup.RestoreResult{Resumed: backup.Resumed{RolledBack: true}}, []string{
			"Removed what was left of a restore into /r that was interrupted while it moved its files into place",
		}},
		{"leftovers beside it", &backup.RestoreResult{Reclaimed: backup.Reclaimed{Items: 1, Bytes: 10}}, []string{
			"Removed 1 folder(s) left by interrupted restores beside /r (10 B)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Restored{File: "b", To: "/r", Result: tc.result}
			if got := r.Notes(); !slices.Equal(got, tc.want) {
				t.Errorf("Notes = %q, want %q", got, tc.want)
			}
			if got, want := r.Line(), "Restored b into /r"; got != want {
				t.Errorf("Line = %q, want %q", got, want)
			}
			var out strings.Builder
			if err := r.WriteText(&out); err != nil || out.String() != "Restored b into /r\n" {
				t.Errorf("WriteText wrote %q, %v", out.String(), err)
			}
		})
	}
	if notes := (*Restored)(nil).Notes(); notes != nil {
		t.Errorf("a nil Restored's Notes = %q, want none", notes)
	}
}
