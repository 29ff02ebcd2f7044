package picker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// session drives a Model the way bubbletea does: every message goes to
// Update, and every command returned is run and its message fed back,
// until the model asks to quit.
type session struct {
	t    *testing.T
	m    tea.Model
	quit bool
}

func start(t *testing.T, sources ...FolderSource) *session {
	t.Helper()
	s := &session{t: t, m: NewModel(context.Background(), sources)}
	s.run(s.m.Init())
	return s
}

func (s *session) run(cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		if _, ok := msg.(tea.QuitMsg); ok {
			s.quit = true
			return
		}
		s.m, cmd = s.m.Update(msg)
	}
}

func (s *session) send(keys ...tea.KeyPressMsg) {
	s.t.Helper()
	for _, k := range keys {
		if s.quit {
			s.t.Fatalf("key %q sent after the picker quit", k)
		}
		var cmd tea.Cmd
		s.m, cmd = s.m.Update(k)
		s.run(cmd)
	}
}

func (s *session) model() Model { return s.m.(Model) }

// text is the key messages for typing str.
func text(str string) []tea.KeyPressMsg {
	var keys []tea.KeyPressMsg
	for _, r := range str {
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return keys
}

func keys(groups ...[]tea.KeyPressMsg) []tea.KeyPressMsg {
	var all []tea.KeyPressMsg
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// press returns the key messages for named keys.
func press(names ...string) []tea.KeyPressMsg {
	codes := map[string]tea.Key{
		"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown}, "left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight},
		"enter": {Code: tea.KeyEnter}, "backspace": {Code: tea.KeyBackspace}, "esc": {Code: tea.KeyEscape},
		"tab": {Code: tea.KeyTab}, "ctrl+c": {Code: 'c', Mod: tea.ModCtrl},
	}
	var all []tea.KeyPressMsg
	for _, n := range names {
		k, ok := codes[n]
		if !ok {
			panic("press: unknown key " + n)
		}
		all = append(all, tea.KeyPressMsg(k))
	}
	return all
}

func times(n int, k []tea.KeyPressMsg) []tea.KeyPressMsg {
	var all []tea.KeyPressMsg
	for range n {
		all = append(all, k...)
	}
	return all
}

// tree makes a home folder with Downloads (holding Alpha, beta, a hidden
// folder and a file) and a removable drive mounted under media/WALLETS.
func tree(t *testing.T) (home string, local LocalFolders) {
	t.Helper()
	home = t.TempDir()
	dl := filepath.Join(home, "Downloads")
	for _, d := range []string{"Downloads/Alpha/inner", "Downloads/beta", "Downloads/.hidden", "media/WALLETS/old", "Documents"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dl, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	return home, LocalFolders{
		Start:  dl,
		Drives: []Place{{Label: "WALLETS", Path: filepath.Join(home, "media", "WALLETS"), Spec: "usb:WALLETS"}},
	}
}

// Items in Downloads: [ Use this folder ], ⏏ WALLETS, .., Alpha/, beta/.
func TestPickModelChoosesFolder(t *testing.T) {
	home, local := tree(t)
	dl := filepath.Join(home, "Downloads")
	tests := []struct {
		name string
		keys []tea.KeyPressMsg
		want string
	}{
		{"enter picks downloads", press("enter"), "folder:" + dl},
		{"open Alpha and use it", keys(times(3, press("down")), press("enter"), press("enter")), "folder:" + filepath.Join(dl, "Alpha")},
		{"j and k move too", keys(text("jjjjk"), press("enter"), press("enter")), "folder:" + filepath.Join(dl, "Alpha")},
		{"right opens", keys(times(4, press("down")), press("right"), press("enter")), "folder:" + filepath.Join(dl, "beta")},
		{"right on use line does nothing", keys(press("right"), press("enter")), "folder:" + dl},
		{"nested folder", keys(times(3, press("down")), press("enter"), times(3, press("down")), press("enter"), press("enter")), "folder:" + filepath.Join(dl, "Alpha", "inner")},
		{"drive at the top", keys(press("down"), press("enter"), press("enter")), "usb:WALLETS"},
		{"folder on drive", keys(press("down"), press("enter"), times(3, press("down")), press("enter"), press("enter")), "folder:" + filepath.Join(home, "media", "WALLETS", "old")},
		{"backspace goes up", keys(press("backspace"), press("enter")), "folder:" + home},
		{"left goes up", keys(press("left"), press("left"), press("enter")), "folder:" + filepath.Dir(home)},
		{"dotdot goes up", keys(times(2, press("down")), press("enter"), press("enter")), "folder:" + home},
		{"up then back into Documents", keys(press("backspace"), times(3, press("down")), press("enter"), press("enter")), "folder:" + filepath.Join(home, "Documents")},
		{"cursor stops at the ends", keys(times(20, press("down")), times(30, press("up")), press("enter")), "folder:" + dl},
		{"end then home", keys(text("G"), text("g"), press("enter")), "folder:" + dl},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, local)
			s.send(tc.keys...)
			if !s.quit {
				t.Fatalf("picker still running; view:\n%s", s.m.View().Content)
			}
			c, ok := s.model().Choice()
			if !ok {
				t.Fatal("no choice")
			}
			if c.Spec != tc.want {
				t.Errorf("spec = %q, want %q", c.Spec, tc.want)
			}
			if c.Source != "This computer" {
				t.Errorf("source = %q", c.Source)
			}
		})
	}
}

