package job_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// export returns the path of a backup file standing in for one the app
// exported, named name in a folder of the test's own, and a wallet folder
// holding what it holds. It is the i-th (0 or 1) of two backups made once
// per test binary by job.Make and shared (a Make derives a key, some 50
// ms; a dozen tests only need a backup to send): the two are of the same
// size and other bytes (the same files, sealed with other salts and
// nonces).
func export(t *testing.T, name string, i int) (string, string) {
	t.Helper()
	b, err := sharedExports[i]()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return file, wallettest.Folder(t, exportFiles())
}

// exportFiles is what export's backups hold.
func exportFiles() map[string][]byte {
	return map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")}
}

// sharedExports are export's backups, made on first use.
var sharedExports = [2]func() ([]byte, error){makeExport(0), makeExport(1)}

func makeExport(i int) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) {
		tmp, err := os.MkdirTemp("", "export")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "out")
		for name, body := range exportFiles() {
			p := filepath.Join(src, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return nil, err
			}
			if err := os.WriteFile(p, body, 0o600); err != nil {
				return nil, err
			}
		}
		if err := os.Mkdir(out, 0o700); err != nil {
			return nil, err
		}
		if _, err := job.Make(context.Background(), opener(), job.Backup{Source: src, Dests: []string{"folder:" + out}, Name: "export", Password: savePassword}); err != nil {
			return nil, err
		}
		return os.ReadFile(filepath.Join(out, "export"))
	})
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestSendStoresTheSameBytesOnce(t *testing.T) {
	file, wallets := export(t, "cake_wallet_backup_export", 0)
	orig, _ := os.ReadFile(file)
	a, b := t.TempDir(), t.TempDir()
	sent, err := job.Send(t.Context(), opener(), job.Shipment{File: file, Dests: []string{"folder:" + a, "folder:" + b}})
	if err != nil {
		t.Fatal(err)
	}
	if sent.Size != int64(len(orig)) || sent.Info.Version != 3 || len(sent.Stores) != 2 {
		t.Fatalf("sent %+v", sent)
	}
	for _, dir := range []string{a, b} {
		got, err := os.ReadFile(filepath.Join(dir, "cake_wallet_backup_export"))
		if err != nil || !bytes.Equal(got, orig) {
			t.Fatalf("%s: the copy is not the file's bytes (%v)", dir, err)
		}
		if fi, _ := os.Stat(filepath.Join(dir, "cake_wallet_backup_export")); fi.Mode().Perm() != 0o600 {
			t.Errorf("copy mode %v, want 0600", fi.Mode().Perm())
		}
	}
	restoreAndCompare(t, filepath.Join(b, "cake_wallet_backup_export"), wallets)

	// Again, and under another name: nothing new is stored.
	renamed := filepath.Join(t.TempDir(), "renamed")
	os.WriteFile(renamed, orig, 0o600)
	for _, f := range []string{file, renamed} {
		again, err := job.Send(t.Context(), opener(), job.Shipment{File: f, Dests: []string{"folder:" + a, "folder:" + b}})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range again.Stores {
			if !st.AlreadyThere || st.Entry.Name != "cake_wallet_backup_export" {
				t.Errorf("re-send of %s to %s: %+v, want already there", filepath.Base(f), st.Dest, st)
			}
		}
	}
	if got := names(t, a); !slices.Equal(got, []string{"cake_wallet_backup_export"}) {
		t.Errorf("folder holds %v after re-sends", got)
	}
}

func TestSendNeverOverwritesAnotherBackupOfTheSameName(t *testing.T) {
	first, _ := export(t, "cake_wallet_backup_x", 0)
	second, _ := export(t, "cake_wallet_backup_x", 1)
	out := t.TempDir()
	for _, f := range []string{first, second} {
		if _, err := job.Send(t.Context(), opener(), job.Shipment{File: f, Dests: []string{"folder:" + out}}); err != nil {
			t.Fatal(err)
		}
	}
	got := names(t, out)
	if len(got) != 2 {
		t.Fatalf("folder holds %v, want both backups", got)
	}
	firstBytes, _ := os.ReadFile(first)
	if kept, _ := os.ReadFile(filepath.Join(out, "cake_wallet_backup_x")); !bytes.Equal(kept, firstBytes) {
		t.Error("the first backup was overwritten")
	}
}

