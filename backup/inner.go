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
func (a *Archive) openInner(ctx context.Context, keys *keyCache) (*plainReader, *zip.Reader, error) {
	pr, err := newPlainReader(ctx, a, keys)
	if err != nil {
		return nil, nil, err
	}
	zr, err := zip.NewReader(pr, pr.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		pr.Close()
		if pr.err != nil {
			return nil, nil, pr.err
		}
		return nil, nil, fmt.Errorf("the decrypted archive is not a valid ZIP (%v): %w", err, ErrNotBackup)
	}
	return pr, zr, nil
}

// innerErr prefers the decryption error that made archive/zip fail.
func innerErr(pr *plainReader, name string, err error) error {
	if pr.err != nil {
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
	pr, zr, err := a.openInner(ctx, newKeyCache(password))
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
// SHA-512s, the whole archive's SHA-512 and that every entry of the inner
// ZIP reads back with a correct CRC-32.
func (a *Archive) Verify(ctx context.Context, password string) error {
	return a.verify(ctx, newKeyCache(password))
}

// verify is Verify with keys that may already be derived (the fuzz tests
// share them between inputs).
func (a *Archive) verify(ctx context.Context, keys *keyCache) error {
	pr, zr, err := a.openInner(ctx, keys)
	if err != nil {
		return err
	}
	defer pr.Close()
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := readToEnd(f); err != nil {
			return innerErr(pr, f.Name, err)
		}
	}
	return pr.finish()
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
