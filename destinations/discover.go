package destinations

import (
	"context"
	"encoding/json"
	"fmt"
)

// Place is somewhere a backup can go right now, as found by a scheme's
// discovery: the Downloads folder, a plugged-in drive, a Proton Drive one
// is logged in to.
type Place struct {
	// Spec is the --dest spec that picks this place.
	Spec string `json:"spec"`
	// Kind is the scheme, such as "usb".
	Kind string `json:"kind"`
	// Description is for people: "removable drive WALLETS".
	Description string `json:"description"`
	// Path is where it is on this machine, when it is on this machine.
	Path string `json:"path,omitempty"`
	// Free is its free space in bytes; nil when unknown (0 is a full
	// disk).
	Free *int64 `json:"free_bytes,omitempty"`
}

// MarshalJSON implements json.Marshaler: the place's keys, after its spec
// under "dest" too, the key ls --json and check --json name a destination
// by ("spec" is kept for the scripts that read it; deprecated).
func (p Place) MarshalJSON() ([]byte, error) {
	type place Place // Place without this method
	return json.Marshal(struct {
		Dest string `json:"dest"`
		place
	}{p.Spec, place(p)})
}

// Discover lists the places of one scheme that are available now.
type Discover func(ctx context.Context) ([]Place, error)

// RegisterDiscovery adds the discovery of a registered scheme, so that
// Available lists its places. A scheme without one (a plain folder,
// which could be anywhere) is usable but never listed.
func (r *Registry) RegisterDiscovery(scheme string, d Discover) {
	if _, ok := r.openers[scheme]; !ok {
		panic("destinations: discovery for an unregistered scheme: " + scheme)
	}
	r.discover = append(r.discover, discovery{scheme: scheme, find: d})
}

// discovery is one scheme's Discover.
type discovery struct {
	scheme string
	find   Discover
}

// Available lists the places every scheme with a discovery finds, in the
// order their discoveries were registered. A discovery that fails makes
// Available fail, naming the scheme.
func (r *Registry) Available(ctx context.Context) ([]Place, error) {
	var all []Place
	for _, d := range r.discover {
		places, err := d.find(ctx)
		if err != nil {
			return nil, fmt.Errorf("looking for %s destinations: %w", d.scheme, err)
		}
		all = append(all, places...)
	}
	return all, nil
}
