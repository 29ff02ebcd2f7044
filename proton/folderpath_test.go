package proton

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
)

func TestParseFolderPath(t *testing.T) {
	for _, tc := range []struct {
		arg     string
		want    string // canonical path; "" means an error is expected
		wantErr string
	}{
		{arg: "/Backups/Cake", want: "/Backups/Cake"},
		{arg: "/", want: "/"},
		{arg: "//Backups//Cake/", want: "/Backups/Cake"},
		{arg: "/Mes sauvegardes/Cake Wallet", want: "/Mes sauvegardes/Cake Wallet"},
		{arg: "Backups/Cake", wantErr: "must start with /"},
		{arg: "", wantErr: "must start with /"},
		{arg: "/Backups/../etc", wantErr: `".." is not allowed`},
		{arg: "/./Backups", wantErr: `"." is not allowed`},
		{arg: "/Back\x00ups", wantErr: "control character"},
		{arg: "/ Backups", wantErr: "space"},
		{arg: "/" + strings.Repeat("x", 256), wantErr: "longer than 255"},
	} {
		p, err := parseFolderPath(tc.arg)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseFolderPath(%q) = %v, %v; want error containing %q", tc.arg, p, err, tc.wantErr)
			}
			continue
		}
		if err != nil || p.String() != tc.want {
			t.Errorf("parseFolderPath(%q) = %q, %v; want %q", tc.arg, p.String(), err, tc.want)
		}
	}
}

