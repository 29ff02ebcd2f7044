// Package job is the one path from what is backed up to where it is kept.
// Make collects a wallet data folder, produces the encrypted backup once
// and streams it to one or more destinations, each of which reads its copy
// back and checks it before publishing it; Create is Make for a backup
// whose generated password is shown once, and removes one whose password
// could not be shown, which nobody could open. Send ships a backup that
// already exists (an export made by the wallet app) byte for byte, after
// checking it, to the same destinations with the same verified commit.
// Open opens one backup, named by its path or its destination and name,
// with the password that opens it, to read: Opened's Inspect, Verify and
// Restore. Their results (Made.Result, Verified, Inspection, Restored) are
// the command line's --json objects.
//
// The command line and the scheduler both call this package; it knows the
// backup format only through the backup package and the places only
// through the destinations package.
package job

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
)

// Opener opens a destination from its --dest spec; a
// destinations.Registry's Open method is one.
type Opener func(ctx context.Context, spec string) (destinations.Destination, error)

// Stored is what became of a backup at one destination.
type Stored struct {
	// Dest is the destination's spec as it was given.
	Dest string
	// Entry is the stored and verified backup; empty when Err is set.
	Entry destinations.Entry
	// AlreadyThere is true when Send found the same bytes already stored
	// there (under Entry.Name) and stored nothing new.
	AlreadyThere bool
	// Err is why the backup is not at this destination, or nil.
	Err error
	// Reclaimed is what interrupted earlier runs had left there and was
	// removed before this one wrote.
	Reclaimed destinations.Reclaimed
	// SHA512 is the lower-case hex SHA-512 of the stored bytes ("" from
	// a Send not asked for it: Shipment.WantSHA512), and Identity the
	// destination's identity of the stored object (empty when it has
	// none: see destinations.Identifier). A later check
	// that finds the same identity need not read the backup again.
	SHA512, Identity string
	// Spec is the destination's canonical spec (Destination.Spec), under
	// which its verification records are kept.
	Spec string
}

// Stores is the outcome at each destination of one backup, in the order
// the destinations were given.
type Stores []Stored

// Err returns nil when every destination holds a verified copy, the only
// destination's error when there was one, and otherwise a
// *DestinationsError naming each failure.
func (s Stores) Err() error {
	var failed Stores
	for _, st := range s {
		if st.Err != nil {
			failed = append(failed, st)
		}
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(s) == 1:
		return failed[0].Err
	}
	return &DestinationsError{Failed: failed, Total: len(s)}
}

// Good returns the destinations that hold a verified copy.
func (s Stores) Good() Stores {
	var good Stores
	for _, st := range s {
		if st.Err == nil {
			good = append(good, st)
		}
	}
	return good
}

// DestinationsError is the error of a backup that some of several
// destinations could not store. The others hold a verified copy.
type DestinationsError struct {
	Failed Stores // each failed destination, with its error
	Total  int    // how many destinations there were
}

func (e *DestinationsError) Error() string {
	parts := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		parts[i] = f.Err.Error()
	}
	return fmt.Sprintf("%d of %d destinations failed: %s", len(e.Failed), e.Total, strings.Join(parts, "; "))
}

