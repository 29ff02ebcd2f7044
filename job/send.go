package job

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/ctxio"
	"github.com/cakebackup/cakebackup/internal/directio"
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
	// KeepOpen leaves the destinations open when Send returns: its
	// Opener hands out destinations its caller holds and closes (an
	// inbox opens each once for a pass and its retention).
	KeepOpen bool
	// WantSHA512 has Send take the file's SHA-512 as it reads it, for
	// Sent.SHA512 and each Stored.SHA512 (an inbox keeps it as the
	// export's identity, send --json prints it). It is a core's worth of
	// hashing beside the check; without it both are "".
	WantSHA512 bool
}

// NameError is returned by Send (and Make) for a backup whose name cannot
// be stored as it is at every kind of destination (see
// backup.NameProblem): a FAT stick or Proton Drive would refuse or change
// it, and a copy under another name would not be the one listed. Nothing
// is written anywhere.
type NameError struct {
	// Name is the backup's name; Problem why it cannot be used, as a
	// clause ("contains a control character").
	Name, Problem string
}

// Error names the backup, quoted when it holds control characters (see
// backup.QuoteName), and says what is wrong with its name.
func (e *NameError) Error() string {
	return "the backup name " + backup.QuoteName(e.Name) + " " + e.Problem + ": not every destination can store it under that name"
}

// Sent is a backup Send shipped.
type Sent struct {
	// File is the path it was sent from.
	File string
	// Info is what the backup's structure tells of it.
	Info backup.Info
	// Size and SHA512 (lower-case hex) are of the file's bytes, the same
	// at every destination. Send takes the SHA-512 only when asked
	// (Shipment.WantSHA512): else SHA512 is "". Check always takes it.
	Size   int64
	SHA512 string
	// Stores is the outcome at each destination.
	Stores Stores
}

// ErrChangedWhileSending is returned when the file's bytes changed while
// they were checked and sent; nothing is published.
var ErrChangedWhileSending = errors.New("the file changed while it was being sent")

// Send checks the backup in s.File and stores it, byte for byte, at every
// destination in s.Dests. The check always covers the container's
// structure and every chunk's checksums; with s.Password it decrypts
// everything too. A file that fails the check is refused and nothing is
// left at any destination: the error wraps the backup package's
// (backup.ErrNotBackup, backup.ErrBadChecksum, backup.ErrWrongPassword,
// ...).
//
// The file is read once: the check and the copies to every destination
// share the read (see passThrough), and each copy is published only after
// the check passed and the copy read back from the medium has the bytes
// written (a digest taken while writing, as Make does).
//
// A destination that already holds the same bytes, under any name, is
// left as it is and reported as AlreadyThere. Elsewhere the file is
// stored under s.Name (or a unique variant, never over another file). A
// destination holding a backup of the same size but other bytes gets its
// copy from a second read, once the file's digest is known: a file whose
// bytes differ from the first read's is ErrChangedWhileSending there. A failed
// destination does not stop the others: Send returns each one's outcome
// and, when any failed, an error (Stores.Err).
func Send(ctx context.Context, open Opener, s Shipment) (*Sent, error) {
	if err := checkDests(s.Dests); err != nil {
		return nil, err
	}
	f, fi, err := openRegular(s.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := s.Name
	if name == "" {
		name = filepath.Base(s.File)
	}
	if problem := backup.NameProblem(name); problem != "" {
		return nil, &NameError{Name: name, Problem: problem}
	}
	dests, stores := openAll(ctx, open, s.Dests)
	if !s.KeepOpen {
		defer closeAll(dests)
	}
	if err := checkOpened(s.Dests, dests, stores); err != nil {
		return nil, err
	}

	fan := &fanOut{stores: stores, digest: newStreamDigest(), keepGoing: true}
	defer fan.abortAll(ctx)
	same := make([][]destinations.Entry, len(dests)) // per destination, its backups of this size
	for i, d := range dests {
		if d == nil {
			continue
		}
		same[i], err = sameSize(ctx, d, fi.Size())
		if err != nil {
			stores[i].Err = atDest("sending to", d.Spec(), err)
			continue
		}
		if len(same[i]) > 0 {
			continue // sent, if at all, once the file's digest is known
		}
		p, err := d.Create(ctx, name, fi.Size())
		if err != nil {
			stores[i].Err = atDest("sending to", d.Spec(), err)
			continue
		}
		fan.add(i, "sending to", d.Spec(), p)
	}

	src := directio.NewColdReaderAt(f)
	sent, err := checkAndStream(ctx, src, fi.Size(), s.Password, fan, s.WantSHA512)
	if err == nil {
		err = unchanged(f, fi)
	}
	if err != nil {
		return nil, &FileError{File: s.File, Err: err}
	}
	sent.File = s.File
	// The file's SHA-512, when asked for, was taken as it was written
	// (writeBehind): the read-back of each copy only compares it with the
	// digest written.
	fan.commitAll(ctx, readBackCheck(fan.digest, false, nil))
	for i, d := range dests {
		if len(same[i]) == 0 || stores[i].Err != nil {
			continue
		}
		entry, already, err := shipTo(ctx, d, name, src, same[i], fan.digest)
		if err != nil {
			stores[i].Err = atDest("sending to", d.Spec(), err)
			continue
		}
		stores[i].Entry, stores[i].AlreadyThere = entry, already
	}
	identify(ctx, dests, stores, sent.SHA512)
	sent.Stores = stores
	return sent, stores.Err()
}

// FileError is Send's and Check's error for a file that failed its
// check or could not be read while it was: "FILE: why".
type FileError struct {
	// File is the file as given, Err why it failed.
	File string
	Err  error
}

// Error names the file and says why.
func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }

