package inbox

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/schedule"
)

// prune applies the inbox's retention at dest, which has just stored and
// verified a new copy. Only copies this inbox stored there count, dated by
// the creation time their export carries (else, and among equals, its
// time in the folder), and only those whose bytes still have the recorded
// SHA-512: a file of the same name that was replaced is neither counted
// nor deleted. Deletions go oldest first and stop at the first error.
func (r *runner) prune(ctx context.Context, dest string) ([]Pruned, error) {
	if r.in.Retention.Empty() {
		return nil, nil
	}
	d, err := r.openDest(ctx, dest)
	if err != nil {
		return nil, fmt.Errorf("retention at %s: %w", dest, err)
	}
	// A drive's own copies only (see where), on the drive opened now:
	// one the pass found before may have been swapped for another since
	// (a shipment there failed, and d was opened afresh). Retention due
	// on the stick found before is then owed there, not applied to
	// another stick by the first one's records.
	key := keyOf(dest, d)
	if od, ok := d.(onDrive); ok && key != dest {
		switch r.keys[dest] {
		case key:
		case "":
			r.resolve(ctx, dest, d) // plugged in since the pass looked
		default:
			return nil, fmt.Errorf("retention at %s: %w: %s", dest, ErrStickSwapped, od.Drive().Named())
		}
	}
	ours := map[string]string{} // name there -> SHA-512
	copies := r.st.Dests[key]
	for sum, c := range copies {
		if c.Ours && !c.Pruned {
			ours[c.Name] = sum
		}
	}
	list, err := d.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("retention at %s: %w", dest, err)
	}
	var good []schedule.Dated
	for _, e := range list {
		sum, ok := ours[e.Name]
		if !ok {
			continue
		}
		if err := hasHash(ctx, d, e, sum, copies[sum].Size); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			r.in.log().Warn("retention leaves a copy alone: it is not the export that was shipped", "dest", r.named(dest), "name", e.Name, "error", errloc.OneLine(err.Error()))
			continue
		}
		good = append(good, schedule.Dated{Entry: e, Time: copies[sum].dated()})
	}
	// Apply's sort is stable: among copies of the same date, the one
	// modified last in the folder counts as the newer.
	slices.SortStableFunc(good, func(a, b schedule.Dated) int {
		return copies[ours[b.Name]].Made.Compare(copies[ours[a.Name]].Made)
	})
	_, remove := r.in.Retention.Apply(good)
	var pruned []Pruned
	for i := len(remove) - 1; i >= 0; i-- {
		name := remove[i].Name
		if err := d.Delete(ctx, name); err != nil && !errors.Is(err, destinations.ErrNotFound) {
			return pruned, fmt.Errorf("retention at %s: delete %s: %w", dest, name, err)
		}
		sum := ours[name]
		c := copies[sum]
		c.Pruned = true
		copies[sum] = c
		r.dirty = true
		pruned = append(pruned, Pruned{Dest: dest, Name: name})
		r.in.log().Info("pruned", "dest", r.named(dest), "name", name)
	}
	return pruned, nil
}

// dated is the time retention dates the copy by: the creation time its
// export carries, else (a bare v2 export, or a record from before it was
// kept) the export's time in the folder.
func (c Copy) dated() time.Time {
	if !c.Created.IsZero() {
		return c.Created
	}
	return c.Made
}

// errNotShipped is returned by hasHash for a copy whose bytes differ.
var errNotShipped = errors.New("its bytes differ from the shipped export's")

// hasHash checks that the stored copy e at d has the SHA-512 sum.
func hasHash(ctx context.Context, d destinations.Destination, e destinations.Entry, sum string, size int64) error {
	if e.Size != size {
		return errNotShipped
	}
	rd, err := d.Open(ctx, e.Name)
	if err != nil {
		return err
	}
	defer rd.Close()
	h := sha512.New()
	if _, err := io.Copy(h, io.NewSectionReader(rd, 0, rd.Size())); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return errNotShipped
	}
	return nil
}
