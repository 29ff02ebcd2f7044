package job

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

// TestWriteCreated: create's whole text: the generated password, or the
// file it was saved in, first when some destination holds the backup,
// never for one saved nowhere, and the snapshot line unless quiet or saved
// nowhere.
func TestWriteCreated(t *testing.T) {
	good, _, failed := storesForText()
	word := func(err error) string { return err.Error() + "!" }
	lines := "Removed 1 leftover file(s) of interrupted backups from downloads (10 B)\n" +
		"Backup saved and verified: /home/u/Downloads/b (2.0 MiB)\n"
	kind := "This backup was made by cakebackup from a data folder: RESTORE; the app cannot import it (no app-sealed keychain dump).\n"
	tests := []struct {
		name             string
		stores           Stores
		password, pwFile string
		quiet            bool
		want             string
	}{
		{"saved, password shown", Stores{good}, "pw-1", "", false, backup.PasswordNotice("pw-1") + lines + kind},
		{"saved, password in a file", Stores{good}, "", "", false, lines + kind},
		{"saved, password file named", Stores{good}, "", "/p/pw", false, backup.PasswordSavedNotice("/p/pw") + lines + kind},
		{"saved, quiet", Stores{good, failed}, "pw-1", "", true, backup.PasswordNotice("pw-1") + lines + "NOT saved to proton:/B: no room left!\n"},
		{"saved nowhere", Stores{failed}, "pw-1", "", false, ""},
		{"saved nowhere, password file named", Stores{failed}, "", "/p/pw", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := (&Made{Stores: tc.stores}).WriteCreated(&out, tc.password, tc.pwFile, tc.quiet, "RESTORE", word); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%s\nwant\n%s", out.String(), tc.want)
			}
		})
	}
}

// TestWriteCreatedPasswordLost: a failed write of the password is a
// *PasswordLostError holding the write's error; a failed write without
// one is the write's error alone.
func TestWriteCreatedPasswordLost(t *testing.T) {
	good, _, _ := storesForText()
	broken := errors.New("broken pipe")
	made := &Made{Stores: Stores{good}}
	var lost *PasswordLostError
	if err := made.WriteCreated(failingWriter{broken}, "pw-1", "", false, "R", error.Error); !errors.As(err, &lost) || lost.Err != broken {
		t.Errorf("with the password: %v; want a *PasswordLostError of %v", err, broken)
	}
	if err := made.WriteCreated(failingWriter{broken}, "", "", false, "R", error.Error); err != broken {
		t.Errorf("without the password: %v; want %v", err, broken)
	}
}

// TestCreated: the JSON result carries the generated password only when
// some destination holds the backup.
func TestCreated(t *testing.T) {
	good, _, failed := storesForText()
	for _, tc := range []struct {
		stores Stores
		want   string
	}{
		{Stores{good}, "pw-1"},
		{Stores{failed}, ""},
	} {
		made := &Made{Name: "b", Summary: &backup.Summary{}, Stores: tc.stores}
		b, err := json.Marshal(made.Created("pw-1", error.Error))
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Password *string `json:"generated_password"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if (got.Password == nil) != (tc.want == "") || (got.Password != nil && *got.Password != tc.want) {
			t.Errorf("%s: generated_password %v; want %q", b, got.Password, tc.want)
		}
	}
}

// TestPasswordLostErrorText: the whole line, with what became of each
// copy, failed removals worded by the function given.
func TestPasswordLostErrorText(t *testing.T) {
	lost := "the generated password could not be shown (broken pipe) and the backup cannot be opened without it"
	for _, tc := range []struct {
		name      string
		discarded []Discarded
		want      string
	}{
		{"nothing stored", nil, lost},
		{"removed twice", []Discarded{{Location: "/a/b"}, {Location: "/c/b"}}, lost + ", so it was removed from /a/b and /c/b"},
		{"each outcome", []Discarded{
			{Location: "proton:/B/b", Err: errors.New("offline")},
			{Location: "/media/usb/b", Err: ErrReplaced},
			{Location: "/a/b"},
		}, lost + ", so it was removed from /a/b; could not remove it from proton:/B/b (offline!): delete it, nobody can open it" +
			"; /media/usb/b is no longer the copy it stored (changed or replaced since): left as it is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := &PasswordLostError{Err: errors.New("broken pipe"), Discarded: tc.discarded}
			if got := err.Text(func(err error) string { return err.Error() + "!" }); got != tc.want {
				t.Errorf("Text =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