// Unwrap returns why the file failed.
func (e *FileError) Unwrap() error { return e.Err }

// Check checks the backup in file as Send does before sending it and
// returns what Send would ship (without Stores): its structure, size and
// SHA-512, from one read of the file. Errors are Send's.
func Check(ctx context.Context, file, password string) (*Sent, error) {
	f, fi, err := openRegular(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fan := &fanOut{digest: newStreamDigest(), keepGoing: true}
	sent, err := checkAndStream(ctx, directio.NewColdReaderAt(f), fi.Size(), password, fan, true)
	if err == nil {
		err = unchanged(f, fi)
	}
	if err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	sent.File = file
	return sent, nil
}

// openRegular opens file, which must be a regular file. A file that is
// not there is destinations.ErrNoSuchFile, and one that cannot be read a
// *destinations.ReadError, as for a backup named to verify or restore.
func openRegular(file string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil, fmt.Errorf("%s: %w", file, destinations.ErrNoSuchFile)
	}
	if err != nil {
		return nil, nil, &destinations.ReadError{Loc: file, Err: err}
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
	return f, fi, nil
}

// checkAndStream checks the backup r holds (size bytes) and streams its
// bytes to fan in the same read. With a password it decrypts and checks
// everything, else it runs the password-free integrity check. Every byte
// the check read is a byte sent (ErrChangedWhileSending when not). The
// bytes go to fan, and into the SHA-512 returned in the result, behind
// the check's read (writeBehind); without sum the result's SHA512 is ""
// and no SHA-512 is taken.
func checkAndStream(ctx context.Context, r io.ReaderAt, size int64, password string, fan *fanOut, sum bool) (*Sent, error) {
	checkCtx, stop := context.WithCancel(ctx)
	defer stop()
	var h hash.Hash
	if sum {
		h = sha512.New()
	}
	behind := newWriteBehind(fan.Write, h)
	defer behind.flush()
	pt := newPassThrough(r, size, behind, stop)
	defer pt.close()
	a, err := backup.Open(pt, size)
	if err == nil {
		if password != "" {
			err = a.Verify(checkCtx, password)
		} else {
			err = a.CheckIntegrity(checkCtx)
		}
	}
	if serr := pt.failed(); serr != nil && ctx.Err() == nil {
		return nil, serr // the check was stopped by the stream, not by the file
	}
	if err != nil {
		return nil, err
	}
	if err := pt.finish(); err != nil {
		return nil, err
	}
	if err := behind.flush(); err != nil {
		return nil, err
	}
	sent := &Sent{Info: a.Info(), Size: size}
	if h != nil {
		sent.SHA512 = hex.EncodeToString(h.Sum(nil))
	}
	return sent, nil
}

// unchanged returns ErrChangedWhileSending when f's size or modification
// time is no longer what fi says: the check read some bytes twice (a
// header), and only the ones at the stream's front are compared.
func unchanged(f *os.File, fi os.FileInfo) error {
	now, err := f.Stat()
	if err != nil {
		return err
	}
	if now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
		return ErrChangedWhileSending
	}
	return nil
}

// sameSize lists d's backups of size bytes: the only ones that can hold
// the file already.
func sameSize(ctx context.Context, d destinations.Destination, size int64) ([]destinations.Entry, error) {
	list, err := d.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []destinations.Entry
	for _, e := range list {
		if e.Size == size {
			out = append(out, e)
		}
	}
	return out, nil
}

// shipTo stores the file r at d under name unless one of d's backups in
// candidates holds the same bytes (as digest, of the file, tells). The
// copy is a second read of the file, which must still have the digest the
// first read found (ErrChangedWhileSending when not): the stored bytes are
// then the ones checked, and those of Sent.SHA512.
func shipTo(ctx context.Context, d destinations.Destination, name string, r io.ReaderAt, candidates []destinations.Entry, digest *streamDigest) (destinations.Entry, bool, error) {
	for _, e := range candidates {
		same, err := holds(ctx, d, e.Name, digest)
		if err != nil {
			return destinations.Entry{}, false, err
		}
		if same {
			return e, true, nil
		}
	}
	p, err := d.Create(ctx, name, digest.n)
	if err != nil {
		return destinations.Entry{}, false, err
	}
	defer func() { _ = p.Abort(context.WithoutCancel(ctx)) }() // does nothing after Commit
	written := digest.same()
	if err := copyAhead(ctx, io.MultiWriter(p, written), io.NewSectionReader(r, 0, digest.n)); err != nil {
		return destinations.Entry{}, false, err
	}
	if !written.equal(digest) {
		return destinations.Entry{}, false, ErrChangedWhileSending
	}
	e, err := p.Commit(ctx, readBackCheck(written, false, nil))
	return e, false, err
}

// holds reports whether d's backup name has the bytes digest was taken
// of.
func holds(ctx context.Context, d destinations.Destination, name string, digest *streamDigest) (bool, error) {
	r, err := d.Open(ctx, name)
	if err != nil {
		return false, err
	}
	defer r.Close()
	got := digest.same()
	if _, err := io.Copy(got, ctxio.NewReader(ctx, io.NewSectionReader(r, 0, r.Size()))); err != nil {
		return false, err
	}
	return got.equal(digest), nil
}
