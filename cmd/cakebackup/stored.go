package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/proton"
)

// openDest opens a --dest spec.
func (e *env) openDest(ctx context.Context, spec string) (destinations.Destination, error) {
	return e.registry().Open(ctx, spec)
}

// openStored opens a backup named on the command line: a file path, or a
// destination spec followed by the backup's name.
func (e *env) openStored(ctx context.Context, arg string) (destinations.Reader, error) {
	r, err := e.registry().OpenStored(ctx, arg)
	var missing *destinations.FolderMissingError
	switch {
	case errors.Is(err, destinations.ErrNoBackupName):
		spec := arg
		if spec == proton.Scheme+":" {
			spec += "/" // the Drive's root is spelled proton:/
		}
		return nil, usageError(fmt.Errorf("%s names a folder; add the backup's name, e.g. %s (see cakebackup ls %s)", arg, withBackupName(spec, "NAME"), spec))
	case errors.Is(err, destinations.ErrNotAFile), errors.Is(err, destinations.ErrNoSuchFile):
		return nil, usageError(err)
	case errors.As(err, &missing):
		// `ls` of the folder would only say it is missing.
		return nil, usageError(fmt.Errorf("%s: %w", arg, missing))
	case errors.Is(err, destinations.ErrNotFound):
		ds, _, _ := destinations.SplitBackup(arg)
		return nil, usageError(fmt.Errorf("%s: no such backup (see cakebackup ls %s)", arg, ds))
	case errors.Is(err, destinations.ErrDamaged):
		// What the destination holds does not match its checksum or
		// signature (Proton Drive): a damaged backup, as a local file
		// would be.
		return nil, withCode(exitDamaged, err)
	}
	return r, err
}

// withBackupName spells the backup called name at the destination spec:
// downloads:NAME for a kind alone, proton:/Backups/NAME for a folder.
func withBackupName(spec, name string) string {
	switch {
	case !strings.Contains(spec, ":"):
		return spec + ":" + name
	case strings.HasSuffix(spec, ":"):
		return spec + name
	}
	return strings.TrimSuffix(spec, "/") + "/" + name
}

// openArchive opens the backup named on the command line as an archive.
// The caller closes it with the returned function.
func (e *env) openArchive(ctx context.Context, arg string) (*backup.Archive, func(), error) {
	r, err := e.openStored(ctx, arg)
	if err != nil {
		return nil, nil, err
	}
	a, err := backup.Open(e.countReads(r), r.Size())
	if err != nil {
		r.Close()
		return nil, nil, backupExit(errloc.Wrap(err, arg, destinations.Spellings(arg)...))
	}
	return a, func() { r.Close() }, nil
}

// givenBackup is the backup a command was given as its one argument,
// opened, with the password if one was given.
type givenBackup struct {
	arg          string
	archive      *backup.Archive
	password     string
	withPassword bool
	// canonical is set when only the password's canonical form opened
	// the backup (see backup.CanonicalPassword).
	canonical bool
	close     func()
}

// openGivenBackup opens the command's one backup argument, reading the
// password first when one was given.
func (e *env) openGivenBackup(c *cli.Context) (*givenBackup, error) {
	arg, err := oneArg(c, "backup FILE")
	if err != nil {
		return nil, err
	}
	pw, withPassword, err := e.optionalPassword(c)
	if err != nil {
		return nil, err
	}
	a, done, err := e.openArchive(c.Context, arg)
	if err != nil {
		return nil, err
	}
	var canonical bool
	if withPassword {
		if pw, canonical, err = a.AcceptedPassword(c.Context, pw); err != nil {
			done()
			return nil, err
		}
	}
	return &givenBackup{arg: arg, archive: a, password: pw, withPassword: withPassword, canonical: canonical, close: done}, nil
}
