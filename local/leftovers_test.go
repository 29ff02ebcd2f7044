package local

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/childtest"
)

// TestReclaimRemovesOnlyDeadWritersFiles: a writer killed mid-write
// leaves its temporary file; the next Reclaim removes it and reports it,
// while a live writer's file (in another process or this one) and a
// published backup stay.
func TestReclaimRemovesOnlyDeadWritersFiles(t *testing.T) {
	if dir := os.Getenv("LOCAL_KILLED_WRITER"); dir != "" {
		f, err := NewFolder(dir)
		if err != nil {
			os.Exit(2)
		}
		p, err := f.Create(context.Background(), "killed", -1)
		if err != nil {
			os.Exit(3)
		}
		p.Write(make([]byte, 5000))
		os.Stdout.WriteString("writing\n")
		childtest.WaitForParent()
		// Until here the collector must not finalize the pending file,
		// which would close it and drop its lock while the writer runs.
		runtime.KeepAlive(p)
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReclaimRemovesOnlyDeadWritersFiles$")
	cmd.Env = append(os.Environ(), "LOCAL_KILLED_WRITER="+dir)
	childtest.Start(t, cmd, "writing\n")
	// Every file is old enough to be a leftover.
	ageAll := func() {
		t.Helper()
		old := time.Now().Add(-time.Hour)
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if err := os.Chtimes(filepath.Join(dir, e.Name()), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	f, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ageAll()
	// While the writer lives, its file is locked and stays.
	if got, err := f.Reclaim(ctx); err != nil || got.Files != 0 {
		t.Fatalf("Reclaim while the writer lives = %+v, %v; want nothing removed", got, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Killed, not ended by itself before (on Windows a killed process
	// has exited too).
	if cmd.Wait(); cmd.ProcessState.Exited() && runtime.GOOS != "windows" {
		t.Fatalf("the writer ended by itself (%v), not by the kill", cmd.ProcessState)
	}

	live, err := f.Create(ctx, "live", -1)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort(ctx)
	live.Write([]byte("in progress"))
	if err := os.WriteFile(filepath.Join(dir, "published"), []byte("a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	ageAll()

	got, err := f.Reclaim(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Files != 1 || got.Bytes != 5000 {
		t.Fatalf("Reclaim = %+v, want the killed writer's one file of 5000 bytes", got)
	}
	var names []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 2 || !strings.HasPrefix(names[0], ".live"+tempMarker) || names[1] != "published" {
		t.Fatalf("folder holds %v, want the live writer's file and the published backup", names)
	}
	if _, err := live.Write([]byte(" and more")); err != nil {
		t.Fatalf("the live writer was disturbed: %v", err)
	}
}

// TestReclaimSparesNewFiles: a temporary file younger than a minute may
// be one whose writer has not locked it yet.
func TestReclaimSparesNewFiles(t *testing.T) {
	dir := t.TempDir()
	name := "." + "x" + tempMarker + "1-abc"
	os.WriteFile(filepath.Join(dir, name), []byte("new"), 0o600)
	f, _ := NewFolder(dir)
	got, err := f.Reclaim(context.Background())
	if err != nil || got.Files != 0 {
		t.Fatalf("Reclaim = %+v, %v; want nothing removed", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}
