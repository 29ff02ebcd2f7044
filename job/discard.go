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

// Discarded is what became of one copy Discard was given.
type Discarded struct {
	// Location is where the copy was stored (its Entry's Location).
	Location string
	// Err is nil when the copy was removed or was already gone,
	// ErrReplaced, or why it could not be removed.
	Err error
}

// Discard removes the copies in stores that were stored (those without
// Err), each under the name it was stored under, and only while that name
// still holds it: where the destination identifies its files
// (destinations.Identifier) and the copy's identity was recorded, a name
// whose identity differs is left alone (ErrReplaced): a copy renamed over
// by another program, a "usb" that finds another stick now. Between that
// look and the removal another program could still replace it. It
// returns what became of each stored copy, in order. It is for a backup
// nobody can open (its password lost), never for older backups: it
// touches only the names in stores.
func Discard(ctx context.Context, open Opener, stores Stores) []Discarded {
	var out []Discarded
	for _, st := range stores.Good() {
		out = append(out, Discarded{Location: st.Entry.Location, Err: discardOne(ctx, open, st)})
	}
	return out
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
