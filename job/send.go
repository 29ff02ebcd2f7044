package job

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/ctxio"
)

// Shipment is an existing backup file to store at destinations as it is:
// typically an export made by the wallet app, which only the app can
// import back, so its bytes are never changed.
type Shipment struct {
	// File is the backup's path.
	File string
	// Dests are the --dest specs to store it at; at least one.
	Dests []string
	// Name is the name to store it under; "" means File's base name.
	Name string
	// Password, when set, is used to decrypt and check everything inside
	// before sending; without it only the password-free integrity check
	// runs.
	Password string
}

// Sent is a backup Send shipped.
type Sent struct {
	// File is the path it was sent from.
	File string
	// Info is what the backup's structure tells of it.
	Info backup.Info
	// Size and SHA512 (lower-case hex) are of the file's bytes, the same
	// at every destination.
	Size   int64
	SHA512 string
	// Stores is the outcome at each destination.
	Stores Stores
}

// ErrChangedWhileSending is returned when the file's bytes changed
// between its check and its copy to a destination; nothing is published.
var ErrChangedWhileSending = errors.New("the file changed while it was being sent")

// Send checks the backup in s.File and stores it, byte for byte, at every
// destination in s.Dests. The check always covers the container's
// structure and every chunk's checksums; with s.Password it decrypts
// everything too. A file that fails the check is refused before anything
// is sent: the error wraps the backup package's (backup.ErrNotBackup,
// backup.ErrBadChecksum, backup.ErrWrongPassword, ...).
//
// A destination that already holds the same bytes, under any name, is
// left as it is and reported as AlreadyThere. Elsewhere the file is
// copied under s.Name (or a unique variant, never over another file) and
// published only once the copy read back from the medium has the file's
// SHA-512. A failed destination does not stop the others: Send returns
// each one's outcome and, when any failed, an error (Stores.Err).
func Send(ctx context.Context, open Opener, s Shipment) (*Sent, error) {
	if err := checkDests(s.Dests); err != nil {
		return nil, err
	}
	f, sent, err := openChecked(ctx, s.File, s.Password)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := s.Name
	if name == "" {
		name = filepath.Base(s.File)
	}
	dests, stores := openAll(ctx, open, s.Dests)
	defer closeAll(dests)
	for i, d := range dests {
		if d == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			stores[i].Err = err
			continue
		}
		entry, already, err := shipTo(ctx, d, name, f, sent.Size, sent.SHA512)
		if err != nil {
			stores[i].Err = fmt.Errorf("sending to %s: %w", d.Spec(), err)
			continue
		}
		stores[i].Entry, stores[i].AlreadyThere = entry, already
	}
	identify(ctx, dests, stores, sent.SHA512)
	sent.Stores = stores
	return sent, stores.Err()
}

// Check checks the backup in file as Send does before sending it and
// returns what Send would ship (without Stores): its structure, size and
// SHA-512. Errors are Send's.
func Check(ctx context.Context, file, password string) (*Sent, error) {
	f, sent, err := openChecked(ctx, file, password)
	if err != nil {
		return nil, err
	}
	f.Close()
	return sent, nil
}

// openChecked opens file, checks it is a regular file holding a backup
// that passes checkExport, and returns it open with what the check found.
func openChecked(ctx context.Context, file, password string) (*os.File, *Sent, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s is not a regular file: %w", file, backup.ErrNotBackup)
	}
	sent, err := checkExport(ctx, f, fi.Size(), password)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	sent.File = file
	return f, sent, nil
}

// checkExport checks a backup as Send does before sending it, and hashes
// its bytes.
func checkExport(ctx context.Context, r io.ReaderAt, size int64, password string) (*Sent, error) {
	a, err := backup.Open(r, size)
	if err != nil {
		return nil, err
	}
	if password != "" {
		err = a.Verify(ctx, password)
	} else {
		err = a.CheckIntegrity(ctx)
	}
	if err != nil {
		return nil, err
	}
	sum, err := hashReaderAt(ctx, r, size)
	if err != nil {
		return nil, err
	}
	return &Sent{Info: a.Info(), Size: size, SHA512: sum}, nil
}

// shipTo stores the size bytes of r at d under name, unless d already
// holds them.
func shipTo(ctx context.Context, d destinations.Destination, name string, r io.ReaderAt, size int64, sum string) (destinations.Entry, bool, error) {
	if e, ok, err := findSame(ctx, d, size, sum); err != nil || ok {
		return e, ok, err
	}
	p, err := d.Create(ctx, name, size)
	if err != nil {
		return destinations.Entry{}, false, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = p.Abort(context.WithoutCancel(ctx))
		}
	}()
	h := sha512.New()
	if _, err := io.Copy(io.MultiWriter(p, h), ctxio.NewReader(ctx, io.NewSectionReader(r, 0, size))); err != nil {
		return destinations.Entry{}, false, err
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return destinations.Entry{}, false, ErrChangedWhileSending
	}
	e, err := p.Commit(ctx, sameBytes(size, sum))
	if err != nil {
		return destinations.Entry{}, false, err
	}
	committed = true
	return e, false, nil
}

// findSame looks at d for a backup holding exactly the bytes with this
// size and SHA-512. Only backups of the same size are read.
func findSame(ctx context.Context, d destinations.Destination, size int64, sum string) (destinations.Entry, bool, error) {
	list, err := d.List(ctx)
	if err != nil {
		return destinations.Entry{}, false, err
	}
	for _, e := range list {
		if e.Size != size {
			continue
		}
		r, err := d.Open(ctx, e.Name)
		if err != nil {
			return destinations.Entry{}, false, err
		}
		got, err := hashReaderAt(ctx, r, r.Size())
		r.Close()
		if err != nil {
			return destinations.Entry{}, false, err
		}
		if got == sum {
			return e, true, nil
		}
	}
	return destinations.Entry{}, false, nil
}

// ErrStoredBytesDiffer is returned by the read-back check of Send when the
// medium returns other bytes than were sent.
var ErrStoredBytesDiffer = errors.New("the stored copy differs from the file sent")

// sameBytes is the read-back check of a sent file: the stored copy must
// have its size and SHA-512.
func sameBytes(size int64, sum string) destinations.Check {
	return func(ctx context.Context, r io.ReaderAt, n int64) error {
		if n != size {
			return fmt.Errorf("%w: %d bytes stored, %d sent", ErrStoredBytesDiffer, n, size)
		}
		got, err := hashReaderAt(ctx, r, n)
		if err != nil {
			return err
		}
		if got != sum {
			return ErrStoredBytesDiffer
		}
		return nil
	}
}

// hashReaderAt returns the lower-case hex SHA-512 of the first size bytes
// of r.
func hashReaderAt(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	h := sha512.New()
	if _, err := io.Copy(h, ctxio.NewReader(ctx, io.NewSectionReader(r, 0, size))); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
