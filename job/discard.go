package job

import (
	"context"
	"errors"

	"github.com/cakebackup/cakebackup/destinations"
)

// ErrReplaced is Discard's outcome for a copy whose name no longer holds
// it: the destination tells that the file there changed or was replaced
// since it was stored (its identity differs), so it was left alone.
var ErrReplaced = errors.New("no longer the copy stored")

// Discard removes the copies in stores that were stored (those without
// Err), each under the name it was stored under, and only while that name
// still holds it: where the destination identifies its files
// (destinations.Identifier) and the copy's identity was recorded, a name
// whose identity differs is left alone (ErrReplaced): a copy renamed over
// by another program, a "usb" that finds another stick now. Between that
// look and the removal another program could still replace it. It
// returns, for each stored copy in order (stores.Good()), nil when it
// was removed or was already gone, ErrReplaced, or why it could not be
// removed. It is for a backup nobody can open (its password lost), never
// for older backups: it touches only the names in stores.
func Discard(ctx context.Context, open Opener, stores Stores) []error {
	good := stores.Good()
	errs := make([]error, len(good))
	for i, st := range good {
		errs[i] = discardOne(ctx, open, st)
	}
	return errs
}

// discardOne removes st's copy as Discard does.
func discardOne(ctx context.Context, open Opener, st Stored) error {
	dest, err := open(ctx, st.Dest)
	if err != nil {
		return err
	}
	defer dest.Close()
	if idr, ok := dest.(destinations.Identifier); ok && st.Identity != "" {
		id, err := idr.Identity(ctx, st.Entry.Name)
		switch {
		case errors.Is(err, destinations.ErrNotFound):
			return nil // already gone: as good as removed
		case err != nil:
			return err
		case id != st.Identity:
			return ErrReplaced
		}
	}
	err = dest.Delete(ctx, st.Entry.Name)
	if errors.Is(err, destinations.ErrNotFound) {
		return nil // already gone: as good as removed
	}
	return err
}
