// Package protondrive offers the folders of Proton Drive to the folder
// picker: a picker.FolderSource that connects when first browsed. It
// lives apart from picker so that picker knows nothing of Proton.
package protondrive

import (
	"context"
	"path"

	"github.com/cakebackup/cakebackup/picker"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/secret"
)

// Tree is what browsing needs of a connected *proton.Drive: the names of
// the folders in a folder ("/" is the root, "/Backups/Cake" a folder
// under it) and making one.
type Tree interface {
	Folders(ctx context.Context, dir string) ([]string, error)
	MakeFolder(ctx context.Context, dir, name string) error
}

// Connect opens the Drive and returns it with the function that closes
// it.
type Connect func(ctx context.Context) (Tree, func(context.Context), error)

// Source is Proton Drive as a picker.FolderSource.
type Source struct {
	connect Connect
	tree    Tree // nil until connected
	closer  func(context.Context)
}

// New returns the Source of the Drive connect opens, once first browsed.
func New(connect Connect) *Source { return &Source{connect: connect} }

// LoggedIn returns the Proton Drive of the session cached for the user
// whose environment getenv reads, in kr (the process's keyring) or the
// session file (see proton.NewSessionStore), when there is one. It
// connects only when first browsed, so the picker opens at once and
// works offline for local folders.
func LoggedIn(getenv func(string) string, kr secret.Keyring) (*Source, bool) {
	if _, ok := proton.LoggedIn(getenv, kr); !ok {
		return nil, false
	}
	return New(func(ctx context.Context) (Tree, func(context.Context), error) {
		opts, err := proton.OptionsFromEnv(getenv)
		if err != nil {
			return nil, nil, err
		}
		d, err := proton.Connect(ctx, opts, proton.NewSessionStore(getenv, kr))
		if err != nil {
			return nil, nil, err
		}
		return d, d.Close, nil
	}), true
}

// More is picker.Chooser's More for Proton Drive: the Source LoggedIn
// gives, when there is a session, asked for when the picker opens.
func More(getenv func(string) string, kr secret.Keyring) func() []picker.FolderSource {
	return func() []picker.FolderSource {
		if p, ok := LoggedIn(getenv, kr); ok {
			return []picker.FolderSource{p}
		}
		return nil
	}
}

func (p *Source) folders(ctx context.Context) (Tree, error) {
	if p.tree == nil {
		t, closer, err := p.connect(ctx)
		if err != nil {
			return nil, err
		}
		p.tree, p.closer = t, closer
	}
	return p.tree, nil
}

// Close closes the Drive if it was connected.
func (p *Source) Close(ctx context.Context) {
	if p.closer != nil {
		p.closer(ctx)
	}
}

// Name implements picker.FolderSource.
func (p *Source) Name() string { return "Proton Drive" }

// Root implements picker.FolderSource.
func (p *Source) Root() string { return "/" }

// List implements picker.FolderSource.
func (p *Source) List(ctx context.Context, dir string) ([]picker.Folder, error) {
	t, err := p.folders(ctx)
	if err != nil {
		return nil, err
	}
	names, err := t.Folders(ctx, dir)
	if err != nil {
		return nil, err
	}
	folders := make([]picker.Folder, len(names))
	for i, n := range names {
		folders[i] = picker.Folder{Name: n, Path: path.Join(dir, n)}
	}
	return folders, nil
}

// Parent implements picker.FolderSource.
func (p *Source) Parent(dir string) (string, bool) {
	return path.Dir(dir), dir != "/"
}

// Mkdir implements picker.FolderSource.
func (p *Source) Mkdir(ctx context.Context, dir, name string) (string, error) {
	if err := picker.CheckFolderName(name); err != nil {
		return "", err
	}
	t, err := p.folders(ctx)
	if err != nil {
		return "", err
	}
	if err := t.MakeFolder(ctx, dir, name); err != nil {
		return "", err
	}
	return path.Join(dir, name), nil
}

// Spec implements picker.FolderSource.
func (p *Source) Spec(dir string) string { return "proton:" + dir }
