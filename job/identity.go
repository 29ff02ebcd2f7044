package job

import (
	"context"

	"github.com/cakebackup/cakebackup/destinations"
)

// identify fills in each stored copy's destination spec, SHA-512 (sum, of
// the bytes written and read back; "" when not taken) and, where the destination is a
// destinations.Identifier, its identity, so the copy counts as verified
// later without being read again. An identity that cannot be read is left
// empty: the copy is then simply read again by the next check.
func identify(ctx context.Context, dests []destinations.Destination, stores Stores, sum string) {
	for i, d := range dests {
		if d == nil || stores[i].Err != nil {
			continue
		}
		stores[i].SHA512, stores[i].Spec = sum, d.Spec()
		if idr, ok := d.(destinations.Identifier); ok {
			if id, err := idr.Identity(ctx, stores[i].Entry.Name); err == nil {
				stores[i].Identity = id
			}
		}
	}
}
