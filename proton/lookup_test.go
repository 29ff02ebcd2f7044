package proton

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	bridge "github.com/rclone/Proton-API-Bridge"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// TestLookupRequests counts the requests each operation of a new command
// (a new Drive) sends for a backup in /Backups/cake. Looking a name up
// lists the folder once and matches the name hash in the listing, where
// the bridge's search asked for the hash first and then listed; the
// check for a folder the hash misses reads the same listing; List reads
// sizes with the folder's key it already has. The counts in comments are
// those of the bridge's SearchByNameInActiveFolderByID, ListDirectory
// and GetActiveRevisionAttrs. A listing is two requests: go-proton-api
// reads pages until an empty one.
func TestLookupRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	data := bytes.Repeat([]byte("cake"), 1000)
	setup := f.madeDestAt(t, "/Backups/cake")
	putDirect(t, f, setup, "b1", data)
	putDirect(t, f, setup, "b2", data)

	cases := []struct {
		name string
		op   func(d *Destination) error
		// Requests on the routes lookups use.
		children, hashes, links int
	}{
		// Was 8 listing, 2 hash checks, 5 links. The listings: /, /Backups,
		// the stale upload check and the free-name check in /Backups/cake.
		// The links are the bridge's own, for the upload, the download
		// and the rename.
		{"store", func(d *Destination) error {
			if _, err := d.Reclaim(ctx); err != nil { // as the job package does first
				return err
			}
			_, err := putBackup(ctx, d, "b3", data)
			return err
		}, 8, 0, 5},
		// Was 6, 2, 3.
		{"list", func(d *Destination) error {
			l, err := d.List(ctx)
			if err == nil && len(l) != 3 {
				t.Errorf("List = %v, want b1, b2 and b3", l)
			}
			return err
		}, 6, 0, 0},
		// Was 6, 3, 4. The links are the bridge's, for the download; it
		// is given the file's link from the listing.
		{"open", func(d *Destination) error {
			r, err := d.Open(ctx, "b1")
			if err != nil {
				return err
			}
			defer r.Close()
			got, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
			if err == nil && !bytes.Equal(got, data) {
				t.Error("Open read other bytes")
			}
			return err
		}, 6, 0, 3},
		// Was 6, 3, 4. The link is the bridge's, for the trash.
		{"delete", func(d *Destination) error { return d.Delete(ctx, "b2") }, 6, 0, 1},
		// Was 6, 3, 3: a hash check and a listing for the missing folder.
		{"missing folder", func(d *Destination) error {
			d.path = append(d.path[:len(d.path):len(d.path)], "missing")
			if err := d.CheckFolder(ctx); !errors.Is(err, destinations.ErrNotFound) {
				t.Errorf("CheckFolder = %v, want ErrNotFound", err)
			}
			return nil
		}, 6, 0, 0},
		// Was 4, 1, 2.
		{"folders", func(d *Destination) error {
			names, err := d.drive.Folders(ctx, "/Backups")
			if err == nil && (len(names) != 1 || names[0] != "cake") {
				t.Errorf("Folders = %v, want cake", names)
			}
			return err
		}, 4, 0, 0},
	}
	// One at a time: the counts are the server's.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dest, err := NewDestination(f.connect(t), "/Backups/cake")
			if err != nil {
				t.Fatal(err)
			}
			before := f.srv.CallCounts()
			if err := c.op(dest); err != nil {
				t.Fatal(err)
			}
			after := f.srv.CallCounts()
			for _, r := range []struct {
				route string
				want  int
			}{
				{protontest.RouteListChildren, c.children},
				{protontest.RouteCheckAvailableHashes, c.hashes},
				{protontest.RouteGetLink, c.links},
			} {
				if got := after[r.route] - before[r.route]; got != r.want {
					t.Errorf("%d requests %s, want %d", got, r.route, r.want)
				}
			}
		})
	}
}

// TestFolderKeysUnlockedOnce: a command that stores, lists, opens and
// deletes unlocks the key of each folder on the way, a 16 MiB key
// derivation each, once: /, /Backups and /Backups/cake.
func TestFolderKeysUnlockedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	data := bytes.Repeat([]byte("cake"), 1000)
	drive := f.connect(t)
	dest, err := NewDestination(drive, "/Backups/cake")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := putBackup(ctx, dest, "b", data); err != nil {
		t.Fatal(err)
	}
	if l, err := dest.List(ctx); err != nil || len(l) != 1 {
		t.Fatalf("List = %v, %v", l, err)
	}
	r, err := dest.Open(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := drive.Folders(ctx, "/Backups"); err != nil {
		t.Fatal(err)
	}
	if err := dest.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	drive.mu.Lock()
	defer drive.mu.Unlock()
	if drive.unlocked != 3 {
		t.Fatalf("%d folder keys unlocked, want 3", drive.unlocked)
	}
}

// TestVerifier: signatures by the share's address are checked with the
// bridge's key ring, those of other addresses with the account's address
// keys, read once (public keys only), and an address not the account's
// gives the bridge's error, as the bridge's own check does.
func TestVerifier(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	drive := f.connect(t)
	creator := drive.bridge.MainShare.Creator
	signer, err := crypto.PGP().Sign().SigningKeys(drive.bridge.DefaultAddrKR).Detached().New()
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("a name")
	sig, err := signer.Sign(data, crypto.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	checks := func(kr *crypto.KeyRing) bool {
		v, err := crypto.PGP().Verify().VerificationKeys(kr).New()
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.VerifyDetached(data, sig, crypto.Bytes)
		return err == nil && res.SignatureError() == nil
	}

	before := f.srv.Calls("GET /core/v4/addresses")
	for _, emails := range [][]string{{creator}, {"", creator}, {creator, creator}} {
		kr, err := drive.verifier(ctx, emails)
		if err != nil || !checks(kr) {
			t.Fatalf("verifier(%q) = %v; does not check the share address's signature", emails, err)
		}
	}
	if n := f.srv.Calls("GET /core/v4/addresses") - before; n != 0 {
		t.Fatalf("the share's own address read the addresses %d times", n)
	}
	for range 2 {
		addrs, err := drive.addressKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kr := addrs[creator]
		if kr == nil || !checks(kr) {
			t.Fatalf("the address keys of %s do not check its signature", creator)
		}
		for _, k := range kr.GetKeys() {
			if k.IsPrivate() {
				t.Fatal("a private key among the address keys")
			}
		}
	}
	if n := f.srv.Calls("GET /core/v4/addresses") - before; n != 1 {
		t.Fatalf("addresses read %d times, want once", n)
	}
	if _, err := drive.verifier(ctx, []string{"stranger@example.com"}); !errors.Is(err, bridge.ErrNoKeyringForSignatureVerification) {
		t.Fatalf("verifier of a stranger = %v, want the bridge's ErrNoKeyringForSignatureVerification", err)
	}
}
