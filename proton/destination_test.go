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
		// Three full 4 MiB blocks and a partial one.
		Size: 3*4<<20 + 12345,
	})
}
