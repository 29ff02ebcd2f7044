package proton

import (
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	destinationtest.Run(t, destinationtest.Harness{
		New:     func(t *testing.T) destinations.Destination { return f.newDest(t) },
		Residue: func(t *testing.T, d destinations.Destination) []string { return f.residue(t, d) },
		// A full 4 MiB block and a partial one: several blocks, each
		// encrypted, signed, hashed and read back, and no more of them
		// than that needs.
		Size: 4<<20 + 12345,
	})
}