func TestSendRefusesBadFilesAndSendsNothing(t *testing.T) {
	file, _ := export(t, "good", 0)
	orig, _ := os.ReadFile(file)
	damaged := filepath.Join(t.TempDir(), "damaged")
	bad := bytes.Clone(orig)
	bad[30+len("data.bin")+130] ^= 0x40 // inside data.bin, the first entry, stored
	os.WriteFile(damaged, bad, 0o600)
	notes := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notes, []byte("not a backup"), 0o600)
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, nil, 0o600)

	cases := []struct {
		name, file, password string
		want                 error
	}{
		{"bit flip", damaged, "", backup.ErrBadChecksum},
		{"not a backup", notes, "", backup.ErrUnsupportedVersion},
		{"empty", empty, "", backup.ErrBadLength},
		{"wrong password", file, "not the password", backup.ErrDecrypt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, other := t.TempDir(), t.TempDir()
			_, err := job.Send(t.Context(), opener(), job.Shipment{File: c.file, Dests: []string{"folder:" + out, "folder:" + other}, Password: c.password})
			if !errors.Is(err, c.want) {
				t.Fatalf("Send: %v, want %v", err, c.want)
			}
			assertEmpty(t, out)
			assertEmpty(t, other)
		})
	}
}

func TestSendWithPasswordChecksEverything(t *testing.T) {
	file, _ := export(t, "good", 0)
	out := t.TempDir()
	if _, err := job.Send(t.Context(), opener(), job.Shipment{File: file, Dests: []string{"folder:" + out}, Password: savePassword}); err != nil {
		t.Fatal(err)
	}
	if got := names(t, out); !slices.Equal(got, []string{"good"}) {
		t.Errorf("folder holds %v", got)
	}
}

func TestSendKeepsGoodCopyWhenADestinationFails(t *testing.T) {
	file, _ := export(t, "good", 0)
	out := t.TempDir()
	sent, err := job.Send(t.Context(), opener(), job.Shipment{File: file, Dests: []string{"folder:" + filepath.Join(out, "missing"), "folder:" + out}})
	var de *job.DestinationsError
	if !errors.As(err, &de) || len(de.Failed) != 1 {
		t.Fatalf("Send: %v, want one failed destination", err)
	}
	if sent.Stores[1].Err != nil || sent.Stores[1].Entry.Name != "good" {
		t.Fatalf("stores %+v", sent.Stores)
	}
}

// TestSendToADestinationHoldingAnotherBackupOfTheSameSize: a destination
// that holds a backup of the same size but other bytes still gets the
// file (from a second read, once the file's digest says it is not
// there), beside a destination that gets it from the first; whether the
// file is in the page cache (read through it) or not (read directly).
func TestSendToADestinationHoldingAnotherBackupOfTheSameSize(t *testing.T) {
	first, _ := export(t, "cake_wallet_backup_x", 0)
	second, _ := export(t, "cake_wallet_backup_x", 1)
	firstBytes, _ := os.ReadFile(first)
	secondBytes, _ := os.ReadFile(second)
	if len(firstBytes) != len(secondBytes) || bytes.Equal(firstBytes, secondBytes) {
		t.Fatalf("the two exports are %d and %d bytes; the test needs the same size, other bytes", len(firstBytes), len(secondBytes))
	}
	for _, cold := range []bool{false, true} {
		t.Run(map[bool]string{false: "cached", true: "not cached"}[cold], func(t *testing.T) {
			holding, fresh := t.TempDir(), t.TempDir()
			os.WriteFile(filepath.Join(holding, "cake_wallet_backup_x"), firstBytes, 0o600)
			if cold {
				dropCache(t, second)
			}
			sent, err := job.Send(t.Context(), opener(), job.Shipment{File: second, Dests: []string{"folder:" + holding, "folder:" + fresh}})
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range sent.Stores {
				if st.AlreadyThere {
					t.Errorf("destination %d: already there, but it held other bytes", i)
				}
				got, err := os.ReadFile(st.Entry.Location)
				if err != nil || !bytes.Equal(got, secondBytes) {
					t.Errorf("destination %d: %s does not hold the file sent (%v)", i, st.Entry.Location, err)
				}
			}
			if kept, _ := os.ReadFile(filepath.Join(holding, "cake_wallet_backup_x")); !bytes.Equal(kept, firstBytes) {
				t.Error("the backup already there was overwritten")
			}
			if got := names(t, holding); len(got) != 2 {
				t.Errorf("the holding folder has %v, want both backups", got)
			}
		})
	}
}

