package backup

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// openInner opens the inner archive for random access, decrypting chunks
// as archive/zip asks for them; with whole, for a caller that will read
// all of it, every chunk starts decrypting in order while the directory
// is read. The caller must Close the plainReader.
func (a *Archive) openInner(ctx context.Context, keys *keyCache, whole bool) (*plainReader, *zip.Reader, innerDirectory, error) {
	pr, err := newPlainReader(ctx, a, keys)
	if err != nil {
		return nil, nil, innerDirectory{}, err
	}
	if whole {
		pr.sequential()
	}
	fail := func(err error) (*plainReader, *zip.Reader, innerDirectory, error) {
		pr.Close()
		if pr.err != nil {
			return nil, nil, innerDirectory{}, pr.err
		}
		return nil, nil, innerDirectory{}, err
	}
	zr, dir, err := readInnerZip(pr, pr.Size())
	if err != nil {
		return fail(err)
	}
	return pr, zr, dir, nil
}

// readInnerZip reads the directory of the inner archive in r, looking at
// its size before archive/zip reads it whole.
func readInnerZip(r io.ReaderAt, size int64) (*zip.Reader, innerDirectory, error) {
	dir, err := readInnerDirectory(r, size)
	if err != nil {
		return nil, dir, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, dir, fmt.Errorf("the decrypted archive is not a valid ZIP (%v): %w", err, ErrNotBackup)
	}
	return zr, dir, nil
}

// planZip checks every entry of the inner archive zr the way a restore
// will (planExtraction), reading the directory again from r.
func planZip(r io.ReaderAt, zr *zip.Reader, dir innerDirectory, limit int64) (*extractPlan, error) {
	offsets, err := localHeaderOffsets(r, dir, zr.File)
	if err != nil {
		return nil, err
	}
	return planExtraction(zr, offsets, dir.offset, limit)
}

// planInner opens the inner archive for reading it whole and checks every
// entry the way a restore will (planExtraction). The caller must Close the
// plainReader.
func (a *Archive) planInner(ctx context.Context, keys *keyCache, opts RestoreOptions) (*plainReader, *extractPlan, error) {
	pr, zr, dir, err := a.openInner(ctx, keys, true)
	if err != nil {
		return nil, nil, err
	}
	plan, err := planZip(pr, zr, dir, opts.maxSize(pr.Size()))
	if err == nil {
		return pr, plan, nil
	}
	pr.Close()
	if pr.err != nil {
		return nil, nil, pr.err
	}
	return nil, nil, err
}

// innerErr prefers the decryption error that made archive/zip fail (pr
// may be nil when the archive is not encrypted).
func innerErr(pr *plainReader, name string, err error) error {
	if pr != nil && pr.err != nil {
		return pr.err
	}
	if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("file %q in the decrypted archive is damaged (%v): %w", name, err, ErrNotBackup)
	}
	return fmt.Errorf("file %q in the decrypted archive: %w", name, err)
}

// List returns the files in the inner archive. It decrypts only the chunks
// holding the archive's directory.
func (a *Archive) List(ctx context.Context, password string) ([]Entry, error) {
	pr, zr, _, err := a.openInner(ctx, a.keysFor(password), false)
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	entries := make([]Entry, 0, len(zr.File))
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		entries = append(entries, Entry{Name: f.Name, Size: int64(f.UncompressedSize64)})
	}
	return entries, nil
}

// Verify checks everything CheckIntegrity checks (each chunk's encrypted
// SHA-512 and BLAKE2b), then decrypts every chunk and checks the plain
// SHA-512s, the whole archive's SHA-512, that every entry of the inner
// ZIP reads back with a correct CRC-32, and that Restore would accept
// every entry (names, types, duplicates, sizes within the default limit).
func (a *Archive) Verify(ctx context.Context, password string) error {
	return a.VerifyWith(ctx, password, RestoreOptions{})
}

// VerifyWith is Verify applying the limits of a restore made with opts.
func (a *Archive) VerifyWith(ctx context.Context, password string, opts RestoreOptions) error {
	return a.verify(ctx, a.keysFor(password), opts)
}

// verify is VerifyWith with keys that may already be derived (the fuzz
// tests share them between inputs). It is a restore that writes nothing:
// the same openPlanned and readAll, with entries read to io.Discard.
func (a *Archive) verify(ctx context.Context, keys *keyCache, opts RestoreOptions) error {
	pr, plan, err := a.openPlanned(ctx, keys, opts)
	if err != nil {
		return err
	}
	defer pr.Close()
	return a.readAll(ctx, pr, plan, discardEntry)
}

