package proton

import (
	"context"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/secret"
)

// Scheme is the --dest scheme of Proton Drive destinations.
const Scheme = "proton"

// Register adds the "proton" scheme to r. Opening "proton:/PATH" uses the
// session cached for the user whose environment getenv reads, in kr (the
// process's keyring, see NewSessionStore) or the session file, and the
// API URL in $CAKEBACKUP_PROTON_URL (Proton's own when unset).
func Register(r *destinations.Registry, getenv func(string) string, kr secret.Keyring) {
	r.Register(Scheme, "proton:/PATH  a folder on Proton Drive (run `cakebackup proton login` first)",
		func(ctx context.Context, arg string) (destinations.Destination, error) {
			return Open(ctx, arg, getenv, kr)
		})
	r.RegisterDiscovery(Scheme, func(ctx context.Context) ([]destinations.Place, error) {
		user, ok := LoggedIn(getenv, kr)
		if !ok {
			return nil, nil
		}
		return []destinations.Place{{Spec: Scheme + ":/", Kind: Scheme, Description: "Proton Drive of " + user}}, nil
	})
}

// Open connects with the session cached in kr or the session file (see
// NewSessionStore) and returns the destination for the Drive folder arg,
// such as "/Backups/Cake".
func Open(ctx context.Context, arg string, getenv func(string) string, kr secret.Keyring) (*Destination, error) {
	if _, err := parseFolderPath(arg); err != nil {
		// Wrong whatever the session: the person's to fix (exit 2),
		// refused before any destination is written to.
		return nil, &destinations.ArgError{Reason: err.Error()}
	}
	opts, err := OptionsFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	d, err := Connect(ctx, opts, NewSessionStore(getenv, kr))
	if err != nil {
		return nil, err
	}
	return NewDestination(d, arg)
}

// LoggedIn reports whether a Proton session is cached, and for which
// user, without any network I/O (a cached session may still have been
// revoked since), in kr or the session file (see NewSessionStore). It is
// for listing destinations.
func LoggedIn(getenv func(string) string, kr secret.Keyring) (user string, ok bool) {
	// Loading is local I/O of a few hundred bytes; nothing to cancel.
	s, err := NewSessionStore(getenv, kr).Load(context.Background())
	if err != nil {
		return "", false
	}
	return s.Username, true
}