// TestSendReportsTheFileSHA512: the SHA-512 Send reports when asked is the file's,
// taken as the check reads it, whether the first copy reads back, only a
// later one does because the first medium returned other bytes, no copy
// reads back, or no copy is written at all.
func TestSendReportsTheFileSHA512(t *testing.T) {
	file, _ := export(t, "b", 0)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(data)
	holding := t.TempDir()
	os.WriteFile(filepath.Join(holding, "b"), data, 0o600)
	for _, c := range []struct {
		name   string
		dests  []string
		failed int // destinations failing
	}{
		{"one folder", []string{"folder:" + t.TempDir()}, 0},
		{"the first medium returns other bytes", []string{"flaky:" + t.TempDir(), "folder:" + t.TempDir()}, 1},
		{"no copy reads back", []string{"flaky:" + t.TempDir()}, 1},
		{"already there", []string{"folder:" + holding}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			sent, err := job.Send(t.Context(), flakyOpener(), job.Shipment{File: file, Dests: c.dests, WantSHA512: true})
			if c.failed == 0 && err != nil || c.failed > 0 && !errors.Is(err, job.ErrReadBackDiffers) {
				t.Fatalf("Send: %v, want %d destinations failing", err, c.failed)
			}
			if sent == nil {
				t.Fatal("Send returned no result")
			}
			failed := 0
			for _, st := range sent.Stores {
				if st.Err != nil {
					failed++
				}
			}
			if failed != c.failed {
				t.Fatalf("%d destinations failed, want %d: %+v", failed, c.failed, sent.Stores)
			}
			if sent.SHA512 != hex.EncodeToString(sum[:]) {
				t.Errorf("SHA512 %q is not the file's", sent.SHA512)
			}
			for i, st := range sent.Stores {
				if st.Err == nil && st.SHA512 != sent.SHA512 {
					t.Errorf("destination %d: SHA512 %q, not the file's", i, st.SHA512)
				}
			}
		})
	}
}

