package errloc

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct {
		msg       string
		spellings []string
		want      bool
	}{
		{"open /x/y.bak: no such file or directory", []string{"/x/y.bak"}, true},
		{"/x/y.bak: no such backup file", []string{"/x/y.bak"}, true},
		{"folder /nope does not exist", []string{"folder:/nope", "/nope"}, true},
		{"folder /nope does not exist", []string{"folder:/nope"}, false},
		{"destination folder:/nope: gone", []string{"folder:/nope"}, true},
		{"no backup NAME in /media/usb.", []string{"/media/usb"}, true},
		{`cannot read "/a b/c"`, []string{"/a b/c"}, true},
		{"(at /x/y)", []string{"/x/y"}, true},
		{"lstat /x/y/: not a directory", []string{"/x/y"}, true},
		{"proton:/Backups/: not found", []string{"proton:/Backups/"}, true},
		{"proton:/Backups: not found", []string{"proton:/Backups/"}, true},
		{"at proton:/ only", []string{"proton:/"}, true},
		// More of a path is another path.
		{"open /x/y.bak.part: no space", []string{"/x/y.bak"}, false},
		{"open /var/tmp/x: denied", []string{"/tmp/x"}, false},
		{"open /x/y/sub: denied", []string{"/x/y"}, false},
		{"open tmp/x: denied", []string{"x"}, false},
		{"open /x/y..: denied", []string{"/x/y"}, false},
		{"is /x/y-2 there", []string{"/x/y"}, false},
		{"ab", []string{"a"}, false},
		// Nothing names the empty location.
		{"anything", []string{""}, false},
		{"anything", nil, false},
		// A later occurrence counts when an earlier one is part of a word.
		{"/x/y.part and /x/y: both", []string{"/x/y"}, true},
	}
	for _, tc := range tests {
		if got := Names(tc.msg, tc.spellings...); got != tc.want {
			t.Errorf("Names(%q, %q) = %v, want %v", tc.msg, tc.spellings, got, tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	openErr := &fs.PathError{Op: "open", Path: "/x/y.bak", Err: syscall.ENOENT}
	tests := []struct {
		name      string
		err       error
		prefix    string
		spellings []string
		want      string
	}{
		{"names another place", errors.New("disk full"), "restore /x/y.bak", []string{"/x/y.bak"}, "restore /x/y.bak: disk full"},
		{"the location's own path error", openErr, "restore /x/y.bak", []string{"/x/y.bak"}, "restore /x/y.bak: no such file or directory"},
		{"path error of another path", &fs.PathError{Op: "open", Path: "/z", Err: syscall.ENOENT}, "restore /x/y.bak", []string{"/x/y.bak"}, "restore /x/y.bak: open /z: no such file or directory"},
		{"named already", errors.New("folder /nope does not exist"), "sending to folder:/nope", []string{"folder:/nope", "/nope"}, "folder /nope does not exist"},
		{"path error under words naming it", wrapf("checking /x/y.bak", openErr), "restore /x/y.bak", []string{"/x/y.bak"}, "checking /x/y.bak: open /x/y.bak: no such file or directory"},
		{"no spellings", errors.New("why"), "doing", nil, "doing: why"},
		{"no prefix", errors.New("why"), "", []string{"/x"}, "why"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Wrap(tc.err, tc.prefix, tc.spellings...)
			if got.Error() != tc.want {
				t.Errorf("Wrap = %q, want %q", got, tc.want)
			}
			if !errors.Is(got, tc.err) {
				t.Errorf("Wrap's error does not wrap %v", tc.err)
			}
		})
	}
	if Wrap(nil, "doing", "/x") != nil {
		t.Error("Wrap(nil) is not nil")
	}
}

func TestWrapKeepsThePathError(t *testing.T) {
	err := Wrap(&fs.PathError{Op: "read", Path: "/x", Err: syscall.EIO}, "verify /x", "/x")
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("%v: the *fs.PathError and its errno are gone", err)
	}
}

// wrapf wraps err as fmt.Errorf(prefix+": %w") does.
func wrapf(prefix string, err error) error { return &Error{msg: prefix + ": " + err.Error(), err: err} }

// TestAfter: the words go right after the cause's text, at the end when
// the text does not hold it, and are not added twice; errors.Is still
// finds the cause.
func TestAfter(t *testing.T) {
	cause := errors.New("not logged in")
	tests := []struct {
		err  error
		want string
	}{
		{cause, "not logged in: log in"},
		{fmt.Errorf("uploading x: %w (code 401)", cause), "uploading x: not logged in: log in (code 401)"},
		{wrapf("uploading x", Explain(cause, "logged out")), "uploading x: logged out: log in"},
		{fmt.Errorf("run: %w", After(cause, cause, ": log in")), "run: not logged in: log in"},
	}
	for _, tt := range tests {
		got := After(tt.err, cause, ": log in")
		if got.Error() != tt.want || !errors.Is(got, cause) {
			t.Errorf("After(%q) = %q, want %q wrapping the cause", tt.err, got, tt.want)
		}
	}
}

func TestReason(t *testing.T) {
	tests := []struct {
		err       error
		spellings []string
		want      string
	}{
		{errors.New("opening /x/b: no permission to read it (permission denied)"), []string{"/x/b"}, "no permission to read it (permission denied)"},
		{errors.New("/x/b: no such backup file"), []string{"/x/b"}, "no such backup file"},
		{&fs.PathError{Op: "open", Path: "/x/b", Err: syscall.EIO}, []string{"/x/b"}, "input/output error"},
		{errors.New("downloading proton:/B/b: network error"), []string{"/x/b", "proton:/B/b"}, "network error"},
		// The location in a later clause, another location, no clause.
		{errors.New("checking: /x/b: bad"), []string{"/x/b"}, "checking: /x/b: bad"},
		{errors.New("opening /x/b2: denied"), []string{"/x/b"}, "opening /x/b2: denied"},
		{errors.New("/x/b is not a file"), []string{"/x/b"}, "/x/b is not a file"},
		{errors.New("chunk 0: checksum mismatch"), []string{"/x/b"}, "chunk 0: checksum mismatch"},
	}
	for _, tc := range tests {
		if got := Reason(tc.err, tc.spellings...); got != tc.want {
			t.Errorf("Reason(%q, %q) = %q, want %q", tc.err, tc.spellings, got, tc.want)
		}
	}
	if Reason(nil, "/x") != "" {
		t.Error("Reason(nil) is not empty")
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"open /x: no such file\n", "open /x: no such file"},
		{"first\nsecond", "first second"},
		{"windows\r\nline", "windows line"},
		{"a\tb", "a b"},
		{"  runs   of \n\n spaces  ", "runs of spaces"},
		{"\n\t\r ", ""},
		// Not printed raw: a terminal would act on them.
		{"/tmp/\x1b[31mred: no such file", `/tmp/\x1b[31mred: no such file`},
		{"a\x00b\x7fc", `a\x00b\x7fc`},
		{"bell\a", `bell\a`},
		{"bad \xff\xfe bytes", `bad \xff\xfe bytes`},
		{"bidi \u202e override", `bidi \u202e override`},
		{"café, Grüße, 日本", "café, Grüße, 日本"},
	}
	for _, tt := range tests {
		if got := OneLine(tt.in); got != tt.want {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