// openPlanned is the first half of the reading Verify and Restore share:
// it checks the container's entries, opens the inner archive, checks every
// entry the way a restore will (planInner) and starts decrypting every
// chunk in order. The caller must Close the plainReader.
func (a *Archive) openPlanned(ctx context.Context, keys *keyCache, opts RestoreOptions) (*plainReader, *extractPlan, error) {
	// data.bin's CRC-32 is checked as the chunks stream by (chunkStream).
	if err := a.checkOuter(ctx, false); err != nil {
		return nil, nil, a.outerFirst(ctx, err)
	}
	pr, plan, err := a.planInner(ctx, keys, opts)
	if err != nil {
		return nil, nil, a.outerFirst(ctx, err)
	}
	return pr, plan, nil
}

// readAll is the second half: it reads every planned entry to its end
// through visit, in plan order, then the chunks no entry covers, and
// checks the SHA-512 of the whole.
func (a *Archive) readAll(ctx context.Context, pr *plainReader, plan *extractPlan, visit entryVisitor) error {
	err := readEntries(ctx, pr, plan, visit)
	if err == nil {
		err = pr.finish()
	}
	return a.outerFirst(ctx, err)
}

// outerFirst reports damage to the container's entries, found by reading
// all of them (checkOuter), in preference to err, a verdict on the
// backup's contents from a read that may have run into that damage first:
// a damaged container is named as such, whichever check noticed, as when
// Verify checked the container before anything else. It reads the file
// again only after such a failure; not after a wrong password (plain
// ErrDecrypt), which must stay quick to report even for a backup read
// over the network, nor after a failure to write.
func (a *Archive) outerFirst(ctx context.Context, err error) error {
	if err == nil || ctx.Err() != nil || !isContentVerdict(err) {
		return err
	}
	if outer := a.checkOuter(ctx, true); outer != nil && ctx.Err() == nil {
		return outer
	}
	return err
}

// isContentVerdict tells the errors that judge the backup's contents
// (damage, an unsafe or oversized entry) from the others.
func isContentVerdict(err error) bool {
	for _, kind := range []error{ErrBadChecksum, ErrBadLength, ErrNotBackup, ErrUnsupportedVersion, ErrLegacyV1, ErrUnsafePath, ErrTooLarge} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

// entryVisitor consumes one planned entry; r reads its bytes (through
// archive/zip, which checks the CRC-32 at the end). It need not read r to
// its end.
type entryVisitor func(e plannedEntry, r io.Reader) error

// discardEntry is Verify's visitor.
func discardEntry(plannedEntry, io.Reader) error { return nil }

// readPlanned reads every planned entry to its end, in plan order.
func readPlanned(ctx context.Context, pr *plainReader, plan *extractPlan) error {
	return readEntries(ctx, pr, plan, discardEntry)
}

// entryBufferSize is how much of an entry is read at a time.
const entryBufferSize = 256 << 10

// readEntries hands every planned entry to visit, in plan order.
func readEntries(ctx context.Context, pr *plainReader, plan *extractPlan, visit entryVisitor) error {
	buf := make([]byte, entryBufferSize)
	for _, e := range plan.entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := visitEntry(pr, e, visit, buf); err != nil {
			return err
		}
	}
	return nil
}

// visitEntry opens entry e, hands it to visit and reads what visit left
// of it into buf, so that archive/zip checks its CRC-32. A failure to
// read the entry is reported as damage (innerErr) before one of visit's
// own.
func visitEntry(pr *plainReader, e plannedEntry, visit entryVisitor, buf []byte) error {
	rc, err := e.file.Open()
	if err != nil {
		return innerErr(pr, e.file.Name, err)
	}
	defer rc.Close()
	r := &entryReader{r: rc}
	err = visit(e, r)
	if r.err == nil && err == nil {
		_, err = io.CopyBuffer(struct{ io.Writer }{io.Discard}, r, buf) // not io.Discard's small buffers
	}
	if r.err != nil || (pr != nil && pr.err != nil) {
		return innerErr(pr, e.file.Name, r.err)
	}
	return err
}

// entryReader remembers the first failure of reading an entry, to tell
// it from a failure of what the bytes were written to.
type entryReader struct {
	r   io.Reader
	err error
}

func (r *entryReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}