func TestPickModelCancels(t *testing.T) {
	_, local := tree(t)
	tests := []struct {
		name        string
		keys        []tea.KeyPressMsg
		interrupted bool // Ctrl-C: the command stops (ErrInterrupted)
	}{
		{"esc", press("esc"), false},
		{"q", text("q"), false},
		{"ctrl-c", press("ctrl+c"), true},
		{"after browsing", keys(times(3, press("down")), press("enter"), press("esc")), false},
		{"esc leaves the name prompt, then esc cancels", keys(text("n"), text("x"), press("esc"), press("esc")), false},
		{"ctrl-c while naming", keys(text("nab"), press("ctrl+c")), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, local)
			s.send(tc.keys...)
			if !s.quit {
				t.Fatal("picker still running")
			}
			if c, ok := s.model().Choice(); ok {
				t.Fatalf("cancel chose %+v", c)
			}
			if got := s.model().Interrupted(); got != tc.interrupted {
				t.Errorf("Interrupted() = %v, want %v", got, tc.interrupted)
			}
			if v := s.m.View().Content; v != "" {
				t.Errorf("view after cancel = %q, want empty", v)
			}
		})
	}
}

func TestPickModelCreatesFolder(t *testing.T) {
	home, local := tree(t)
	dl := filepath.Join(home, "Downloads")
	s := start(t, local)
	s.send(keys(text("n"), text("Cake backups"), press("backspace"), text("s"), press("enter"))...)
	if s.quit {
		t.Fatal("picker quit after creating a folder")
	}
	want := filepath.Join(dl, "Cake backups")
	if got := s.model().dirs[0]; got != want {
		t.Fatalf("after creating, picker is in %q, want %q", got, want)
	}
	fi, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("new folder mode = %v, want drwx------", fi.Mode())
	}
	s.send(press("enter")...)
	c, ok := s.model().Choice()
	if !ok || c.Spec != "folder:"+want {
		t.Fatalf("choice = %+v, %v; want folder:%s", c, ok, want)
	}
}

func TestPickModelRejectsBadFolderNames(t *testing.T) {
	home, local := tree(t)
	dl := filepath.Join(home, "Downloads")
	tests := []struct {
		name    string
		typed   string
		wantErr string
	}{
		{"empty", "", "empty"},
		{"slash", "a/b", "must not contain"},
		{"dotdot", "..", "not allowed"},
		{"exists", "Alpha", "already exists"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, local)
			s.send(keys(text("n"), text(tc.typed), press("enter"))...)
			if s.quit {
				t.Fatal("picker quit")
			}
			view := s.m.View().Content
			if !strings.Contains(view, tc.wantErr) {
				t.Errorf("view does not mention %q:\n%s", tc.wantErr, view)
			}
			if got := s.model().dirs[0]; got != dl {
				t.Errorf("picker moved to %q", got)
			}
			entries, err := os.ReadDir(dl)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 4 { // Alpha, beta, .hidden, notes.txt
				t.Errorf("Downloads holds %d entries, want 4", len(entries))
			}
			// The picker still works: Esc out of the prompt, pick Downloads.
			if s.model().naming {
				s.send(press("esc")...)
			}
			s.send(press("enter")...)
			if c, ok := s.model().Choice(); !ok || c.Spec != "folder:"+dl {
				t.Errorf("choice = %+v, %v", c, ok)
			}
		})
	}
}

func TestPickModelStaysWhenFolderVanishes(t *testing.T) {
	home, local := tree(t)
	dl := filepath.Join(home, "Downloads")
	s := start(t, local)
	if err := os.Remove(filepath.Join(dl, "beta")); err != nil {
		t.Fatal(err)
	}
	s.send(keys(times(4, press("down")), press("enter"))...) // beta/ is still listed
	if got := s.model().dirs[0]; got != dl {
		t.Fatalf("picker moved into a vanished folder: %q", got)
	}
	if v := s.m.View().Content; !strings.Contains(v, "beta") || !strings.Contains(v, "no such file") {
		t.Errorf("view does not explain the failure:\n%s", v)
	}
	s.send(press("up")...)
	s.send(press("enter", "enter")...)
	c, _ := s.model().Choice()
	if c.Spec != "folder:"+filepath.Join(dl, "Alpha") {
		t.Fatalf("did not recover; choice %+v", c)
	}
}

