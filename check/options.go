package check

import (
	"errors"

	"github.com/cakebackup/cakebackup/bytesize"
)

// ErrRotateWithoutGroups is ParseOptions' error for a rotation asked for
// without an N/T subset: only groups can move on by one.
var ErrRotateWithoutGroups = errors.New("rotating needs an N/T subset")

// ParseOptions reads the options a person gives a check: subset, when
// not "", as ParseSubset reads it (a size as bytesize.Parse does), and
// rotate. Its errors wrap ErrBadSubset or are ErrRotateWithoutGroups.
func ParseOptions(subset string, rotate bool) (Options, error) {
	opts := Options{Rotate: rotate}
	if subset != "" {
		sub, err := ParseSubset(subset, bytesize.Parse)
		if err != nil {
			return Options{}, err
		}
		opts.Subset = sub
	}
	if rotate && opts.Subset.T == 0 {
		return Options{}, ErrRotateWithoutGroups
	}
	return opts, nil
}
