package backup_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

// harmlessBytes returns the bytes of a v3 container (which must have no
// archive comment) that a reader may not notice flipped, each with why
// that is harmless: fields no reader refuses an entry for and no reader
// uses to read its contents. Every other byte of a backup is the data, a
// checksum, or structure the app's reader, Python's zipfile or
// archive/zip reads, and its flip must be refused.
func harmlessBytes(t *testing.T, data []byte) map[int]string {
	t.Helper()
	end := len(data) - 22
	if binary.LittleEndian.Uint32(data[end:]) != 0x06054b50 {
		t.Fatal("the golden container has an archive comment or no end record")
	}
	harmless := map[int]string{}
	mark := func(from, n int, why string) {
		for i := from; i < from+n; i++ {
			harmless[i] = why
		}
	}
	p := int(binary.LittleEndian.Uint32(data[end+16:]))
	for range int(binary.LittleEndian.Uint16(data[end+10:])) {
		local := int(binary.LittleEndian.Uint32(data[p+42:]))
		mark(local+4, 2, "local version needed to extract: no reader reads the local copy")
		mark(local+10, 4, "local modification time: no reader refuses an entry for it")
		mark(p+4, 2, "version made by: says how the external attributes encode a file mode, which no reader of backups uses")
		// Readers refuse a version above 6.3 (flipping all bits of 20
		// gives 235): a flip to another version below it is harmless.
		mark(p+6, 1, "version needed to extract, when at most 6.3")
		mark(p+7, 1, "the system the version needed refers to: no reader reads it")
		mark(p+12, 4, "modification time: no reader refuses an entry for it")
		mark(p+36, 2, "internal attributes: a text/binary hint")
		mark(p+38, 4, "external attributes: the file mode, which no reader of backups uses")
		nameLen, extraLen := int(binary.LittleEndian.Uint16(data[p+28:])), int(binary.LittleEndian.Uint16(data[p+30:]))
		// archive/zip writes a modification time in the extra fields.
		mark(p+46+nameLen, extraLen, "extra field: only a modification time, which no reader refuses an entry for")
		mark(local+30+nameLen, int(binary.LittleEndian.Uint16(data[local+28:])),
			"local extra field: only a modification time, and no reader reads the local copy")
		p += 46 + nameLen + extraLen + int(binary.LittleEndian.Uint16(data[p+32:]))
	}
	return harmless
}

// isDamage reports whether err is one of the verdicts the command exits
// 4 (damaged) for.
func isDamage(err error) bool {
	var chunk *backup.ChunkError
	for _, e := range []error{backup.ErrNotBackup, backup.ErrBadLength, backup.ErrUnsupportedVersion,
		backup.ErrBadChecksum, backup.ErrLegacyV1} {
		if errors.Is(err, e) {
			return true
		}
	}
	return errors.As(err, &chunk)
}

// TestEveryByteFlipRefused flips every byte of each golden backup, all
// its bits and its lowest bit, and checks that IntegrityCheck refuses the
// copy as damaged, unless the byte is one harmlessBytes lists. A harmless
// flip that passes must still verify with the password and restore the
// same files (checked for the first entry's fields, once each; the copies
// share the keys derived for the first, as no harmless byte is a salt).
func TestEveryByteFlipRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, g := range goldenBackups {
		t.Run(g.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", "golden", g.file))
			if err != nil {
				t.Fatal(err)
			}
			var harmless map[int]string
			if g.version == 3 {
				harmless = harmlessBytes(t, data)
			}
			withPassword := map[string]bool{}
			keys, err := backup.Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			for _, mask := range []byte{0xff, 0x01} {
				for _, at := range flipOffsets(g.version, len(data)) {
					bad := bytes.Clone(data)
					bad[at] ^= mask
					err := backup.IntegrityCheck(ctx, bytes.NewReader(bad), int64(len(bad)))
					why, ok := harmless[at]
					switch {
					case err != nil:
						if !isDamage(err) {
							t.Errorf("byte %d ^ 0x%02x: IntegrityCheck = %v, not a verdict of damage", at, mask, err)
						}
					case !ok:
						t.Errorf("byte %d ^ 0x%02x: IntegrityCheck accepts the damaged copy", at, mask)
					case !withPassword[why]:
						withPassword[why] = true
						checkRestores(t, bad, at, mask, keys)
					}
				}
			}
		})
	}
}

