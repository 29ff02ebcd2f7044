//go:build !windows

package shareopen

import "os"

// Read opens the file at path for reading.
func Read(path string) (*os.File, error) { return os.Open(path) }

// ReadWrite opens the file at path, which exists, for reading and writing.
func ReadWrite(path string) (*os.File, error) { return os.OpenFile(path, os.O_RDWR, 0) }

// Folder opens the folder at path.
func Folder(path string) (*os.File, error) { return os.Open(path) }
