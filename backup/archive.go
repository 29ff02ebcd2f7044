package backup

import (
	"archive/zip"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// Entry names of the v3 container. Cake Wallet writes them in this order
// (data.bin, metadata.json, README.txt), and so do we.
const (
	dataEntry     = "data.bin"
	metadataEntry = "metadata.json"
	readmeEntry   = "README.txt"
)

// maxReadmeSize bounds what we read of README.txt.
const maxReadmeSize = 64 << 10

// Archive is an opened backup: a v3 container or a bare v2 blob. Its
// methods may be called one at a time; it is not safe for concurrent use.
type Archive struct {
	r    io.ReaderAt
	size int64
	info Info

	// data is data.bin of a v3 container, nil for a bare v2 blob (whose
	// data is the whole file).
	data *zip.File
	// outer are all the container's entries, for their CRC-32 checks.
	outer []*zip.File
	// chunks describe the blobs in the data stream, in order. A bare v2
	// blob is one chunk with unknown plain length and no SHA-512s.
	chunks []chunkInfo
	// keys are the key caches of the passwords given so far (keysFor).
	keys map[string]*keyCache
}

// chunkInfo locates one blob in the data stream and says what it should
// hash to.
type chunkInfo struct {
	encOff, encLen     int64
	plainOff, plainLen int64  // plainLen is -1 when unknown (bare v2 blob)
	encSum, plainSum   []byte // nil for a bare v2 blob
}

// Info describes an opened backup.
type Info struct {
	// Version is 2 for a bare blob, 3 for a container.
	Version int
	// AppName and AppVersion come from README.txt and metadata.json.
	AppName, AppVersion string
	// Created is the creation time from README.txt; zero if unknown.
	Created time.Time
	// Size is the length of the backup file; PlainSize of the inner
	// archive (0 if unknown before decryption).
	Size, PlainSize int64
	// Chunks is the number of sealed chunks.
	Chunks int
	// SHA512 is the hex SHA-512 of the inner archive from metadata.
	SHA512 string
}

// Entry is one file of the inner archive.
type Entry struct {
	// Name is the slash-separated path inside the inner archive.
	Name string `json:"name"`
	// Size is the uncompressed length in bytes.
	Size int64 `json:"size"`
}

// Open reads the structure of a backup of the given size: a v3 container
// (starting with "PK") or a bare v2 blob (starting with 0x02). A version 1
// backup yields ErrLegacyV1. Open reads only the container's directory,
// metadata.json and README.txt; CheckIntegrity and Verify read the rest.
func Open(r io.ReaderAt, size int64) (*Archive, error) {
	if size <= 0 {
		return nil, fmt.Errorf("the file is empty: %w", ErrBadLength)
	}
	r = mediumReader{r}
	var first [1]byte
	if _, err := r.ReadAt(first[:], 0); err != nil {
		return nil, err
	}
	switch first[0] {
	case legacyVersion:
		return nil, ErrLegacyV1
	case blobVersion:
		return openBareBlob(r, size)
	case 'P':
		return openContainer(r, size)
	default:
		return nil, fmt.Errorf("first byte 0x%02x is neither a v2 blob nor a ZIP container: %w", first[0], ErrUnsupportedVersion)
	}
}

func openBareBlob(r io.ReaderAt, size int64) (*Archive, error) {
	if size < minBlobLen {
		return nil, fmt.Errorf("%d bytes is shorter than a v2 blob header: %w", size, ErrBadLength)
	}
	return &Archive{
		r:      r,
		size:   size,
		info:   Info{Version: blobVersion, Size: size, Chunks: 1},
		chunks: []chunkInfo{{encLen: size, plainLen: -1}},
	}, nil
}

func openContainer(r io.ReaderAt, size int64) (*Archive, error) {
	zr, err := zip.NewReader(r, size)
	if isReadError(err) {
		return nil, err
	}
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		cut, cerr := cutShort(r, size)
		switch {
		case isReadError(cerr):
			return nil, cerr
		case cut:
			return nil, &ContainerError{Offset: size, Reason: "the file ends before its container does", Backup: true, CutShort: true}
		}
		return nil, fmt.Errorf("%w: %w", ErrNotBackup, err)
	}
	// archive/zip reads only the central directory and the lengths in the
	// local headers; the app's reader reads the rest.
	if err := checkContainerLayout(r, size, zr.File); err != nil {
		if ce := (*ContainerError)(nil); errors.As(err, &ce) {
			ce.Backup = namesBackup(zr.File)
		}
		return nil, err
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		switch f.Name {
		case dataEntry, metadataEntry, readmeEntry:
			if entries[f.Name] != nil {
				return nil, fmt.Errorf("the container holds %s twice: %w", f.Name, ErrNotBackup)
			}
			entries[f.Name] = f
		}
	}
	for _, name := range []string{metadataEntry, dataEntry} {
		if entries[name] == nil {
			return nil, fmt.Errorf("the container has no %s: %w", name, ErrNotBackup)
		}
	}
	raw, err := readEntry(entries[metadataEntry], maxMetadataSize)
	if err != nil {
		return nil, err
	}
	meta, err := decodeMetadata(raw)
	if err != nil {
		return nil, err
	}
	a := &Archive{
		r:     r,
		size:  size,
		data:  entries[dataEntry],
		outer: zr.File,
		info: Info{
			Version:    containerVersion,
			AppVersion: meta.CakeVersion,
			Size:       size,
			Chunks:     len(meta.Chunks),
			SHA512:     strings.ToLower(meta.SHA512),
		},
	}
	if f := entries[readmeEntry]; f != nil {
		if text, err := readEntry(f, maxReadmeSize); err == nil {
			facts := parseReadme(string(text))
			a.info.AppName, a.info.Created = facts.appName, facts.created
			if a.info.AppVersion == "" {
				a.info.AppVersion = facts.appVersion
			}
		}
	}
	for _, f := range zr.File {
		if !possibleSizes(f, size) {
			return nil, fmt.Errorf("%s has impossible sizes: %w", f.Name, ErrNotBackup)
		}
	}
	var encOff, plainOff int64
	for _, c := range meta.Chunks {
		encSum, _ := hex.DecodeString(c.SHA512.Encrypted) // validated by decodeMetadata
		plainSum, _ := hex.DecodeString(c.SHA512.Plain)
		a.chunks = append(a.chunks, chunkInfo{
			encOff: encOff, encLen: c.Length.Encrypted,
			plainOff: plainOff, plainLen: c.Length.Plain,
			encSum: encSum, plainSum: plainSum,
		})
		encOff += c.Length.Encrypted
		plainOff += c.Length.Plain
		if encOff < 0 || plainOff < 0 {
			return nil, fmt.Errorf("metadata.json chunk lengths overflow: %w", ErrNotBackup)
		}
	}
	if uint64(encOff) != a.data.UncompressedSize64 {
		return nil, fmt.Errorf("metadata.json chunks add up to %d bytes but data.bin holds %d: %w",
			encOff, a.data.UncompressedSize64, ErrNotBackup)
	}
	a.info.PlainSize = plainOff
	return a, nil
}

