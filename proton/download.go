package proton

import (
	"context"
	"crypto/sha512"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
)

// tempFile is a downloaded backup in a 0600 temporary file, removed on
// Close (at once on systems that allow removing an open file).
type tempFile struct {
	f    *os.File
	size int64
}

// ReadAt implements destinations.Reader.
func (t *tempFile) ReadAt(p []byte, off int64) (int, error) { return t.f.ReadAt(p, off) }

// Size implements destinations.Reader.
func (t *tempFile) Size() int64 { return t.size }

// Close implements destinations.Reader.
func (t *tempFile) Close() error {
	err := t.f.Close()
	if runtime.GOOS == "windows" {
		if rmErr := os.Remove(t.f.Name()); err == nil {
			err = rmErr
		}
	}
	return err
}

// download fetches the active revision of a file through the bridge, which
// checks each block's hash and signature while decrypting, into a
// temporary file, and returns it with the SHA-512 of its bytes in sum.
func (d *Destination) download(ctx context.Context, linkID, what string) (*tempFile, error) {
	t, _, err := d.downloadSum(ctx, linkID, what, nil)
	return t, err
}

// downloadSum is download, also hashing the bytes with h when not nil.
func (d *Destination) downloadSum(ctx context.Context, linkID, what string, h hash.Hash) (*tempFile, []byte, error) {
	rc, _, _, err := d.drive.bridge.DownloadFileByID(ctx, linkID, 0)
	if err != nil {
		return nil, nil, d.drive.translate(err, "downloading "+what)
	}
	defer rc.Close()
	f, err := os.CreateTemp("", "cakebackup-proton-*") // Mode 0600.
	if err != nil {
		return nil, nil, fmt.Errorf("downloading %s: %w", what, err)
	}
	if runtime.GOOS != "windows" {
		// Unlinked now, gone for sure when closed or when we crash.
		_ = os.Remove(f.Name())
	}
	t := &tempFile{f: f}
	var w io.Writer = f
	if h == nil {
		h = sha512.New()
	}
	w = io.MultiWriter(f, h)
	n, err := io.Copy(w, ctxReader{ctx: ctx, r: rc})
	if err != nil {
		t.Close()
		return nil, nil, d.drive.translate(err, "downloading "+what)
	}
	t.size = n
	return t, h.Sum(nil), nil
}

// ctxReader stops a copy when ctx is done; the bridge's reader only
// checks its context between blocks of 4 MiB, and not at all once the
// last block is buffered.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