// Unwrap returns each destination's error, so errors.Is finds, say,
// destinations.ErrNoSpace behind any of them.
func (e *DestinationsError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

// ErrNoDestination is returned when a job names no destination.
var ErrNoDestination = errors.New("no destination given")

// ErrDestTwice is wrapped by the error of a backup or a shipment that
// names one place twice, spelled alike or not (folder:/srv/b and
// /srv/b/): it would only get a second, renamed copy.
var ErrDestTwice = errors.New("give each destination once")

// ErrDestInSource is wrapped by the error of a backup whose destination
// is the folder being backed up or a folder inside it, however it is
// reached (a symbolic link, a bind mount): each backup would hold the
// ones before it, growing without end.
var ErrDestInSource = errors.New("keep backups outside the folder being backed up")

// ErrNoPassword is returned by Make when the backup password is empty.
var ErrNoPassword = errors.New("no backup password")

// BadRequest reports whether err is the error of a backup or a shipment
// asked for in a way that cannot work, which only asking otherwise mends:
// a target app that restores no backups of ours (*UnknownAppError), a
// name not every destination can store (*NameError), no destination, one
// given twice or inside the source, a destination's argument that cannot
// be right (*destinations.ArgError), or a file to send that is not there
// or no file (CheckFile's errors).
func BadRequest(err error) bool {
	return errors.As(err, new(*UnknownAppError)) || errors.As(err, new(*NameError)) || errors.As(err, new(*destinations.ArgError)) ||
		errors.Is(err, ErrNoDestination) || errors.Is(err, ErrDestTwice) || errors.Is(err, ErrDestInSource) ||
		errors.Is(err, destinations.ErrNoSuchFile) || errors.Is(err, ErrFolderNotFile) || errors.Is(err, ErrNotRegular)
}

// UnknownAppError is returned by Make for a target app that does not
// restore our backups.
type UnknownAppError struct{ App string }

func (e *UnknownAppError) Error() string {
	return fmt.Sprintf("unknown app %q: backups can be made for %s", e.App, strings.Join(TargetApps(), " or "))
}

// TargetApps are the apps a backup can be made for, the default first.
// The app refuses a backup whose README.txt names another app ("This
// backup was created in X and cannot be restored in Y"), so README.txt
// names the app the backup is for.
func TargetApps() []string { return []string{"Cake Wallet", "Monero.com"} }

// TargetApp returns the app a backup made for name is for, in the app's
// own spelling (one of TargetApps), whatever the case name is typed in
// ("monero.com" is Monero.com): README.txt gets that spelling, which the
// app compares exactly. It is false when no such app restores
// cakebackup's backups.
func TargetApp(name string) (string, bool) {
	apps := TargetApps()
	i := slices.IndexFunc(apps, func(app string) bool { return strings.EqualFold(app, name) })
	if i < 0 {
		return "", false
	}
	return apps[i], true
}

// backupPrefix starts every backup's name, as the app names its exports.
const backupPrefix = "cake_wallet_backup_"

// nameTimeLayout is the time stamp in backup names.
const nameTimeLayout = "2006-01-02_150405"

// BackupName returns the name of a backup made at t: for a one-off
// backup (jobName "") cake_wallet_backup_YYYY-MM-DD_HHMMSS, and for a
// scheduled job's cake_wallet_backup_<job>_YYYY-MM-DD_HHMMSS, in t's
// location.
func BackupName(jobName string, t time.Time) string {
	if jobName == "" {
		return backupPrefix + t.Format(nameTimeLayout)
	}
	return backupPrefix + jobName + "_" + t.Format(nameTimeLayout)
}

// openAll opens each spec, recording the ones that fail. The caller
// closes what it returns with closeAll.
func openAll(ctx context.Context, open Opener, specs []string) ([]destinations.Destination, Stores) {
	dests := make([]destinations.Destination, len(specs))
	stores := make(Stores, len(specs))
	for i, spec := range specs {
		stores[i].Dest = spec
		d, err := open(ctx, spec)
		if err != nil {
			stores[i].Err = err
			continue
		}
		dests[i] = d
		if r, ok := d.(destinations.Reclaimer); ok {
			// A leftover that cannot be removed now is tried again next
			// time; it does not stop this backup.
			stores[i].Reclaimed, _ = r.Reclaim(ctx)
		}
	}
	return dests, stores
}

// closeAll releases what the destinations hold open, such as a Proton
// Drive connection.
func closeAll(dests []destinations.Destination) {
	for _, d := range dests {
		if d != nil {
			_ = d.Close()
		}
	}
}

// checkDests refuses an empty or repeated destination list: writing the
// same place twice would only make a second, renamed copy.
func checkDests(specs []string) error {
	if len(specs) == 0 {
		return ErrNoDestination
	}
	seen := map[string]bool{}
	for _, s := range specs {
		if seen[s] {
			return fmt.Errorf("destination %s is given twice: %w", s, ErrDestTwice)
		}
		seen[s] = true
	}
	return nil
}

// CheckOpened refuses two opened destinations that are one place: under
// two spellings, or one folder reached two ways (a symbolic link, a bind
// mount). It wraps ErrDestTwice. dests[i] is specs[i] opened, or nil when
// it did not open. Make and Send check this themselves; a caller such as
// a job's check before its first run may ask it beforehand.
func CheckOpened(specs []string, dests []destinations.Destination) error {
	return checkOpened(specs, dests, nil)
}

// checkOpened refuses, before anything is written, a destination list
// holding a spec whose argument cannot be right (a
// *destinations.ArgError, such as folder: without a path), two opened
// destinations that are one place under different spellings (folder:DIR
// and DIR/), which checkDests cannot tell apart: each destination's Spec
// is its canonical name, and two that are one folder reached two ways (see
// sameFolder).
func checkOpened(specs []string, dests []destinations.Destination, stores Stores) error {
	for _, st := range stores {
		if argErr := (*destinations.ArgError)(nil); errors.As(st.Err, &argErr) {
			return st.Err
		}
	}
	first := map[string]int{}
	for i, d := range dests {
		if d == nil {
			continue
		}
		if j, ok := first[d.Spec()]; ok {
			return fmt.Errorf("destinations %s and %s are the same place, %s: %w", specs[j], specs[i], d.Spec(), ErrDestTwice)
		}
		first[d.Spec()] = i
	}
	return sameFolder(specs, dests)
}

// CheckNotInSource refuses a destination that stores its backups in the
// folder source or in a folder inside it (destinations.LocalFolder),
// reached however (a symbolic link, a bind mount of source). It wraps
// ErrDestInSource. dests[i] is specs[i] opened, or nil when it did not
// open. Make checks this itself; a caller such as a job's check before
// its first run may ask it beforehand. A source that cannot be looked at
// is left to Make to report.
func CheckNotInSource(source string, specs []string, dests []destinations.Destination) error {
	src, err := os.Stat(source)
	if err != nil || !src.IsDir() {
		return nil
	}
	for i, d := range dests {
		lf, ok := d.(destinations.LocalFolder)
		if !ok {
			continue
		}
		if within(lf.Dir(), src) {
			return fmt.Errorf("destination %s is in the folder being backed up, %s, so each backup would hold the ones before it: %w", specs[i], source, ErrDestInSource)
		}
	}
	return nil
}

// folderSpecsNotInSource is CheckNotInSource for the specs that name a
// folder by its path (folder:DIR, or DIR), before anything is opened.
func folderSpecsNotInSource(source string, specs []string) error {
	src, err := os.Stat(source)
	if err != nil || !src.IsDir() {
		return nil
	}
	for _, s := range specs {
		if spec, err := destinations.ParseSpec(s); err == nil && spec.Scheme == "folder" && spec.Arg != "" && within(spec.Arg, src) {
			return fmt.Errorf("destination %s is in the folder being backed up, %s, so each backup would hold the ones before it: %w", s, source, ErrDestInSource)
		}
	}
	return nil
}

// within reports whether dir (which may not exist yet) is the directory
// src or lies below it. It walks up from dir's nearest existing folder,
// its symbolic links resolved, comparing each folder with src by inode:
// so a link that leads into src counts, and so does a bind mount of src
// (the same inode). A link inside src that leads out does not: the backup
// skips links, so what is stored through one is not backed up again.
func within(dir string, src fs.FileInfo) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
	dir, err = filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	for {
		if fi, err := os.Stat(dir); err == nil && os.SameFile(fi, src) {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// sameFolder refuses two destinations whose folders are one directory on
// this computer (destinations.LocalFolder): a folder and a symbolic link
// to it, a bind mount of it, a drive's folder named by its path too. Their
// specs differ, yet both copies would land on one medium, and the person
// would count two. A destination whose folder cannot be looked at now is
// left to fail, and say why, when its copy is written.
func sameFolder(specs []string, dests []destinations.Destination) error {
	for i, d := range dests {
		a, ok := d.(destinations.LocalFolder)
		if !ok {
			continue
		}
		for j := range i {
			b, ok := dests[j].(destinations.LocalFolder)
			if !ok {
				continue
			}
			if same, err := destinations.SameFolder(b, a); err == nil && same {
				return fmt.Errorf("destinations %s and %s are one folder, reached two ways (a link or a mount): %w", specs[j], specs[i], ErrDestTwice)
			}
		}
	}
	return nil
}