// possibleSizes holds the sizes in the ZIP directory, which are claims, to
// what a file of size bytes can contain (deflate expands at most about
// 1032 times).
func possibleSizes(f *zip.File, size int64) bool {
	return f.CompressedSize64 <= uint64(size) &&
		(f.Method != zip.Store || f.UncompressedSize64 == f.CompressedSize64) &&
		f.UncompressedSize64 <= 1100*f.CompressedSize64+1024
}

// outerReadErr classifies a failure to read entry name of the container:
// a failed read of the medium is that, a CRC-32 mismatch is damage,
// anything else a broken container.
func outerReadErr(name string, err error) error {
	if isReadError(err) {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if errors.Is(err, zip.ErrChecksum) {
		return fmt.Errorf("%s is damaged (its CRC-32 does not match): %w", name, ErrBadChecksum)
	}
	return fmt.Errorf("reading %s: %w: %w", name, ErrNotBackup, err)
}

// checkOuter reads every entry of the container to its end, which makes
// archive/zip check its CRC-32; withData includes data.bin, which
// CheckIntegrity checks as it streams it. Readers of the app's backups
// read README.txt and metadata.json too, so damage there is damage.
func (a *Archive) checkOuter(ctx context.Context, withData bool) error {
	for _, f := range a.outer {
		if f == a.data && !withData {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return outerReadErr(f.Name, err)
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return outerReadErr(f.Name, err)
		}
	}
	return nil
}

// readEntry reads a small container entry whole, refusing one larger than
// limit.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s is too large (%d bytes): %w", f.Name, f.UncompressedSize64, ErrNotBackup)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, outerReadErr(f.Name, err)
	}
	defer rc.Close()
	// archive/zip holds the entry to its declared size and checks the
	// CRC-32 when a read reaches the end.
	b := make([]byte, f.UncompressedSize64)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, outerReadErr(f.Name, err)
	}
	if n, err := rc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = fmt.Errorf("longer than its declared size")
		}
		return nil, outerReadErr(f.Name, err)
	}
	return b, nil
}

// Info returns what is known about the backup without decrypting it.
func (a *Archive) Info() Info { return a.info }

// openData returns the data stream: data.bin's bytes, or the whole file
// for a bare v2 blob.
func (a *Archive) openData() (io.ReadCloser, error) {
	if a.data == nil {
		return io.NopCloser(io.NewSectionReader(a.r, 0, a.size)), nil
	}
	rc, err := a.data.Open()
	if isReadError(err) {
		return nil, fmt.Errorf("opening data.bin: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("opening data.bin: %w: %w", ErrNotBackup, err)
	}
	return rc, nil
}

// dataReaderAt returns random access to the data stream when it is stored
// uncompressed (always for our backups), or nil when it must be inflated
// from the start.
func (a *Archive) dataReaderAt() io.ReaderAt {
	if a.data == nil {
		return a.r
	}
	if a.data.Method != zip.Store || a.data.CompressedSize64 != a.data.UncompressedSize64 {
		return nil
	}
	off, err := a.data.DataOffset()
	if err != nil || off < 0 || off > a.size || uint64(a.size-off) < a.data.CompressedSize64 {
		return nil
	}
	return io.NewSectionReader(a.r, off, int64(a.data.CompressedSize64))
}

// Wallets returns the wallets found in entries, as "<type>/<name>" (such as
// "monero/main") from paths "wallets/<type>/<name>/...", sorted.
func (a *Archive) Wallets(entries []Entry) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		parts := strings.Split(path.Clean(e.Name), "/")
		if len(parts) < 4 || parts[0] != "wallets" || parts[1] == "" || parts[2] == "" {
			continue
		}
		w := parts[1] + "/" + parts[2]
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// IntegrityCheck opens the backup and checks it without a password. It has
// the shape of destinations.Check.
func IntegrityCheck(ctx context.Context, r io.ReaderAt, size int64) error {
	a, err := Open(r, size)
	if err != nil {
		return err
	}
	return a.CheckIntegrity(ctx)
}