func TestPickModelListsOnlyVisibleFolders(t *testing.T) {
	_, local := tree(t)
	s := start(t, local)
	v := s.m.View().Content
	for _, want := range []string{"[ Use this folder ]", "⏏ WALLETS", "..", "Alpha/", "beta/"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	for _, bad := range []string{".hidden", "notes.txt"} {
		if strings.Contains(v, bad) {
			t.Errorf("view shows %q", bad)
		}
	}
	if i, j := strings.Index(v, "WALLETS"), strings.Index(v, "Alpha/"); i > j {
		t.Error("drive is not above the folders")
	}
}

func TestPickModelScrollsLongListings(t *testing.T) {
	dir := t.TempDir()
	for i := range 40 {
		if err := os.Mkdir(filepath.Join(dir, "f"+string(rune('A'+i/26))+string(rune('a'+i%26))), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := start(t, LocalFolders{Start: dir})
	s.send() // no keys: just the listing
	s.m, _ = s.m.Update(tea.WindowSizeMsg{Width: 80, Height: 12})
	s.send(times(35, press("down"))...) // items: use, .., then fAa.. : cursor on the 34th folder
	v := s.m.View().Content
	if lines := strings.Count(v, "\n"); lines > 12 {
		t.Errorf("view is %d lines, taller than the 12-row terminal:\n%s", lines, v)
	}
	if !strings.Contains(v, "> fBh/") {
		t.Errorf("selected folder not visible:\n%s", v)
	}
	if strings.Contains(v, "[ Use this folder ]") {
		t.Errorf("list did not scroll:\n%s", v)
	}
	s.send(press("enter", "enter")...)
	if c, _ := s.model().Choice(); c.Spec != "folder:"+filepath.Join(dir, "fBh") {
		t.Errorf("choice = %+v", c)
	}
}

// otherTree is a second source over real folders, with its own name and
// spec scheme, standing in for a cloud drive.
type otherTree struct{ LocalFolders }

func (otherTree) Name() string             { return "Other tree" }
func (otherTree) Places() []Place          { return nil }
func (o otherTree) Spec(dir string) string { return "other:" + dir }

func TestPickModelSwitchesSources(t *testing.T) {
	home, local := tree(t)
	dl := filepath.Join(home, "Downloads")
	cloud := t.TempDir()
	if err := os.Mkdir(filepath.Join(cloud, "Backups"), 0o755); err != nil {
		t.Fatal(err)
	}
	other := otherTree{LocalFolders{Start: cloud}}
	tests := []struct {
		name       string
		keys       []tea.KeyPressMsg
		wantSpec   string
		wantSource string
	}{
		{"tab then use", keys(press("tab", "enter")), "other:" + cloud, "Other tree"},
		{"tab, open, use", keys(press("tab", "down", "down", "enter", "enter")), "other:" + filepath.Join(cloud, "Backups"), "Other tree"},
		{"tab back keeps the local folder", keys(times(3, press("down")), press("enter", "tab", "tab", "enter")), "folder:" + filepath.Join(dl, "Alpha"), "This computer"},
		{"new folder in the other tree", keys(press("tab"), text("nNew"), press("enter", "enter")), "other:" + filepath.Join(cloud, "New"), "Other tree"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, local, other)
			s.send(tc.keys...)
			c, ok := s.model().Choice()
			if !ok {
				t.Fatalf("no choice; view:\n%s", s.m.View().Content)
			}
			if c.Spec != tc.wantSpec || c.Source != tc.wantSource {
				t.Errorf("choice = %+v, want spec %q from %q", c, tc.wantSpec, tc.wantSource)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(cloud, "New")); err != nil {
		t.Errorf("folder made in the other tree: %v", err)
	}
}

// Keys pressed before a listing arrives are not lost.
func TestPickModelKeepsKeysTypedWhileLoading(t *testing.T) {
	home, local := tree(t)
	s := &session{t: t, m: NewModel(context.Background(), []FolderSource{local})}
	initCmd := s.m.Init()
	s.send(keys(times(3, press("down")), press("enter", "enter"))...)
	if s.quit {
		t.Fatal("picker acted before its folder was listed")
	}
	s.run(initCmd)
	c, ok := s.model().Choice()
	if want := "folder:" + filepath.Join(home, "Downloads", "Alpha"); !ok || c.Spec != want {
		t.Fatalf("choice = %+v, %v; want %s", c, ok, want)
	}
}

func TestPickModelHintsInEmptyFolder(t *testing.T) {
	home, local := tree(t)
	s := start(t, local)
	if strings.Contains(s.m.View().Content, "no folders here") {
		t.Error("hint shown in a folder with folders")
	}
	s.send(keys(times(4, press("down")), press("enter"))...) // beta/ is empty
	if got := s.model().dirs[0]; got != filepath.Join(home, "Downloads", "beta") {
		t.Fatalf("in %s", got)
	}
	if !strings.Contains(s.m.View().Content, "no folders here") {
		t.Errorf("no hint in an empty folder:\n%s", s.m.View().Content)
	}
}
