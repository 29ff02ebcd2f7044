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
// as archive/zip asks for them. The caller must Close the plainReader.
func (a *Archive) openInner(ctx context.Context, keys *keyCache) (*plainReader, *zip.Reader, innerDirectory, error) {
	pr, err := newPlainReader(ctx, a, keys)
	if err != nil {
		return nil, nil, innerDirectory{}, err
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

// planInner opens the inner archive and checks every entry the way a
// restore will (planExtraction). The caller must Close the plainReader.
func (a *Archive) planInner(ctx context.Context, keys *keyCache, opts RestoreOptions) (*plainReader, *extractPlan, error) {
	pr, zr, dir, err := a.openInner(ctx, keys)
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
	pr, zr, _, err := a.openInner(ctx, newKeyCache(password))
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
	return a.verify(ctx, newKeyCache(password), opts)
}

// verify is VerifyWith with keys that may already be derived (the fuzz
// tests share them between inputs).
func (a *Archive) verify(ctx context.Context, keys *keyCache, opts RestoreOptions) error {
	if err := a.checkOuter(ctx, true); err != nil {
		return err
	}
	pr, plan, err := a.planInner(ctx, keys, opts)
	if err != nil {
		return err
	}
	defer pr.Close()
	if err := readPlanned(ctx, pr, plan); err != nil {
		return err
	}
	return pr.finish()
}

// readPlanned reads every planned entry to its end, in plan order.
func readPlanned(ctx context.Context, pr *plainReader, plan *extractPlan) error {
	for _, e := range plan.entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := readToEnd(e.file); err != nil {
			return innerErr(pr, e.file.Name, err)
		}
	}
	return nil
}

// readToEnd reads a file of the inner archive, which makes archive/zip
// check its CRC-32.
func readToEnd(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}
