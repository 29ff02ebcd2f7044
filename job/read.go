package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
)

// Opened is one backup opened to read (inspect, verify, restore), with
// the password it is read with once one was accepted (Accept).
type Opened struct {
	*backup.Archive
	// Arg is the backup as it was named: a file's path, or a destination
	// spec followed by the backup's name.
	Arg string
	// Password is the password the backup is read with: the one given,
	// or its canonical form when only that opens the backup (Canonical);
	// "" when none was given.
	Password  string
	Canonical bool

	closer io.Closer
}

// Open opens the backup arg names, as OpenArchive does (and with its
// errors), and accepts pw when it is not "" (Accept). Closing the
// returned Opened closes the backup and its destination.
func Open(ctx context.Context, reg *destinations.Registry, arg, pw string, wrap func(destinations.Reader) io.ReaderAt) (*Opened, error) {
	a, c, err := OpenArchive(ctx, reg, arg, wrap)
	if err != nil {
		return nil, err
	}
	o := &Opened{Archive: a, Arg: arg, closer: c}
	if pw != "" {
		if err := o.Accept(ctx, pw); err != nil {
			o.Close()
			return nil, err
		}
	}
	return o, nil
}

// Accept sets the password the backup is read with: pw itself, or its
// canonical form when pw looks like a generated password typed otherwise
// and only that form opens the backup (backup.Archive.AcceptedPassword),
// which sets Canonical. A wrong password is left to the operation that
// uses it; the error is ctx's.
func (o *Opened) Accept(ctx context.Context, pw string) error {
	accepted, canonical, err := o.AcceptedPassword(ctx, pw)
	if err != nil {
		return err
	}
	o.Password, o.Canonical = accepted, canonical
	return nil
}

// Close closes the backup and its destination.
func (o *Opened) Close() error { return o.closer.Close() }

// Verified is the result of a verify; its JSON is verify --json's.
type Verified struct {
	File string `json:"file"`
	OK   bool   `json:"ok"`
	// Level is "checksums" without a password, "full" with one.
	Level  string `json:"level"`
	Chunks int    `json:"chunks"`
}

// Verify checks the backup: without a password the container's
// structure and every chunk's checksums (backup.Archive.CheckIntegrity),
// with one everything, as a restore with opts would check it
// (backup.Archive.VerifyWith). Its error names the backup.
func (o *Opened) Verify(ctx context.Context, opts backup.RestoreOptions) (*Verified, error) {
	var err error
	level := "checksums"
	if o.Password != "" {
		err, level = o.VerifyWith(ctx, o.Password, opts), "full"
	} else {
		err = o.CheckIntegrity(ctx)
	}
	if err != nil {
		return nil, errloc.Wrap(err, o.Arg, destinations.Spellings(o.Arg)...)
	}
	return &Verified{File: o.Arg, OK: true, Level: level, Chunks: o.Info().Chunks}, nil
}

// Restored is the result of a restore; its JSON is restore --json's.
type Restored struct {
	File   string `json:"file"`
	To     string `json:"restored_to"`
	OK     bool   `json:"ok"`
	Chunks int    `json:"chunks"`
	// Result is backup.Archive.RestoreWith's: what was reclaimed and
	// resumed; it may be set when the restore failed.
	Result *backup.RestoreResult `json:"-"`
	// Canonical is whether only the password's canonical form opened the
	// backup (Opened.Canonical); Restore sets it.
	Canonical bool `json:"-"`
}

// Restoring is a restore for Restore to run.
type Restoring struct {
	// Arg names the backup, as for Open; To is the folder to restore into.
	Arg, To string
	Options backup.RestoreOptions
	// Password returns the password; it is asked for once the backup
	// opened (is there, and a backup at a glance).
	Password func() (string, error)
	// Wrap, when not nil, wraps the backup's reader, as for Open.
	Wrap func(destinations.Reader) io.ReaderAt
}

// OpenError is Restore's error for a backup that did not open: Open's
// error, as it returned it.
type OpenError struct{ Err error }

// Error is Err's text.
func (e *OpenError) Error() string { return e.Err.Error() }

// Unwrap returns Open's error.
func (e *OpenError) Unwrap() error { return e.Err }

// Restore runs r: it refuses at once a folder the restore would refuse
// only after the password and the whole backup were read (a
// *backup.TargetError, as backup.CheckRestoreTarget returns it), opens
// the backup (an *OpenError when it does not), asks for the password and
// restores with it (Opened.Restore). Once the restore ran, the Restored
// is returned with its error too.
func Restore(ctx context.Context, reg *destinations.Registry, r Restoring) (*Restored, error) {
	if err := backup.CheckRestoreTarget(r.To); errors.As(err, new(*backup.TargetError)) {
		return nil, err
	}
	o, err := Open(ctx, reg, r.Arg, "", r.Wrap)
	if err != nil {
		return nil, &OpenError{Err: err}
	}
	defer o.Close()
	pw, err := r.Password()
	if err != nil {
		return nil, err
	}
	if err := o.Accept(ctx, pw); err != nil {
		return nil, err
	}
	restored, err := o.Restore(ctx, r.To, r.Options)
	restored.Canonical = o.Canonical
	return restored, err
}

