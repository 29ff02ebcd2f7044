package destinations

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr bool
	}{
		{in: "downloads", want: Spec{Scheme: "downloads"}},
		{in: "folder:/srv/backups", want: Spec{Scheme: "folder", Arg: "/srv/backups"}},
		{in: "folder:relative/dir", want: Spec{Scheme: "folder", Arg: "relative/dir"}},
		{in: "/srv/backups/", want: Spec{Scheme: "folder", Arg: "/srv/backups"}},
		{in: "usb", want: Spec{Scheme: "usb"}},
		{in: "usb:WALLETS", want: Spec{Scheme: "usb", Arg: "WALLETS"}},
		{in: "usb:/media/ana/STICK", want: Spec{Scheme: "usb", Arg: "/media/ana/STICK"}},
		{in: "proton:/Backups/Cake", want: Spec{Scheme: "proton", Arg: "/Backups/Cake"}},
		{in: "  downloads ", want: Spec{Scheme: "downloads"}},
		{in: "", wantErr: true},
		{in: "relative/path", wantErr: true},
		{in: "Folder:/x", wantErr: true},
		{in: ":x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseSpec(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseSpec(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestParseSpecEmpty: an empty spec, or one of white space alone, is
// ErrEmptySpec, which the command line tells from a destination that
// failed (a usage error, not a failure).
func TestParseSpecEmpty(t *testing.T) {
	for _, in := range []string{"", " ", "\t\n"} {
		if _, err := ParseSpec(in); !errors.Is(err, ErrEmptySpec) {
			t.Errorf("ParseSpec(%q) error = %v, want ErrEmptySpec", in, err)
		}
	}
}

func TestRegistryOpen(t *testing.T) {
	r := NewRegistry()
	var gotArg string
	errOpen := errors.New("no such drive")
	r.Register("usb", "usb[:LABEL]", func(ctx context.Context, arg string) (Destination, error) {
		gotArg = arg
		return nil, errOpen
	})
	if _, err := r.Open(context.Background(), "usb:STICK"); !errors.Is(err, errOpen) {
		t.Fatalf("Open error = %v, want it to wrap the opener's", err)
	}
	if gotArg != "STICK" {
		t.Fatalf("opener got arg %q, want STICK", gotArg)
	}
	_, err := r.Open(context.Background(), "ftp:host")
	if err == nil || !strings.Contains(err.Error(), `unknown kind "ftp"`) || !strings.Contains(err.Error(), "usb") {
		t.Fatalf("unknown scheme error = %v, want it to name the kind and the known ones", err)
	}
}

func TestSplitBackup(t *testing.T) {
	tests := []struct {
		in, dest, name string
		err            error
	}{
		{"proton:/Backups/Cake/cake_wallet_backup_1", "proton:/Backups/Cake", "cake_wallet_backup_1", nil},
		{"proton:/b", "proton:/", "b", nil},
		{"usb:WALLETS/b", "usb:WALLETS", "b", nil},
		{"usb:/media/a/STICK/b", "usb:/media/a/STICK", "b", nil},
		{"downloads:b", "downloads", "b", nil},
		{"folder:/srv/backups/b", "folder:/srv/backups", "b", nil},
		{"/srv/backups/b", "folder:/srv/backups", "b", nil},
		{"proton:/Backups/Cake/", "", "", ErrNoBackupName},
		{"usb", "", "", ErrNoBackupName},
	}
	for _, tt := range tests {
		d, name, err := SplitBackup(tt.in)
		if d.String() != tt.dest && err == nil || name != tt.name || !errors.Is(err, tt.err) {
			t.Errorf("SplitBackup(%q) = %q, %q, %v; want %q, %q, %v", tt.in, d, name, err, tt.dest, tt.name, tt.err)
		}
	}
}

// TestCause: a message that names the destination gets Open's reason
// without the name again, however the message spells the destination (a
// bare path for folder:PATH); any other error stays whole, and Open's
// error still matches what the opener's error matches.
func TestCause(t *testing.T) {
	r := NewRegistry()
	r.Register("gone", "gone:X  never there", func(context.Context, string) (Destination, error) {
		return nil, fmt.Errorf("drive X is unplugged: %w", ErrNotFound)
	})
	_, openErr := r.Open(context.Background(), "gone:X")
	if !errors.Is(openErr, ErrNotFound) || openErr.Error() != "destination gone:X: drive X is unplugged: not found" {
		t.Fatalf("Open: %v", openErr)
	}
	r.Register("folder", "folder:PATH  a folder", func(_ context.Context, arg string) (Destination, error) {
		return nil, fmt.Errorf("folder %s is unplugged: %w", arg, ErrNotFound)
	})
	// A bare path is a folder: spec, which Open's error names canonically;
	// its opener's error names the path, so the OpenError adds nothing.
	usb := filepath.Join(t.TempDir(), "usb")
	_, folderErr := r.Open(context.Background(), usb)
	if folderErr == nil || folderErr.Error() != "folder "+usb+" is unplugged: not found" {
		t.Fatalf("Open: %v", folderErr)
	}
	tests := []struct {
		name string
		err  error
		spec string
		want string
	}{
		{"its own destination", openErr, "gone:X", "drive X is unplugged: not found"},
		{"another destination", openErr, "gone:Y", openErr.Error()},
		{"wrapped with more", fmt.Errorf("sending: %w", openErr), "gone:X", "sending: " + openErr.Error()},
		{"not an OpenError", ErrNotFound, "gone:X", "not found"},
		{"named as given, not canonical", folderErr, usb + string(filepath.Separator), "folder " + usb + " is unplugged: not found"},
		{"another path", folderErr, usb + "2", folderErr.Error()},
		{"not a spec", folderErr, "Downloads", folderErr.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cause(tt.err, tt.spec)
			if got.Error() != tt.want || !errors.Is(got, ErrNotFound) {
				t.Errorf("Cause = %q, want %q, still ErrNotFound", got, tt.want)
			}
		})
	}
}

// TestOpenErrorNamesOnce: Open's error names the destination once: by
// "destination S: " when the opener's reason does not name it, else by
// the reason alone, whether that names the spec or the path it stands for.
func TestOpenErrorNamesOnce(t *testing.T) {
	tests := []struct {
		spec, reason, want string
	}{
		{"gone:X", "not plugged in", "destination gone:X: not plugged in"},
		{"gone:/media/usb", "folder /media/usb does not exist", "folder /media/usb does not exist"},
		{"gone:/media/usb", "gone:/media/usb is busy", "gone:/media/usb is busy"},
		{"gone:/media/usb", "folder /media/usb2 does not exist", "destination gone:/media/usb: folder /media/usb2 does not exist"},
		// A word that is no path is not taken for the destination.
		{"gone:X", "drive X is not plugged in", "destination gone:X: drive X is not plugged in"},
	}
	for _, tc := range tests {
		r := NewRegistry()
		r.Register("gone", "gone:X  never there", func(context.Context, string) (Destination, error) {
			return nil, fmt.Errorf("%s: %w", tc.reason, ErrNotFound)
		})
		_, err := r.Open(context.Background(), tc.spec)
		if want := tc.want + ": not found"; err == nil || err.Error() != want || !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q) = %v, want %q wrapping ErrNotFound", tc.spec, err, want)
		}
	}
}

// TestNamesKind: OpenStored takes an argument that starts with a
// registered kind and a colon for a spec even when the system says more
// than "no such file" of it as a file's name (Windows refuses the colon).
func TestNamesKind(t *testing.T) {
	r := NewRegistry()
	for _, kind := range []string{"proton", "downloads", "folder"} {
		r.Register(kind, kind+"  test", func(context.Context, string) (Destination, error) { return nil, ErrNotFound })
	}
	for arg, want := range map[string]bool{
		"proton:/Backups/NAME": true,
		"downloads:NAME":       true,
		"folder:/x/NAME":       true,
		"usb:STICK/NAME":       false, // not registered here
		"/abs/path/NAME":       false,
		"NAME":                 false,
		"a/b:c":                false,
	} {
		if got := r.namesKind(arg); got != want {
			t.Errorf("namesKind(%q) = %v, want %v", arg, got, want)
		}
	}
}