// TestOurBackupEveryByteFlipRefused: the same for a backup Write makes,
// whose container archive/zip writes with data descriptors after the
// entries and modification times in extra fields.
func TestOurBackupEveryByteFlipRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	wallet := filepath.Join(dir, "wallets", "monero", "flip")
	if err := os.MkdirAll(wallet, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wallet, "flip.keys"), []byte("flip me"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := backup.Collect(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := backup.Write(ctx, &out, src, backup.WriteOptions{Password: "flip password", AppVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	data := out.Bytes()
	if err := backup.IntegrityCheck(ctx, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("IntegrityCheck of the backup as written: %v", err)
	}
	harmless := harmlessBytes(t, data)
	for _, mask := range []byte{0xff, 0x01} {
		for at := range data {
			if _, ok := harmless[at]; ok {
				continue
			}
			bad := bytes.Clone(data)
			bad[at] ^= mask
			if err := backup.IntegrityCheck(ctx, bytes.NewReader(bad), int64(len(bad))); !isDamage(err) {
				t.Errorf("byte %d ^ 0x%02x: IntegrityCheck = %v, want damage", at, mask, err)
			}
		}
	}
}

// flipOffsets returns the bytes of a golden backup of the given version
// and size to flip: all of a container's; of a bare v2 blob, its header
// and every 16th byte of its ciphertext and the last. A blob is one BLAKE2b
// checksum over everything but itself, so sampled ciphertext bytes stand
// for the rest, and each check of a bare blob costs a millisecond (it
// allocates 1 MiB buffers), which for every byte would take seconds.
func flipOffsets(version, size int) []int {
	var at []int
	for i := 0; i < size; i++ {
		if version == 3 || i < 1+16+24+16+64 || i%16 == 0 || i == size-1 {
			at = append(at, i)
		}
	}
	return at
}

// TestTrailingBytesRefused: bytes appended to a golden backup are damage,
// named as bytes after the end of the archive for a container.
func TestTrailingBytesRefused(t *testing.T) {
	t.Parallel()
	for _, g := range goldenBackups {
		data, err := os.ReadFile(filepath.Join("testdata", "golden", g.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, tail := range [][]byte{{0}, []byte("PK\x05\x06"), bytes.Repeat([]byte{0xff}, 2000)} {
			bad := append(bytes.Clone(data), tail...)
			err := backup.IntegrityCheck(context.Background(), bytes.NewReader(bad), int64(len(bad)))
			if !isDamage(err) {
				t.Errorf("%s + %d bytes: IntegrityCheck = %v, want damage", g.file, len(tail), err)
			}
			var ce *backup.ContainerError
			if g.version == 3 && (!errors.As(err, &ce) || ce.Offset != int64(len(data))) {
				t.Errorf("%s + %d bytes: IntegrityCheck = %v, want a ContainerError at byte %d", g.file, len(tail), err, len(data))
			}
		}
	}
}

// checkRestores checks that bad, a golden backup with a harmless flip,
// verifies with the password and restores the golden files, with the keys
// of keys, the golden backup opened (backup.ShareKeys).
func checkRestores(t *testing.T, bad []byte, at int, mask byte, keys *backup.Archive) {
	t.Helper()
	ctx := context.Background()
	a, err := backup.Open(bytes.NewReader(bad), int64(len(bad)))
	if err != nil {
		t.Errorf("byte %d ^ 0x%02x: IntegrityCheck accepts it but Open fails: %v", at, mask, err)
		return
	}
	backup.ShareKeys(a, keys)
	to := filepath.Join(t.TempDir(), "restored")
	if err := a.Restore(ctx, goldenPassword, to); err != nil {
		t.Errorf("byte %d ^ 0x%02x: IntegrityCheck accepts it but Restore fails: %v", at, mask, err)
		return
	}
	for name, want := range goldenFiles() {
		if got, err := os.ReadFile(filepath.Join(to, filepath.FromSlash(name))); err != nil || !bytes.Equal(got, want) {
			t.Errorf("byte %d ^ 0x%02x: restored %s = %q (%v), want %q", at, mask, name, got, err, want)
		}
	}
}

// TestDamagedContainerOfABackupIsDamaged: a container whose directory
// names a backup's entries (metadata.json, data.bin) but whose structure
// is damaged is a damaged backup: a *ContainerError with Backup set that
// matches ErrBadChecksum, and still ErrNotBackup for callers that ask,
// and says "damaged", not "not a Cake Wallet backup". Another ZIP damaged
// the same way is no backup.
func TestDamagedContainerOfABackupIsDamaged(t *testing.T) {
	t.Parallel()
	golden, err := os.ReadFile(filepath.Join("testdata", "golden", "v3.bin"))
	if err != nil {
		t.Fatal(err)
	}
	var other bytes.Buffer
	zw := zip.NewWriter(&other)
	w, err := zw.Create("notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("shopping list")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	flipSignature := func(b []byte) []byte { b = bytes.Clone(b); b[3] ^= 0xff; return b }
	trailing := func(b []byte) []byte { return append(bytes.Clone(b), "junk"...) }
	tests := []struct {
		name   string
		data   []byte
		backup bool
	}{
		{"a backup with bytes after its end", trailing(golden), true},
		{"a backup whose first local header is damaged", flipSignature(golden), true},
		{"another ZIP with bytes after its end", trailing(other.Bytes()), false},
		{"another ZIP whose first local header is damaged", flipSignature(other.Bytes()), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := backup.IntegrityCheck(t.Context(), bytes.NewReader(tt.data), int64(len(tt.data)))
			var ce *backup.ContainerError
			if !errors.As(err, &ce) || !errors.Is(err, backup.ErrNotBackup) {
				t.Fatalf("IntegrityCheck = %v, want a ContainerError matching ErrNotBackup", err)
			}
			if ce.Backup != tt.backup || errors.Is(err, backup.ErrBadChecksum) != tt.backup {
				t.Errorf("Backup %v, ErrBadChecksum %v; want both %v", ce.Backup, errors.Is(err, backup.ErrBadChecksum), tt.backup)
			}
			msg := err.Error()
			if damaged := strings.Contains(msg, "the backup is damaged") && !strings.Contains(msg, "not a Cake Wallet backup"); damaged != tt.backup {
				t.Errorf("message %q; want it to say damaged: %v", msg, tt.backup)
			}
		})
	}
}

// TestCutShortBackupSaysSo: a backup's container that ends early (a copy
// or download that did not finish: its first entry is a backup's, and no
// end record follows) is a backup cut short, matching ErrBadChecksum and
// ErrNotBackup as a damaged one does, and saying "cut short" and where the
// file ends. It said "not a Cake Wallet backup, or its container is
// damaged: zip: not a valid zip file". Other short files are no backups.
func TestCutShortBackupSaysSo(t *testing.T) {
	t.Parallel()
	golden, err := os.ReadFile(filepath.Join("testdata", "golden", "v3.bin"))
	if err != nil {
		t.Fatal(err)
	}
	var other bytes.Buffer
	zw := zip.NewWriter(&other)
	w, err := zw.Create("notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(bytes.Repeat([]byte("shopping list "), 100)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		cut  bool
	}{
		{"a backup cut after its first header", golden[:50], true},
		{"a backup cut in its data", golden[:len(golden)/2], true},
		{"a backup cut just before its end record", golden[:len(golden)-22], true},
		{"a backup cut inside its first header", golden[:20], false},
		{"another ZIP cut short", other.Bytes()[:other.Len()/2], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := backup.IntegrityCheck(t.Context(), bytes.NewReader(tc.data), int64(len(tc.data)))
			if !errors.Is(err, backup.ErrNotBackup) {
				t.Fatalf("IntegrityCheck = %v, want ErrNotBackup", err)
			}
			var ce *backup.ContainerError
			cut := errors.As(err, &ce) && ce.CutShort
			if cut != tc.cut || errors.Is(err, backup.ErrBadChecksum) != tc.cut {
				t.Fatalf("IntegrityCheck = %v: cut short %v, ErrBadChecksum %v; want both %v", err, cut, errors.Is(err, backup.ErrBadChecksum), tc.cut)
			}
			want := fmt.Sprintf("the file ends before its container does, after %d bytes: the backup was cut short (a copy or download that did not finish)", len(tc.data))
			if msg := err.Error(); tc.cut && msg != want {
				t.Errorf("message %q, want %q", msg, want)
			}
		})
	}
}
