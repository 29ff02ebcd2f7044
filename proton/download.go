package proton

import (
	"context"
	"crypto/sha512"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/internal/ctxio"
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

// downloadAttempts is how many times a download is tried when it fails
// in a way a retry may fix (a server error, a broken connection); not
// when the bytes came but were wrong (ErrDamagedDownload).
const downloadAttempts = 3

// fileRef names a file to download: by the link a listing just returned,
// which spares the bridge reading it again, or by its ID.
type fileRef struct {
	link *protonapi.Link
	id   string
}

// download fetches the active revision of a file through the bridge, which
// checks each block's hash and signature while decrypting it, into a
// temporary file.
func (d *Destination) download(ctx context.Context, file fileRef, what string) (*tempFile, error) {
	t, _, err := d.downloadSum(ctx, file, what)
	return t, err
}

// downloadSum is download, also returning the SHA-512 of the bytes.
func (d *Destination) downloadSum(ctx context.Context, file fileRef, what string) (*tempFile, []byte, error) {
	for attempt := 1; ; attempt++ {
		t, sum, err := d.downloadOnce(ctx, file, what)
		if err == nil || attempt == downloadAttempts || !transient(err) {
			return t, sum, err
		}
		select {
		case <-time.After(time.Duration(attempt) * time.Second):
		case <-ctx.Done():
			return nil, nil, errors.Join(err, ctx.Err())
		}
	}
}

// transient reports errors a later try may not meet. Data that came but
// does not decrypt or match its hash or signature is not one: the
// connection is TLS, so what came is what Proton Drive holds, and it
// would come again the same.
func transient(err error) bool {
	return errors.Is(err, ErrServer) || errors.Is(err, ErrNetwork) || errors.Is(err, ErrRateLimited)
}

func (d *Destination) downloadOnce(ctx context.Context, file fileRef, what string) (*tempFile, []byte, error) {
	var rc io.ReadCloser
	var err error
	if file.link != nil {
		// The revision and its blocks are still read afresh.
		rc, _, _, err = d.drive.bridge.DownloadFile(ctx, file.link, 0)
	} else {
		rc, _, _, err = d.drive.bridge.DownloadFileByID(ctx, file.id, 0)
	}
	if err != nil {
		return nil, nil, d.drive.translate(err, "downloading "+what)
	}
	defer rc.Close()
	f, err := os.CreateTemp("", "cakebackup-proton-*") // Mode 0600.
	if err != nil {
		return nil, nil, fmt.Errorf("downloading %s: %w", what, err)
	}
	if runtime.GOOS != "windows" {
		// Unlinked now, so gone for sure when closed, even after a crash.
		_ = os.Remove(f.Name())
	}
	t := &tempFile{f: f}
	h := sha512.New()
	// The bridge's reader checks ctx only between blocks of 4 MiB, and not
	// at all once the last block is buffered.
	n, err := io.Copy(io.MultiWriter(f, h), ctxio.NewReader(ctx, rc))
	if err != nil {
		t.Close()
		return nil, nil, d.drive.translate(err, "downloading "+what)
	}
	t.size = n
	return t, h.Sum(nil), nil
}