// TestSendGoldenBackups: for each kind of backup (the app's v3 container
// and bare v2 blobs of both layouts, made by the independent
// implementation), Send stores the file's bytes and reports the file's
// SHA-512, taken as the check read it, with or without the password; the
// same file with a byte flipped in its data is refused and nothing is
// left at the destination.
func TestSendGoldenBackups(t *testing.T) {
	const goldenPassword = "gölden pässword 🔑 v2 & v3" // backup/testdata/golden/generate.py's
	for _, name := range []string{"v3.bin", "v2-xchacha.bin", "v2-chacha2022.bin"} {
		data, err := os.ReadFile(filepath.Join("..", "backup", "testdata", "golden", name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha512.Sum512(data)
		damaged := bytes.Clone(data)
		damaged[len(damaged)/2] ^= 0x10
		for _, password := range []string{"", goldenPassword} {
			t.Run(fmt.Sprintf("%s password=%t", name, password != ""), func(t *testing.T) {
				in := t.TempDir()
				good, bad := filepath.Join(in, name), filepath.Join(in, "damaged-"+name)
				os.WriteFile(good, data, 0o600)
				os.WriteFile(bad, damaged, 0o600)

				out := t.TempDir()
				sent, err := job.Send(t.Context(), opener(), job.Shipment{File: good, Dests: []string{"folder:" + out}, Password: password, WantSHA512: true})
				if err != nil {
					t.Fatal(err)
				}
				if sent.SHA512 != hex.EncodeToString(sum[:]) {
					t.Errorf("SHA512 %s is not the file's", sent.SHA512)
				}
				if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || !bytes.Equal(got, data) {
					t.Errorf("the copy is not the file (%v)", err)
				}

				out = t.TempDir()
				_, err = job.Send(t.Context(), opener(), job.Shipment{File: bad, Dests: []string{"folder:" + out}, Password: password})
				if !errors.Is(err, backup.ErrBadChecksum) && !errors.Is(err, backup.ErrDecrypt) {
					t.Errorf("Send of the damaged file: %v, want a checksum or authentication failure", err)
				}
				assertEmpty(t, out)
			})
		}
	}
}

// TestSendRefusesNamesNotEveryDestinationStores: an export whose name a
// FAT stick, Windows or Proton Drive cannot store as it is (see
// backup.NameProblem) is refused with a *job.NameError before anything is
// written anywhere; its message shows a control character quoted, on one
// line. A name given in the shipment is checked instead of the file's.
func TestSendRefusesNamesNotEveryDestinationStores(t *testing.T) {
	file, _ := export(t, "good", 0)
	orig, _ := os.ReadFile(file)
	for _, tt := range []struct {
		fileName, name string // the file's name; the name to store it under
		refused        string // the name refused, "" for none
	}{
		{"cake_wallet_backup:1", "", "cake_wallet_backup:1"},
		{"backup\nsecond line", "", "backup\nsecond line"},
		{"nul.zip", "", "nul.zip"},
		{"export.", "", "export."},
		{"export", "what?", "what?"},
		{"what?", "cake_wallet_backup_renamed", ""},
	} {
		t.Run(tt.fileName, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), tt.fileName)
			if err := os.WriteFile(src, orig, 0o600); err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			_, err := job.Send(t.Context(), opener(), job.Shipment{File: src, Name: tt.name, Dests: []string{"folder:" + out}})
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				if got := names(t, out); len(got) != 1 || got[0] != tt.name {
					t.Fatalf("stored %v, want %s", got, tt.name)
				}
				return
			}
			var ne *job.NameError
			if !errors.As(err, &ne) || ne.Name != tt.refused || ne.Problem == "" {
				t.Fatalf("Send: %v, want a NameError for %q", err, tt.refused)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, backup.QuoteName(tt.refused)) {
				t.Errorf("message %q: want the name as backup.QuoteName shows it, on one line", msg)
			}
			assertEmpty(t, out)
		})
	}
}

// TestSendTakesTheSHA512OnlyWhenAsked: asked (Shipment.WantSHA512), Send
// reports the file's SHA-512 for the file and each stored copy; not
// asked, both are "". Either way every destination holds the file's
// bytes: one that gets it from the first read, one holding another
// backup of the same size (a second read), one already holding it.
func TestSendTakesTheSHA512OnlyWhenAsked(t *testing.T) {
	file, _ := export(t, "cake_wallet_backup_x", 1)
	other, _ := export(t, "cake_wallet_backup_x", 0)
	data, _ := os.ReadFile(file)
	otherData, _ := os.ReadFile(other)
	sum := sha512.Sum512(data)
	for _, c := range []struct {
		asked bool
		want  string
	}{
		{true, hex.EncodeToString(sum[:])},
		{false, ""},
	} {
		t.Run(fmt.Sprintf("asked=%t", c.asked), func(t *testing.T) {
			fresh, holdingOther, holdingIt := t.TempDir(), t.TempDir(), t.TempDir()
			os.WriteFile(filepath.Join(holdingOther, "cake_wallet_backup_x"), otherData, 0o600)
			os.WriteFile(filepath.Join(holdingIt, "kept"), data, 0o600)
			sent, err := job.Send(t.Context(), opener(), job.Shipment{File: file, WantSHA512: c.asked,
				Dests: []string{"folder:" + fresh, "folder:" + holdingOther, "folder:" + holdingIt}})
			if err != nil {
				t.Fatal(err)
			}
			if sent.SHA512 != c.want {
				t.Errorf("SHA512 %q, want %q", sent.SHA512, c.want)
			}
			for i, st := range sent.Stores {
				if st.SHA512 != c.want {
					t.Errorf("destination %d: SHA512 %q, want %q", i, st.SHA512, c.want)
				}
				if got, err := os.ReadFile(st.Entry.Location); err != nil || !bytes.Equal(got, data) {
					t.Errorf("destination %d: %s does not hold the file sent (%v)", i, st.Entry.Location, err)
				}
				if already := i == 2; st.AlreadyThere != already {
					t.Errorf("destination %d: already there %t, want %t", i, st.AlreadyThere, already)
				}
			}
		})
	}
}

