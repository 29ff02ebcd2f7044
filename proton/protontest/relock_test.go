package protontest

import (
	"bytes"
	"context"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	bridge "github.com/rclone/Proton-API-Bridge"
)

// TestNodeKeysRelockedCheaply: a server of NewForTest stores the node
// keys the bridge sends for a folder and a file locked again with the
// cheap S2K (65536 bytes hashed), and they are the same keys: the bridge
// lists the folder and reads the file back through them. A server of New
// stores them as the bridge locked them (gopenpgp's default, 16 MiB).
func TestNodeKeysRelockedCheaply(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		forTest bool
		want    int
	}{
		{name: "NewForTest", forTest: true, want: 65536},
		{name: "New", want: 16 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var srv *Server
			var drive *bridge.ProtonDrive
			if tc.forTest {
				ts := NewForTest(t)
				srv = ts.Server
				drive = sessionBridge(t, ctx, sessionConfig(t, ts))
			} else {
				UseFastKeys() // the account's keys; the drive's are New's own
				var err error
				if srv, err = New(Options{}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = srv.Close() })
				// AddUser's own login, kept: the bridge starts on it
				// instead of logging in again.
				session, err := srv.addUser("nell", "nell's long test password", true)
				if err != nil {
					t.Fatal(err)
				}
				drive = sessionBridge(t, ctx, keptSessionConfig(t, srv, *session))
			}
			folder, err := drive.CreateNewFolderByID(ctx, drive.RootLink.LinkID, "f")
			if err != nil {
				t.Fatal(err)
			}
			data := []byte("the wallet backup")
			file := upload(t, ctx, drive, folder, "x.cake", data)

			links := map[string]string{}
			for _, l := range stored(t, srv).Links {
				links[l.LinkID] = l.NodeKey
			}
			for what, id := range map[string]string{"folder": folder, "file": file} {
				if got := s2kCount(t, links[id]); got != tc.want {
					t.Errorf("the %s's node key is locked with %d bytes hashed, want %d", what, got, tc.want)
				}
			}
			if names := listNames(t, ctx, drive, folder); !equalStrings(names, []string{"x.cake"}) {
				t.Fatalf("folder holds %v, want [x.cake]", names)
			}
			if got := download(t, ctx, drive, file); !bytes.Equal(got, data) {
				t.Fatalf("downloaded %q, want %q", got, data)
			}
		})
	}
}

// s2kCount returns how many bytes the iterated and salted S2K of the
// armored, locked v4 private key hashes (RFC 4880, 3.7.1.3): the count
// byte that follows the public key material, the S2K usage octet, the
// cipher, the S2K type, its hash and its 8-byte salt.
func s2kCount(t *testing.T, armored string) int {
	t.Helper()
	block, err := armor.Decode(bytes.NewReader([]byte(armored)))
	if err != nil {
		t.Fatalf("node key: %v", err)
	}
	var raw bytes.Buffer
	if _, err := raw.ReadFrom(block.Body); err != nil {
		t.Fatalf("node key: %v", err)
	}
	secret, err := packet.NewOpaqueReader(bytes.NewReader(raw.Bytes())).Next()
	if err != nil {
		t.Fatalf("node key: %v", err)
	}
	p, err := packet.Read(bytes.NewReader(raw.Bytes()))
	if err != nil {
		t.Fatalf("node key: %v", err)
	}
	key, ok := p.(*packet.PrivateKey)
	if !ok || !key.Encrypted {
		t.Fatalf("node key: %T, not a locked private key", p)
	}
	var pub bytes.Buffer
	if err := key.PublicKey.Serialize(&pub); err != nil {
		t.Fatal(err)
	}
	public, err := packet.NewOpaqueReader(&pub).Next()
	if err != nil {
		t.Fatal(err)
	}
	c := secret.Contents
	n := len(public.Contents)
	const usageIterated, typeIterated = 254, 3
	if len(c) < n+13 || c[n] != usageIterated || c[n+2] != typeIterated {
		t.Fatalf("node key is not locked with an iterated and salted S2K")
	}
	count := c[n+12]
	return (16 + int(count&15)) << (uint(count>>4) + 6)
}
