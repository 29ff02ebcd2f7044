package destinations

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cakebackup/cakebackup/internal/errloc"
)

// Spec is a parsed --dest value: a scheme such as "folder", "downloads",
// "usb" or "proton", and the scheme's argument (possibly empty).
type Spec struct {
	Scheme string
	Arg    string
}

// String returns the spec in its canonical "scheme:arg" form.
func (s Spec) String() string {
	if s.Arg == "" {
		return s.Scheme
	}
	return s.Scheme + ":" + s.Arg
}

// ErrEmptySpec is ParseSpec's error for a spec that is empty or only
// white space.
var ErrEmptySpec = errors.New("empty destination: use downloads, folder:PATH, usb[:LABEL] or proton:/PATH")

// ParseSpec parses a --dest value. A bare absolute path is read as
// "folder:PATH". Scheme names are lower-case letters.
func ParseSpec(spec string) (Spec, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return Spec{}, ErrEmptySpec
	}
	if filepath.IsAbs(spec) {
		return Spec{Scheme: "folder", Arg: filepath.Clean(spec)}, nil
	}
	scheme, arg, _ := strings.Cut(spec, ":")
	if !isScheme(scheme) {
		return Spec{}, &KindError{Spec: spec, Kind: scheme}
	}
	return Spec{Scheme: scheme, Arg: arg}, nil
}

func isScheme(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// KindError reports a destination spec whose kind is not one of the
// registered kinds, or cannot be a kind at all (such as "Downloads").
type KindError struct {
	// Spec is the spec as given; Kind the part before the colon.
	Spec, Kind string
	// Known are the registry's kinds, sorted; nil when the spec was only
	// parsed.
	Known []string
}

// Error says what the spec should have looked like.
func (e *KindError) Error() string {
	if e.Known == nil {
		return fmt.Sprintf("destination %q: want downloads, folder:PATH, usb[:LABEL], proton:/PATH or an absolute path", e.Spec)
	}
	return fmt.Sprintf("destination %q: unknown kind %q (known: %s)", e.Spec, e.Kind, strings.Join(e.Known, ", "))
}

// ArgError is an opener's error for a spec argument that cannot be right
// whatever is plugged in or logged in, such as folder: without a path:
// the person's to fix, not the machine's.
type ArgError struct{ Reason string }

// Error says what is wrong with the argument and what to write instead.
func (e *ArgError) Error() string { return e.Reason }

// Opener opens the destination for one scheme, given the spec's argument.
type Opener func(ctx context.Context, arg string) (Destination, error)

// Registry maps spec schemes to the openers of their destinations. The CLI
// builds one at start-up; adding a destination is one Register call.
type Registry struct {
	openers  map[string]Opener
	help     map[string]string
	discover []discovery
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{openers: map[string]Opener{}, help: map[string]string{}}
}

// Register adds the opener for scheme, with a one-line usage such as
// "folder:PATH  a folder on this computer". It panics if scheme is
// registered twice, which is a programming error.
func (r *Registry) Register(scheme, usage string, open Opener) {
	if _, dup := r.openers[scheme]; dup {
		panic("destinations: scheme registered twice: " + scheme)
	}
	r.openers[scheme] = open
	r.help[scheme] = usage
}

// OpenError is Open's error for a destination that did not open.
type OpenError struct {
	// Spec is the destination, Err why it did not open.
	Spec string
	Err  error
}

// Error names the destination and says why: "destination S: ...". When
// Err's text names the destination already, by its spec or by the path it
// stands for ("folder /x does not exist"), it says Err alone.
func (e *OpenError) Error() string {
	return errloc.Wrap(e.Err, "destination "+e.Spec, Spellings(e.Spec)...).Error()
}

// Spellings returns the ways a message may name the destination spec
// stands for: spec itself and, for a spec whose argument is a path
// (folder:/media/usb, proton:/Backups), that path. A message that names
// any of them names the destination (see errloc.Names).
func Spellings(spec string) []string {
	s, err := ParseSpec(spec)
	if err != nil || !strings.ContainsAny(s.Arg, `/\`) {
		return []string{spec}
	}
	return []string{spec, s.Arg}
}

// Unwrap returns why the destination did not open.
func (e *OpenError) Unwrap() error { return e.Err }

// Cause is err without the destination's name when err is the OpenError
// of spec, for a message that names spec itself; otherwise it is err.
// Specs are compared as parsed, so a message that spells the destination
// as it was given (/media/usb) drops the OpenError's canonical
// folder:/media/usb too.
func Cause(err error, spec string) error {
	var oe *OpenError
	if errors.As(err, &oe) && err.Error() == oe.Error() && sameSpec(oe.Spec, spec) {
		return oe.Err
	}
	return err
}

// sameSpec reports whether a and b name one destination: equal as given,
// or equal once parsed.
func sameSpec(a, b string) bool {
	if a == b {
		return true
	}
	pa, err := ParseSpec(a)
	if err != nil {
		return false
	}
	pb, err := ParseSpec(b)
	return err == nil && pa == pb
}

// Open parses spec and opens its destination. Its error for a destination
// that does not open is an *OpenError.
func (r *Registry) Open(ctx context.Context, spec string) (Destination, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	open, ok := r.openers[s.Scheme]
	if !ok {
		return nil, &KindError{Spec: spec, Kind: s.Scheme, Known: r.Schemes()}
	}
	d, err := open(ctx, s.Arg)
	if err != nil {
		return nil, &OpenError{Spec: s.String(), Err: err}
	}
	return d, nil
}

// Schemes returns the registered scheme names, sorted.
func (r *Registry) Schemes() []string {
	names := make([]string, 0, len(r.openers))
	for n := range r.openers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Usage returns one usage line per registered scheme, sorted by scheme.
func (r *Registry) Usage() []string {
	var lines []string
	for _, n := range r.Schemes() {
		lines = append(lines, r.help[n])
	}
	return lines
}