// Restore extracts the backup into the folder to with the accepted
// password (backup.Archive.RestoreWith). Its error names the restore of
// the backup, but for a *ResumedError; the Restored it returns with one
// carries RestoreWith's result, if any, and OK false.
func (o *Opened) Restore(ctx context.Context, to string, opts backup.RestoreOptions) (*Restored, error) {
	res, err := o.RestoreWith(ctx, o.Password, to, opts)
	out := &Restored{File: o.Arg, To: to, OK: err == nil, Chunks: o.Info().Chunks, Result: res}
	switch {
	case errors.Is(err, backup.ErrTargetNotEmpty) && res != nil && (res.Resumed.Completed || res.Resumed.Taken != ""):
		return out, &ResumedError{To: to, Resumed: res.Resumed}
	case err != nil:
		return out, errloc.Wrap(err, "restore "+o.Arg, destinations.Spellings(o.Arg)...)
	}
	return out, nil
}

// ResumedError is Restore's error for a folder that is not empty once
// the restore into it that was killed while it moved its files into place
// was finished (of another backup, or but for entries removed since) or
// taken back (a name it needed taken since). It wraps
// backup.ErrTargetNotEmpty.
type ResumedError struct {
	// To is the folder; Resumed what was done with the killed restore.
	To      string
	Resumed backup.Resumed
}

// Error names the folder and says why it is not empty.
func (e *ResumedError) Error() string {
	r := e.Resumed
	switch {
	case r.RolledBack && r.Taken != "":
		return fmt.Sprintf("%s is not empty: %s was made there after a restore into it was interrupted, which was taken back", e.To, r.Taken)
	case len(r.Missing) > 0:
		q := make([]string, len(r.Missing))
		for i, n := range r.Missing {
			q[i] = backup.QuoteName(n)
		}
		return fmt.Sprintf("%s is not empty: it holds the files of a restore into it that was interrupted while it moved them into place, finished now but for %s, removed since", e.To, strings.Join(q, ", "))
	}
	return fmt.Sprintf("%s is not empty: it holds another backup's files, from a restore into it that was interrupted while it moved them into place and is finished now", e.To)
}

// Unwrap returns backup.ErrTargetNotEmpty.
func (e *ResumedError) Unwrap() error { return backup.ErrTargetNotEmpty }

// Inspection is what a backup's structure tells of it and, read with
// the password, the wallets and files inside; its JSON is inspect
// --json's.
type Inspection struct {
	File string `json:"file"`
	// Version is 2 for a bare blob, 3 for a container.
	Version int `json:"version"`
	// MadeBy is "app", "cakebackup" or "unknown", from the metadata.
	MadeBy string `json:"made_by"`
	// ForApp is the app README.txt names: the one the backup is for.
	ForApp     string     `json:"for_app,omitempty"`
	AppVersion string     `json:"app_version,omitempty"`
	Created    *time.Time `json:"created,omitempty"`
	Size       int64      `json:"size"`
	// PlainSize is the inner archive's size; absent when unknown (a
	// bare v2 blob without the password).
	PlainSize int64  `json:"plain_size,omitempty"`
	Chunks    int    `json:"chunks"`
	SHA512    string `json:"inner_sha512,omitempty"`
	// Decrypted says whether a password was given: only then are the
	// wallets and files known.
	Decrypted bool `json:"decrypted"`
	// AppCanImport is whether the wallet app can import the backup (it
	// holds an app-sealed keychain dump): false for a cakebackup
	// snapshot, password or not; for another backup known only with the
	// password.
	AppCanImport *bool          `json:"app_can_import,omitempty"`
	Wallets      []string       `json:"wallets,omitempty"`
	Files        []backup.Entry `json:"files,omitempty"`
	// Info is the backup's, read after the files were listed: a bare v2
	// blob's plain size is known only once it is decrypted.
	Info backup.Info `json:"-"`
}

// Inspect tells what the backup is and, with the accepted password, lists
// the wallets and files inside (backup.Archive.List). Its error names
// the backup.
func (o *Opened) Inspect(ctx context.Context) (*Inspection, error) {
	var files []backup.Entry
	decrypted := o.Password != ""
	if decrypted {
		var err error
		if files, err = o.List(ctx, o.Password); err != nil {
			return nil, errloc.Wrap(err, o.Arg, destinations.Spellings(o.Arg)...)
		}
	}
	info := o.Info()
	in := &Inspection{
		File: o.Arg, Version: info.Version, MadeBy: info.Maker().String(), ForApp: info.AppName, AppVersion: info.AppVersion,
		Size: info.Size, PlainSize: info.PlainSize, Chunks: info.Chunks, SHA512: info.SHA512,
		Decrypted: decrypted, Wallets: o.Wallets(files), Files: files, Info: info,
	}
	if !info.Created.IsZero() {
		in.Created = &info.Created
	}
	if decrypted || info.Maker() == backup.MakerCakebackup {
		importable := backup.AppImportable(info, files)
		in.AppCanImport = &importable
	}
	return in, nil
}