func TestCheckBackupName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"cake_wallet_backup_2026-11-25_010203", true},
		{"backup.zip", true},
		{".hidden", false},
		{".backup.uploading-0011223344556677", false},
		{"a/b", false},
		{"", false},
		{"..", false},
		{strings.Repeat("n", 200), true},
		{strings.Repeat("n", 240), false},
	} {
		if err := checkBackupName(tc.name); (err == nil) != tc.ok {
			t.Errorf("checkBackupName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestCandidateName(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		want string
	}{
		{"cake_wallet_backup_2026-11-25_010203", 1, "cake_wallet_backup_2026-11-25_010203"},
		{"cake_wallet_backup_2026-11-25_010203", 2, "cake_wallet_backup_2026-11-25_010203-2"},
		{"backup.zip", 3, "backup-3.zip"},
		{"same", 12, "same-12"},
	} {
		if got := candidateName(tc.name, tc.n); got != tc.want {
			t.Errorf("candidateName(%q, %d) = %q, want %q", tc.name, tc.n, got, tc.want)
		}
	}
}

func TestTemporaryNamesAreHidden(t *testing.T) {
	for _, tc := range []struct {
		name string
		temp bool
	}{
		{".cake_backup.uploading-0011223344556677", true},
		{".cake_backup.uploading-0badc0de-4242-1764600000-0011223344556677", true},
		{"cake_backup", false},
		{"cake_backup.uploading-notreally", false},
		{".profile", false},
	} {
		if got := isTemporaryName(tc.name); got != tc.temp {
			t.Errorf("isTemporaryName(%q) = %v, want %v", tc.name, got, tc.temp)
		}
	}
}

func TestParseWriter(t *testing.T) {
	w := uploadWriter{host: "0badc0de", pid: 4242, start: 1764600000}
	if len(w.tag()) > maxWriterTagBytes {
		t.Fatalf("tag %q is longer than %d bytes", w.tag(), maxWriterTagBytes)
	}
	got, ok := parseWriter(".b.zip" + uploadingMarker + w.tag() + "-0011223344556677")
	if !ok || got != w {
		t.Fatalf("parseWriter = %+v, %v; want %+v", got, ok, w)
	}
	for _, name := range []string{".b" + uploadingMarker + "0011223344556677", ".b" + uploadingMarker + "x-1-2-3", ".b" + uploadingMarker + "0badc0de-0-1-2"} {
		if _, ok := parseWriter(name); ok {
			t.Errorf("parseWriter(%q) found a writer", name)
		}
	}
}

// TestListMissingFolder: checking a folder that is not there fails with
// ErrNotFound; neither that nor listing it (no backups) creates it.
func TestListMissingFolder(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	d := f.connect(t)
	dest, err := NewDestination(d, "/Missing/Deeper")
	if err != nil {
		t.Fatal(err)
	}
	err = dest.CheckFolder(context.Background())
	if !errors.Is(err, destinations.ErrNotFound) || !strings.Contains(err.Error(), "no such folder /Missing") {
		t.Fatalf("CheckFolder = %v, want no such folder /Missing (ErrNotFound)", err)
	}
	if list, err := dest.List(context.Background()); err != nil || len(list) != 0 {
		t.Fatalf("List = %v, %v; want no backups", list, err)
	}
	names, err := d.Folders(context.Background(), "/")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(names, "Missing") {
		t.Fatalf("listing created the folder: %v", names)
	}
}

// TestFolderOfNewerApp: a folder whose name hash the bridge cannot match
// (made by a Proton Drive 3.x app, rclone issue 9622) is named in the
// error, and no second folder of that name is made next to it, neither
// by a backup nor by ls; a folder whose contents' names do not decrypt is
// refused the same way.
func TestFolderOfNewerApp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	d := f.connect(t)
	if err := d.MakeFolder(ctx, "/", "Backups"); err != nil {
		t.Fatal(err)
	}
	root := d.bridge.RootLink.LinkID
	link, err := d.bridge.SearchByNameInActiveFolderByID(ctx, root, "Backups", false, true, protonapi.LinkStateActive)
	if err != nil || link == nil {
		t.Fatalf("Backups: %v, %v", link, err)
	}
	if err := f.srv.SetNameHash(link.LinkID, "sdk3-name-hash-the-bridge-cannot-compute"); err != nil {
		t.Fatal(err)
	}
	for _, create := range []bool{false, true} {
		dest, err := NewDestination(f.connect(t), "/Backups/Cake")
		if err != nil {
			t.Fatal(err)
		}
		if create {
			_, err = dest.Create(ctx, "b", -1)
		} else {
			err = dest.CheckFolder(ctx)
		}
		var fe *FolderError
		if !errors.As(err, &fe) || fe.Folder != "/Backups" || fe.Wanted != "/Backups/Cake" || !errors.Is(err, ErrFolderUnusable) {
			t.Fatalf("create %v: %v, want a FolderError for /Backups", create, err)
		}
		if !strings.Contains(err.Error(), "folder /Backups on Proton Drive was made by a newer Proton Drive app") {
			t.Fatalf("error %q does not say which folder", err)
		}
	}
	names, err := d.Folders(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"Backups"}) {
		t.Fatalf("root folders %v, want the one Backups", names)
	}

	// Names that do not decrypt.
	if err := f.srv.SetEncryptedName(link.LinkID, "-----BEGIN PGP MESSAGE-----\n\nnot a message\n-----END PGP MESSAGE-----\n"); err != nil {
		t.Fatal(err)
	}
	dest, err := NewDestination(f.connect(t), "/Other")
	if err != nil {
		t.Fatal(err)
	}
	_, err = dest.Create(ctx, "b", -1)
	var fe *FolderError
	if !errors.As(err, &fe) || !fe.Unreadable || fe.Folder != "/" {
		t.Fatalf("Create next to an unreadable name: %v, want an unreadable FolderError for /", err)
	}
}

// TestRunsMakeOneFolderAtOnce: runs that make the same new folders at the
// same moment (two jobs due at once) all end up in one folder, never in
// an error that calls the other run's folder a newer app's.
func TestRunsMakeOneFolderAtOnce(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	ctx := context.Background()
	p, err := parseFolderPath("/Race/Cake")
	if err != nil {
		t.Fatal(err)
	}
	const runs = 4
	drives := make([]*Drive, runs)
	for i := range drives {
		drives[i] = f.connect(t)
	}
	ids := make([]string, runs)
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for i, d := range drives {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = d.resolveFolder(ctx, p, true)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if ids[i] != ids[0] {
			t.Fatalf("runs made different folders: %v", ids)
		}
	}
	names, err := drives[0].Folders(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"Race"}) {
		t.Fatalf("root folders %v, want one Race", names)
	}
}
