package backup

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// Generators of the hostile inner archives from the adversarial runs.

// manySmallFiles is an inner archive of n files of size bytes each.
func manySmallFiles(t testing.TB, n, size int) []byte {
	var entries []zipEntry
	for i := range n {
		entries = append(entries, zipEntry{name: fmt.Sprintf("wallets/monero/w/f%05d", i), body: bytes.Repeat([]byte{byte(i)}, size)})
	}
	return innerZip(t, entries)
}

// directoryRecords splits a ZIP's central directory into its records.
func directoryRecords(t testing.TB, z []byte) (d innerDirectory, recs [][]byte) {
	t.Helper()
	d, err := readInnerDirectory(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	cd := z[d.offset : d.offset+d.size]
	for len(cd) > 0 {
		n := dirHeaderLen + int(binary.LittleEndian.Uint16(cd[28:])) + int(binary.LittleEndian.Uint16(cd[30:])) + int(binary.LittleEndian.Uint16(cd[32:]))
		recs = append(recs, cd[:n])
		cd = cd[n:]
	}
	return d, recs
}

// roundRobinDirectory reorders z's central directory so that consecutive
// entries lie in chunks far apart: entry i%k first, for k stripes.
func roundRobinDirectory(t testing.TB, z []byte, k int) []byte {
	d, recs := directoryRecords(t, z)
	var cd []byte
	for s := range k {
		for i := s; i < len(recs); i += k {
			cd = append(cd, recs[i]...)
		}
	}
	out := bytes.Clone(z)
	copy(out[d.offset:], cd)
	return out
}

// sharedDataArchive lists the single file of z n times under other names
// of the same length, all pointing at the same data: a small archive that
// claims n times its size.
func sharedDataArchive(t testing.TB, z []byte, n int) []byte {
	d, recs := directoryRecords(t, z)
	if len(recs) != 1 {
		t.Fatal("want one entry")
	}
	rec := recs[0]
	nameLen := int(binary.LittleEndian.Uint16(rec[28:]))
	var cd []byte
	for i := range n {
		r := bytes.Clone(rec)
		copy(r[dirHeaderLen+nameLen-5:], fmt.Sprintf("%05d", i))
		cd = append(cd, r...)
	}
	end := bytes.Clone(z[d.offset+d.size:])
	binary.LittleEndian.PutUint16(end[8:], uint16(n))
	binary.LittleEndian.PutUint16(end[10:], uint16(n))
	binary.LittleEndian.PutUint32(end[12:], uint32(len(cd)))
	return append(append(bytes.Clone(z[:d.offset]), cd...), end...)
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestRoundRobinDirectory is the central directory ordered round-robin
// across chunks: Verify and Restore read entries in the order of their
// data, so each chunk is read (and decrypted) about once, not once per
// entry.
func TestRoundRobinDirectory(t *testing.T) {
	t.Parallel()
	inner := roundRobinDirectory(t, manySmallFiles(t, 400, 100), 7)
	b := sealInnerFast(t, inner, 2048)
	cr := &countingReaderAt{r: bytes.NewReader(b)}
	a, err := Open(cr, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if a.Info().Chunks < 20 {
		t.Fatalf("only %d chunks", a.Info().Chunks)
	}
	// Verify reads data.bin once for its CRC-32 and once to decrypt.
	cr.n.Store(0)
	if err := a.verify(t.Context(), testKeys, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := cr.n.Load(); got > 3*int64(len(b)) {
		t.Errorf("Verify read %d bytes of a %d-byte backup", got, len(b))
	}
	cr.n.Store(0)
	target := filepath.Join(t.TempDir(), "out")
	if _, err := a.restore(t.Context(), testKeys, target, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := cr.n.Load(); got > 2*int64(len(b)) {
		t.Errorf("Restore read %d bytes of a %d-byte backup", got, len(b))
	}
	if got := readTree(t, target); len(got) != 400 || got["wallets/monero/w/f00399"][99] != byte(399%256) {
		t.Errorf("restored %d files", len(got))
	}
}

// TestSharedDataRefused is the 3.9 MiB backup that claimed 977 GiB:
// directory entries sharing one file's data. Verify and Restore refuse it
// before writing anything.
func TestSharedDataRefused(t *testing.T) {
	inner := sharedDataArchive(t, innerZip(t, []zipEntry{{name: "wallets/monero/w/f00000", body: make([]byte, 64<<10)}}), 2000)
	a, err := openBytes(sealInnerFast(t, inner, 0))
	if err != nil {
		t.Fatal(err)
	}
	verr := a.verify(t.Context(), testKeys, RestoreOptions{})
	target := filepath.Join(t.TempDir(), "out")
	_, rerr := a.restore(t.Context(), testKeys, target, RestoreOptions{})
	for what, err := range map[string]error{"Verify": verr, "Restore": rerr} {
		if !errors.Is(err, ErrNotBackup) || !strings.Contains(err.Error(), "share data") {
			t.Errorf("%s: %v", what, err)
		}
	}
	assertAbsent(t, target)
}

// TestMaxSize: a restore that would write more than MaxSize is refused by
// Verify and Restore alike, before anything is written.
func TestMaxSize(t *testing.T) {
	a, err := openBytes(sealInnerFast(t, manySmallFiles(t, 3, 100<<10), 0))
	if err != nil {
		t.Fatal(err)
	}
	small := RestoreOptions{MaxSize: 250 << 10}
	target := filepath.Join(t.TempDir(), "out")
	if err := a.verify(t.Context(), testKeys, small); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Verify: %v", err)
	}
	if _, err := a.restore(t.Context(), testKeys, target, small); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Restore: %v", err)
	}
	assertAbsent(t, target)
	res, err := a.restore(t.Context(), testKeys, target, RestoreOptions{MaxSize: 300 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 3 || res.Size != 300<<10 {
		t.Errorf("result %+v", res)
	}
	// The default allows 32 times the archive, at least 256 MiB.
	if got := (RestoreOptions{}).maxSize(1 << 20); got != 256<<20 {
		t.Errorf("default limit for 1 MiB: %d", got)
	}
	if got := (RestoreOptions{}).maxSize(1 << 30); got != 32<<30 {
		t.Errorf("default limit for 1 GiB: %d", got)
	}
}

// TestRestoreNoSpace restores into a real 1 MiB tmpfs a backup of 2 MiB:
// refused up front, nothing written.
func TestRestoreNoSpace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	a, err := openBytes(sealInnerFast(t, manySmallFiles(t, 2, 1<<20), 0))
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(mnt, "out")
	if _, err := a.restore(t.Context(), testKeys, target, RestoreOptions{}); !errors.Is(err, ErrNoSpace) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want ErrNoSpace", err)
	}
	assertAbsent(t, target)
}

// TestHugeMetadataBoundedMemory is the "many chunks" hostile file: a
// metadata.json of the largest size a reader accepts, listing tens of
// thousands of empty chunks. Opening and checking it stays well under
// 200 MiB; one byte more is refused.
func TestHugeMetadataBoundedMemory(t *testing.T) {
	rec := `{"sha512sum":{"encrypted":"` + strings.Repeat("a", 128) + `","plain":"` + strings.Repeat("b", 128) + `"},"length":{"encrypted":121,"plain":0}},`
	n := (maxMetadataSize - 400) / len(rec)
	meta := `{"version":3,"sha512sum":"` + strings.Repeat("0", 128) + `","chunks":[` + strings.Repeat(rec, n)
	meta = meta[:len(meta)-1] + `]}`
	b := rebuildContainer(t, zip.Store,
		zipEntry{name: "data.bin", body: make([]byte, 121*n)},
		zipEntry{name: "metadata.json", body: []byte(meta)})
	meta = ""
	resetPeakRSS()
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Info().Chunks != n {
		t.Fatalf("%d chunks", a.Info().Chunks)
	}
	if err := a.CheckIntegrity(t.Context()); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("CheckIntegrity: %v", err)
	}
	if rss := peakRSS(); rss > 200<<20 {
		t.Errorf("peak RSS %d MiB", rss>>20)
	} else {
		t.Logf("%d chunks, peak RSS %d MiB", n, rss>>20)
	}
	big := rebuildContainer(t, zip.Store,
		zipEntry{name: "data.bin", body: nil},
		zipEntry{name: "metadata.json", body: make([]byte, maxMetadataSize+1)})
	if _, err := openBytes(big); !errors.Is(err, ErrNotBackup) {
		t.Errorf("oversized metadata.json: %v", err)
	}
}

// TestZip64Directory plans an inner archive of more than 65,535 entries,
// which archive/zip writes with a Zip64 end record: the directory and
// every local header offset are found.
func TestZip64Directory(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	const n = 70_000
	for i := range n {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("d%02d/f%05d", i%50, i), Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{byte(i)})
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	r := bytes.NewReader(b)
	zr, dir, err := readInnerZip(r, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if dir.records != n {
		t.Fatalf("%d records", dir.records)
	}
	plan, err := planZip(r, zr, dir, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range plan.entries {
		off, err := e.file.DataOffset()
		if err != nil || off != e.off+localHeaderLen+int64(len(e.file.Name)) {
			t.Fatalf("entry %d: offset %d, data at %d (%v)", i, e.off, off, err)
		}
	}
	if err := readPlanned(t.Context(), nil, plan); err != nil {
		t.Fatal(err)
	}
}