// TestSendRefusesAFileChangedBetweenItsTwoReads: a destination holding
// another backup of the same size gets its copy from a second read of
// the file; when the file's bytes changed since the first read (the
// check's), that copy is refused (ErrChangedWhileSending) and nothing new
// is left there, whether Send took the file's SHA-512 or not. The other
// destination, which got the checked bytes in the first read, keeps
// them.
func TestSendRefusesAFileChangedBetweenItsTwoReads(t *testing.T) {
	for _, asked := range []bool{true, false} {
		t.Run(fmt.Sprintf("SHA-512 asked=%t", asked), func(t *testing.T) {
			file, _ := export(t, "cake_wallet_backup_x", 1)
			other, _ := export(t, "cake_wallet_backup_x", 0)
			data, _ := os.ReadFile(file)
			otherData, _ := os.ReadFile(other)
			fresh, holding := t.TempDir(), t.TempDir()
			os.WriteFile(filepath.Join(holding, "cake_wallet_backup_x"), otherData, 0o600)
			// Send reads the backup the holding folder has, to compare it
			// with the file, between its two reads of the file: the app
			// rewrites its export then, same size, one byte changed.
			changed := bytes.Clone(data)
			changed[len(changed)/2] ^= 0x01
			open := opener()
			hooked := func(ctx context.Context, spec string) (destinations.Destination, error) {
				d, err := open(ctx, spec)
				if err != nil || spec != "folder:"+holding {
					return d, err
				}
				return openHook{d, func() {
					if err := os.WriteFile(file, changed, 0o600); err != nil {
						t.Error(err)
					}
				}}, nil
			}
			sent, err := job.Send(t.Context(), hooked, job.Shipment{File: file, WantSHA512: asked,
				Dests: []string{"folder:" + fresh, "folder:" + holding}})
			if !errors.Is(err, job.ErrChangedWhileSending) || sent == nil {
				t.Fatalf("Send: %v, want ErrChangedWhileSending", err)
			}
			if !errors.Is(sent.Stores[1].Err, job.ErrChangedWhileSending) || sent.Stores[0].Err != nil {
				t.Fatalf("stores %+v, want the second one changed while sending", sent.Stores)
			}
			if got, err := os.ReadFile(filepath.Join(fresh, "cake_wallet_backup_x")); err != nil || !bytes.Equal(got, data) {
				t.Errorf("the first destination does not hold the bytes checked (%v)", err)
			}
			if got := names(t, holding); !slices.Equal(got, []string{"cake_wallet_backup_x"}) {
				t.Errorf("the holding folder has %v, want only the backup it held", got)
			}
			if kept, _ := os.ReadFile(filepath.Join(holding, "cake_wallet_backup_x")); !bytes.Equal(kept, otherData) {
				t.Error("the backup already there was overwritten")
			}
		})
	}
}

// openHook is a destination that calls onOpen before each Open.
type openHook struct {
	destinations.Destination
	onOpen func()
}

func (d openHook) Open(ctx context.Context, name string) (destinations.Reader, error) {
	d.onOpen()
	return d.Destination.Open(ctx, name)
}
