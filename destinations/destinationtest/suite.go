// Package destinationtest is the conformance suite every Destination
// passes: write, commit, list, read back, delete, name conflicts, and
// aborted or failed-check writes that leave nothing behind.
package destinationtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
)

// Harness tells the suite how to get a fresh, empty destination and how to
// see everything stored on its medium, including temporary files or drafts
// that List hides. Residue returns one string per stored object (a file
// name, a link name); it is compared before and after failed writes.
// The suite's cases run in parallel, so New must return destinations that
// do not share stored objects (a new folder each).
type Harness struct {
	New     func(t *testing.T) destinations.Destination
	Residue func(t *testing.T, d destinations.Destination) []string
	// Size is the length of the test payload; zero means 100 KiB. Remote
	// destinations use a payload that spans several upload blocks.
	Size int
}

// Run runs the suite against h, its cases in parallel: a remote
// destination spends most of a case waiting on the network.
func Run(t *testing.T, h Harness) {
	size := h.Size
	if size == 0 {
		size = 100 << 10
	}
	payload := make([]byte, size)
	if _, err := rand.Read(payload); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("WriteListReadDelete", func(t *testing.T) {
		t.Parallel()
		d := h.New(t)
		e := Put(t, d, "backup_one", payload)
		if e.Name != "backup_one" || e.Size != int64(len(payload)) {
			t.Fatalf("commit entry = %+v, want name backup_one size %d", e, len(payload))
		}
		list, err := d.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if names := entryNames(list); !slices.Equal(names, []string{"backup_one"}) {
			t.Fatalf("List = %v, want [backup_one]", names)
		}
		if got := ReadAll(t, d, "backup_one"); !bytes.Equal(got, payload) {
			t.Fatalf("read back %d bytes, differ from the %d written", len(got), len(payload))
		}
		if err := d.Delete(ctx, "backup_one"); err != nil {
			t.Fatal(err)
		}
		list, err = d.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Fatalf("List after Delete = %v, want empty", entryNames(list))
		}
	})

	t.Run("EmptyBackup", func(t *testing.T) {
		t.Parallel()
		d := h.New(t)
		Put(t, d, "empty", nil)
		if got := ReadAll(t, d, "empty"); len(got) != 0 {
			t.Fatalf("read back %d bytes, want 0", len(got))
		}
	})

	t.Run("NameConflictNeverOverwrites", func(t *testing.T) {
		t.Parallel()
		d := h.New(t)
		first := []byte("first backup")
		Put(t, d, "same", first)
		e := Put(t, d, "same", payload)
		if e.Name == "same" {
			t.Fatal("second backup committed under the taken name")
		}
		if got := ReadAll(t, d, "same"); !bytes.Equal(got, first) {
			t.Fatal("existing backup was changed by a second one of the same name")
		}
		if got := ReadAll(t, d, e.Name); !bytes.Equal(got, payload) {
			t.Fatalf("backup under new name %q does not read back", e.Name)
		}
	})

	t.Run("AbortLeavesNothing", func(t *testing.T) {
		t.Parallel()
		d := h.New(t)
		before := h.Residue(t, d)
		p, err := d.Create(ctx, "aborted", int64(len(payload)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Write(payload); err != nil {
			t.Fatal(err)
		}
		if err := p.Abort(ctx); err != nil {
			t.Fatal(err)
		}
		if after := h.Residue(t, d); !slices.Equal(before, after) {
			t.Fatalf("Abort left %v (before: %v)", after, before)
		}
	})

	t.Run("FailedCheckLeavesNothing", func(t *testing.T) {
		t.Parallel()
		d := h.New(t)
		Put(t, d, "keep", []byte("an older good backup"))
		before := h.Residue(t, d)
		p, err := d.Create(ctx, "bad", int64(len(payload)))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Abort(ctx)
		if _, err := p.Write(payload); err != nil {
			t.Fatal(err)
		}
		errBad := errors.New("stored bytes do not verify")
		var seen []byte
		_, err = p.Commit(ctx, func(ctx context.Context, r io.ReaderAt, size int64) error {
			seen = make([]byte, size)
			if _, err := r.ReadAt(seen, 0); err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			return errBad
		})
		if !errors.Is(err, errBad) {
			t.Fatalf("Commit with failing check = %v, want it to wrap the check's error", err)
		}
		if !bytes.Equal(seen, payload) {
			t.Fatal("check was not shown the bytes written")
		}
		if after := h.Residue(t, d); !slices.Equal(before, after) {
			t.Fatalf("failed check left %v (before: %v)", after, before)
		}
		if got := ReadAll(t, d, "keep"); string(got) != "an older good backup" {
			t.Fatal("failed write changed an older backup")
		}
	})

	t.Run("MissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		d := h.New(t)
		if _, err := d.Open(ctx, "nope"); !errors.Is(err, destinations.ErrNotFound) {
			t.Fatalf("Open(missing) = %v, want ErrNotFound", err)
		}
		if err := d.Delete(ctx, "nope"); !errors.Is(err, destinations.ErrNotFound) {
			t.Fatalf("Delete(missing) = %v, want ErrNotFound", err)
		}
	})

	t.Run("SpecReopens", func(t *testing.T) {
		t.Parallel()
		d := h.New(t)
		if _, err := destinations.ParseSpec(d.Spec()); err != nil {
			t.Fatalf("Spec() = %q does not parse: %v", d.Spec(), err)
		}
	})
}

// Put writes data as name to d and commits it with SameBytes(data),
// failing t if any step fails. It returns the committed entry.
func Put(t testing.TB, d destinations.Destination, name string, data []byte) destinations.Entry {
	t.Helper()
	ctx := context.Background()
	p, err := d.Create(ctx, name, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort(ctx)
	if _, err := p.Write(data); err != nil {
		t.Fatal(err)
	}
	e, err := p.Commit(ctx, SameBytes(data))
	if err != nil {
		t.Fatalf("Commit(%s): %v", name, err)
	}
	return e
}

// SameBytes is a Check that passes only when the stored bytes are
// exactly want.
func SameBytes(want []byte) destinations.Check {
	return func(ctx context.Context, r io.ReaderAt, size int64) error {
		got := make([]byte, size)
		if _, err := r.ReadAt(got, 0); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if !bytes.Equal(got, want) {
			return errors.New("stored bytes differ from written bytes")
		}
		return nil
	}
}

// ReadAll opens the entry called name in d and returns all its bytes,
// failing t if it cannot.
func ReadAll(t testing.TB, d destinations.Destination, name string) []byte {
	t.Helper()
	r, err := d.Open(context.Background(), name)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	defer r.Close()
	got, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return got
}

func entryNames(es []destinations.Entry) []string {
	var names []string
	for _, e := range es {
		names = append(names, e.Name)
	}
	return names
}
